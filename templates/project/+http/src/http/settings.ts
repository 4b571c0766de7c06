/**
 * The HTTP server's limits: how long a client may take to send a request, how many connections
 * and failed authentications it may cost, and how long a shutdown waits for calls in flight.
 * Each has a default that suits one server on one machine; the ones a deployment may need to
 * change come from the configuration (MCP_PROD_*_TIMEOUT_SECONDS, MCP_PROD_MAX_CONNECTIONS, ...).
 */

export interface HttpSettings {
  /** The request headers must arrive within this (node's server.headersTimeout). */
  headersTimeoutMs: number;
  /** An authenticated request's body must arrive within this once its headers have. */
  bodyTimeoutMs: number;
  /** Open connections at once; node drops the ones above it. */
  maxConnections: number;
  /** Failed authentications one client address may cause per minute (also the burst). */
  unauthenticatedPerMinute: number;
  /** Repeated refusals from one client address are logged once per this long, with a count. */
  logQuietMs: number;
  /** A shutdown waits this long for calls in flight before it cuts them off. */
  shutdownGraceMs: number;
  /** After cutting calls off, how long to wait for them to write their log lines and costs. */
  unwindMs: number;
  /** Serve stateless 2025-era tools/call without the SDK's per-request server (http/direct-call.ts); tests turn it off to compare. */
  directCalls: boolean;
  /** A call's SSE stream carries a comment this often while the call runs (the SDK's default, 15 s). */
  sseKeepAliveMs: number;
  /** After requests, this long without any gives the memory they made V8 grow back (http/idle-memory.ts); 0: never. */
  idleReclaimMs: number;
}

/** The settings of a running server: its configured limits plus the fixed logging and unwind pauses. */
export function httpSettings(config: {
  shutdownGraceMs: number;
  httpLimits: Omit<HttpSettings, 'shutdownGraceMs' | 'logQuietMs' | 'unwindMs' | 'directCalls' | 'sseKeepAliveMs' | 'idleReclaimMs'>;
}): HttpSettings {
  return {
    ...config.httpLimits,
    shutdownGraceMs: config.shutdownGraceMs,
    logQuietMs: 60_000,
    unwindMs: 3_000,
    directCalls: true,
    sseKeepAliveMs: 15_000,
    // Long enough that the collection's pause lands on a server that is idle, not between calls.
    idleReclaimMs: 10_000,
  };
}
