/**
 * Streamable HTTP entry point: node:http in front of the SDK's web-standard handler. Every
 * request to /mcp passes these checks, in this order, before any MCP processing:
 *
 *   1. refused while the server drains for a shutdown   503             http/drain.ts
 *   2. a header sent twice, a malformed Host            400             http/headers.ts
 *   3. Host and Origin allow-lists (DNS rebinding)      403
 *   4. a declared body over the limit                   413
 *   5. the bearer token, from the headers alone         401, 429, 503   http/gate.ts, http/limits.ts
 *   6. the body: size, deadline, nesting, JSON, batch   413, 408, 400   http/body.ts
 *   7. the tool's scopes                                403
 *   8. the tool's rate limit, decided by the pipeline   429             http/rate-limited.ts
 *
 * A stateless 2025-era tools/call is then served by the pipeline directly (http/direct-call.ts);
 * every other request by the SDK's handler, through http/fetch-bridge.ts.
 *
 * Besides /mcp: /healthz (liveness), /readyz (readiness, http/readiness.ts) and, in JWT mode,
 * the RFC 9728 metadata. Slow clients meet header and request timeouts and a connection cap
 * (http/settings.ts); SIGTERM/SIGINT drain the server (http/drain.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createMcpHandler, validateHostHeader, validateOriginHeader, type AuthInfo } from '@modelcontextprotocol/server';
import { createApp, runProcess, type App } from './app.js';
import { loadDotEnv } from './config.js';
import { missingScopes } from './platform/auth.js';
import { protectedResourceMetadata } from './platform/jwt.js';
import { limitsOf } from './platform/limits.js';
import { writeStderr } from './platform/log-destination.js';
import { recordRefusedCall } from './platform/pipeline.js';
import { startTelemetry } from './platform/telemetry.js';
import { buildServer, serverInfo } from './server.js';
import { checkStoreAtStart } from './store/index.js';
import { BodyRefused, parseJsonBody, readBody } from './http/body.js';
import { followCalls } from './http/calls.js';
import { directCallOf, serveDirectCall } from './http/direct-call.js';
import { createDrain, type InFlight } from './http/drain.js';
import { serveThroughFetch, type ReadBody } from './http/fetch-bridge.js';
import { authGate } from './http/gate.js';
import { isHangingUp } from './http/hang-up.js';
import { hostIsWellFormed, repeatedHeader } from './http/headers.js';
import { addressBuckets, quietLog } from './http/limits.js';
import { answeringRateLimitsWith429, watchAdmission } from './http/rate-limited.js';
import { readinessCheck } from './http/readiness.js';
import { clip, GateErrorCode, jsonRpcError, sendAndClose, sendJson } from './http/responses.js';
import { reclaimWhenIdle } from './http/idle-memory.js';
import { httpSettings, type HttpSettings } from './http/settings.js';

export { GateErrorCode } from './http/responses.js';
export type { HttpSettings } from './http/settings.js';

export interface RunningHttpServer {
  readonly url: string;
  readonly server: Server;
  /**
   * Drains: stops accepting work, waits up to `graceMs` (default: the shutdown grace setting)
   * for requests in flight, then cuts off the rest. Says how many requests it had to cut off.
   */
  close(graceMs?: number): Promise<{ cutOff: number }>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const METADATA_PATH = '/.well-known/oauth-protected-resource';

interface ToolCallMessage {
  id?: unknown;
  method: 'tools/call';
  params: { name: string; arguments?: unknown };
}

const isMalformedToolCall = (message: unknown): message is { params?: { arguments?: unknown } } =>
  typeof message === 'object' &&
  message !== null &&
  (message as { method?: unknown }).method === 'tools/call' &&
  typeof (message as { params?: { name?: unknown } }).params?.name !== 'string';

const isToolCall = (message: unknown): message is ToolCallMessage =>
  typeof message === 'object' &&
  message !== null &&
  (message as { method?: unknown }).method === 'tools/call' &&
  typeof (message as { params?: { name?: unknown } }).params?.name === 'string';

const isListen = (message: unknown) => (message as { method?: unknown } | undefined)?.method === 'subscriptions/listen';

const BODY_ERROR_CODES = { 400: GateErrorCode.parse, 408: GateErrorCode.timeout, 413: GateErrorCode.tooLarge } as const;

export async function startHttpServer(app: App, listen: { port?: number; host?: string; settings?: Partial<HttpSettings> } = {}): Promise<RunningHttpServer> {
  const settings: HttpSettings = { ...httpSettings(app.config), ...listen.settings };
  const { maxBodyBytes } = app.config;
  const onerror = (error: Error) => app.logger.error({ event: 'transport_error', err: error }, 'transport_error');
  const calls = followCalls(app);
  const mcp = createMcpHandler(({ authInfo }) => drain.adopt(buildServer(calls.app, { transport: 'http' }), authInfo), {
    onerror,
    maxRequestBodySize: maxBodyBytes,
    keepAliveMs: settings.sseKeepAliveMs,
  });
  const handleMcp = answeringRateLimitsWith429(mcp);
  // Shapes results for the calls answered directly (http/direct-call.ts), as the per-request servers do.
  const projector = buildServer(calls.app, { transport: 'http' });
  const jwtMode = app.config.auth.mode === 'jwt' ? app.config.auth : undefined;
  let resourceUrl = app.config.resourceUrl;
  const quiet = quietLog(app.logger, settings.logQuietMs);
  const gate = authGate(app, {
    metadataUrl: () => (jwtMode ? new URL(METADATA_PATH, resourceUrl).href : undefined),
    buckets: addressBuckets(settings.unauthenticatedPerMinute),
    quiet,
  });

  /** Refusals before the body is read hang up; `keepAlive` ones come after a body read in full. */
  const refuse = (res: ServerResponse, status: number, message: string, code: number, keepAlive = false) =>
    (keepAlive ? sendJson : sendAndClose)(res, status, jsonRpcError(message, null, code));

  const checkReady = readinessCheck(app.store, quiet);

  async function serveMcp(req: IncomingMessage, res: ServerResponse, request: InFlight): Promise<void> {
    const repeated = repeatedHeader(req);
    if (repeated) return refuse(res, 400, `The request carries more than one ${repeated} header; send exactly one.`, GateErrorCode.badRequest);
    if (!hostIsWellFormed(req.headers.host)) {
      return refuse(res, 400, 'The Host header must be a host name or address and an optional port, nothing else.', GateErrorCode.badRequest);
    }
    for (const check of [validateHostHeader(req.headers.host, app.config.allowedHosts), validateOriginHeader(req.headers.origin, app.config.allowedOrigins)]) {
      if (!check.ok) return refuse(res, 403, clip(check.message), GateErrorCode.forbidden);
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes)
      return refuse(res, 413, `Request body exceeds ${maxBodyBytes} bytes.`, GateErrorCode.tooLarge);

    const principal = await gate.authenticate(req, res);
    if (!principal) return;

    let body: ReadBody | undefined;
    if (req.method === 'POST') {
      try {
        const text = await readBody(req, { maxBytes: maxBodyBytes, timeoutMs: settings.bodyTimeoutMs });
        body = { text, message: parseJsonBody(text) };
      } catch (error) {
        if (!(error instanceof BodyRefused)) throw error;
        return refuse(res, error.status, error.message, BODY_ERROR_CODES[error.status], error.status === 400);
      }
      // Batches would need the scope check below per element; MCP dropped them in 2025-06-18.
      if (Array.isArray(body.message)) {
        const text = 'JSON-RPC batches are not supported: MCP removed batching in protocol revision 2025-06-18. Send one message per request.';
        return refuse(res, 400, text, GateErrorCode.invalidRequest, true);
      }
    }
    const message = body?.message;
    if (isListen(message)) request.kind = 'stream';
    if (isMalformedToolCall(message)) {
      // The SDK refuses a tools/call without a tool name before the pipeline runs: its line is written here.
      await recordRefusedCall(app, { toolName: 'unknown', entry: undefined, principal, errorCode: 'invalid_params', arguments: message.params?.arguments });
    }

    // Refusals the gate answers with an HTTP status: a missing scope (403) and the rate limit (429).
    const toolCall = isToolCall(message) ? message : undefined;
    const gated = app.config.scopeDenial === 'http' && toolCall ? app.registry.get(toolCall.params.name) : undefined;
    const missing = gated ? missingScopes(principal.scopes, gated.tool.scopes) : [];
    if (gated && toolCall && missing.length > 0) {
      const { tool } = gated;
      await recordRefusedCall(app, {
        toolName: clip(tool.name),
        entry: gated,
        principal,
        errorCode: 'insufficient_scope',
        arguments: toolCall.params.arguments,
      });
      const text = `${tool.name} requires the scopes ${tool.scopes.join(' ')}.`;
      return sendJson(
        res,
        403,
        jsonRpcError(text, toolCall.id, GateErrorCode.forbidden, { code: 'insufficient_scope', requiredScopes: tool.scopes, missingScopes: missing }),
        { 'www-authenticate': gate.challenge({ error: 'insufficient_scope', scope: tool.scopes.join(' '), error_description: text }) },
      );
    }

    const verified: AuthInfo = {
      // The SDK carries `token` into handler contexts; the secret itself never leaves this gate.
      token: principal.tokenId ?? 'verified',
      clientId: principal.id,
      scopes: [...principal.scopes],
      extra: { principalId: principal.id, ...(principal.tokenId ? { tokenId: principal.tokenId } : {}) },
    };
    const rateLimited = gated !== undefined && limitsOf(gated.tool, app.limits).rate !== undefined;
    const authInfo = rateLimited ? watchAdmission(verified, toolCall?.id) : verified;
    const direct = settings.directCalls ? directCallOf(req, message) : undefined;
    if (direct) return serveDirectCall(calls.app, projector, { req, res, inFlight: request, authInfo, keepAliveMs: settings.sseKeepAliveMs }, direct);
    drain.bind(request, authInfo);
    await serveThroughFetch(handleMcp, { req, res, authInfo, body, onerror });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const probe = req.method === 'GET' || req.method === 'HEAD';
    // Liveness: the process answers. It never touches the store, so a locked store cannot fail it.
    if (path === '/healthz' && probe) return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz' && probe) {
      const reason = drain.draining ? 'draining' : await checkReady();
      return reason ? sendJson(res, 503, { status: 'not_ready', reason }) : sendJson(res, 200, { status: 'ready' });
    }
    if (jwtMode && (path === METADATA_PATH || path === `${METADATA_PATH}/mcp`)) {
      const scopes = [...new Set(app.registry.tools.flatMap(({ tool }) => tool.scopes))].sort();
      return sendJson(res, 200, protectedResourceMetadata({ resource: resourceUrl!, authorizationServers: jwtMode.authorizationServers, scopes }));
    }
    // Hang up: a body sent to a wrong path is not worth reading either.
    if (path !== '/mcp') return sendAndClose(res, 404, { error: 'not_found', message: 'The MCP endpoint is /mcp.' });
    if (drain.draining) {
      const text = 'The server is shutting down; retry shortly.';
      return sendAndClose(res, 503, jsonRpcError(text, null, GateErrorCode.unavailable, { code: 'shutting_down', retryable: true }), { 'retry-after': '1' });
    }
    await drain.run(res, (request) => serveMcp(req, res, request));
  }

  const idle = settings.idleReclaimMs > 0 ? reclaimWhenIdle(settings.idleReclaimMs) : undefined;
  const server = createServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      // A backstop for the whole request; the body's own deadline (http/body.ts) comes first.
      requestTimeout: settings.headersTimeoutMs + settings.bodyTimeoutMs + 5_000,
      // Node checks both timeouts on this interval (default 30 s, which would triple a short one).
      connectionsCheckingInterval: Math.min(1_000, settings.headersTimeoutMs),
    },
    (req, res) => {
      idle?.served();
      // Queued behind a `connection: close` answer, its own answer would never be written.
      if (isHangingUp(req.socket)) return;
      route(req, res).catch((error: unknown) => {
        onerror(error as Error);
        if (!res.headersSent) sendJson(res, 500, jsonRpcError('Internal server error.', null, GateErrorCode.internal));
        else res.destroy();
      });
    },
  );
  server.maxConnections = settings.maxConnections;
  server.on('drop', (dropped?: { remoteAddress?: string }) =>
    quiet('warn', 'connection_dropped', { event: 'http_connection_dropped', remote: dropped?.remoteAddress, max_connections: settings.maxConnections }),
  );
  const drain = createDrain({ server, calls, logger: app.logger, unwindMs: settings.unwindMs, closeMcp: () => mcp.close() });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? app.config.port, listen.host ?? app.config.host, () => resolve());
  }).catch((error: unknown) => {
    idle?.stop();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/mcp`;
  resourceUrl ??= url;

  return {
    url,
    server,
    close: (graceMs = settings.shutdownGraceMs) => {
      idle?.stop();
      return drain.close(graceMs);
    },
  };
}

export async function main(): Promise<void> {
  let app: App;
  let settings: HttpSettings;
  try {
    loadDotEnv();
    // Loads the OpenTelemetry SDK only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    const telemetry = await startTelemetry({
      serviceName: serverInfo.name,
      serviceVersion: serverInfo.version,
      onWarning: (message) => app.logger.warn({ event: 'telemetry_warning', message }, 'telemetry_warning'),
    });
    app = createApp({ telemetry });
    settings = httpSettings(app.config);
  } catch (error) {
    writeStderr(`Cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const storeProblem = await checkStoreAtStart(app.store);
  if (storeProblem) {
    writeStderr(`Cannot start: ${storeProblem}\n`);
    await app.close().catch(() => undefined);
    process.exit(1);
  }
  const running = await startHttpServer(app, { settings }).catch((error: Error) => {
    writeStderr(`Cannot listen on ${app.config.host}:${app.config.port}: ${error.message}\n`);
    process.exit(1);
  });
  app.logger.info(
    { event: 'started', transport: 'http', url: running.url, tools: app.registry.tools.length, store: app.store.kind, database: app.store.location },
    'started',
  );
  if (!LOOPBACK_HOSTS.has(app.config.host) && app.config.allowedHosts.every((h) => LOOPBACK_HOSTS.has(h))) {
    app.logger.warn(
      { event: 'allowed_hosts_default', host: app.config.host },
      'Listening beyond loopback but only loopback Host headers are accepted; set MCP_PROD_ALLOWED_HOSTS to the names clients use.',
    );
  }
  runProcess(app, () => running.close());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
