/**
 * A stateless 2025-era `tools/call` (what every deployed client sends once it has initialized)
 * answered without building an MCP server for it. Through the SDK, each such request builds a
 * server and a transport, converts the Node request into a web Request and back, and streams
 * one SSE event; that work costs more than the pipeline itself. Here the same pipeline runs and
 * the same single event is written: same status, headers and JSON-RPC message.
 *
 * Only requests the SDK would route to its stateless 2025 fallback and serve are taken, decided
 * with the SDK's own classifier; everything else (initialize, tools/list, the 2026 era, a
 * request the SDK would refuse) goes to the SDK, which stays the reference:
 * test/http-direct-call.test.ts sends each request both ways and compares the answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AuthInfo,
  classifyInboundRequest,
  isJsonContentType,
  ProtocolError,
  type Server,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/server';
import type { App } from '../app.js';
import { CallCancellation } from '../platform/cancellation.js';
import { admissionWatchOf } from '../platform/limits.js';
import { handleToolCall } from '../platform/pipeline.js';
import { knownResultJson } from '../platform/result-json.js';
import type { InFlight } from './drain.js';
import { rateLimitedAnswer } from './rate-limited.js';
import { sendJson } from './responses.js';

export interface DirectCall {
  id: string | number;
  params: Record<string, unknown> & { name: string };
  /** The MCP-Protocol-Version header; without one, nothing was negotiated (as the SDK's servers report it). */
  protocolVersion: string | undefined;
}

/** The headers the SDK's stateless transport sends with a one-event SSE answer. */
const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** The SSE headers, minus `connection` when the drain has already asked to close the connection. */
const sseHeaders = (res: ServerResponse) => {
  if (!res.hasHeader('connection')) return SSE_HEADERS;
  const { connection: _kept, ...rest } = SSE_HEADERS;
  return rest;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isRequestId = (id: unknown): id is string | number => typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));
const single = (value: string | string[] | undefined) => (Array.isArray(value) ? undefined : value);

/**
 * Params the SDK's per-request server would pass to the handler untouched: arguments absent or an
 * object, and none of the fields it validates or strips first (`task`, `requestState`,
 * `inputResponses`, its reserved `io.modelcontextprotocol/` _meta keys). Anything else goes to
 * the SDK, which refuses or rewrites it.
 */
function hasPlainCallParams(params: Record<string, unknown>): boolean {
  if (params.arguments !== undefined && !isPlainObject(params.arguments)) return false;
  if ('task' in params || 'requestState' in params || 'inputResponses' in params) return false;
  if (params._meta === undefined) return true;
  return isPlainObject(params._meta) && !Object.keys(params._meta).some((key) => key.startsWith('io.modelcontextprotocol/'));
}

/** The keys of a JSON-RPC request: the SDK's request schema is strict and refuses any other. */
const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

/** A progress token the SDK's request schema accepts: a string or a safe integer. */
const isProgressToken = (token: unknown) => typeof token === 'string' || Number.isSafeInteger(token);

/**
 * Whether the SDK's classifier would route this request to its 2025 fallback, known without
 * asking it: nothing but the request keys, no Mcp-Method or Mcp-Name header (the version header
 * is already known to be a 2025-era one), and a `_meta` that cannot claim the 2026 envelope (no
 * `io.modelcontextprotocol/` key, checked before) with any progress token of the type its request
 * schema takes. Its answer for such a request is always "legacy", but it parses the body with
 * four zod schemas first, two of which fail and build their errors: about 4% of a served call,
 * paid by every call that carries an idempotency key or a progress token. Anything else is asked.
 */
const isPlainLegacyRequest = (req: IncomingMessage, message: Record<string, unknown>, params: Record<string, unknown>) => {
  const meta = params._meta as Record<string, unknown> | undefined;
  return (
    (meta === undefined || !('progressToken' in meta) || isProgressToken(meta.progressToken)) &&
    req.headers['mcp-method'] === undefined &&
    req.headers['mcp-name'] === undefined &&
    Object.keys(message).every((key) => REQUEST_KEYS.has(key))
  );
};

/** The call, when the SDK would serve this request as a stateless 2025-era tools/call; otherwise undefined. */
export function directCallOf(req: IncomingMessage, message: unknown): DirectCall | undefined {
  if (req.method !== 'POST' || !isPlainObject(message) || message.jsonrpc !== '2.0' || message.method !== 'tools/call') return undefined;
  const { id, params } = message;
  if (!isRequestId(id) || !isPlainObject(params) || typeof params.name !== 'string' || !hasPlainCallParams(params)) return undefined;
  const accept = single(req.headers.accept);
  if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
  if (!isJsonContentType(single(req.headers['content-type']) ?? null) || req.headers['mcp-session-id'] !== undefined) return undefined;
  const versionHeader = req.headers['mcp-protocol-version'];
  if (Array.isArray(versionHeader) || (versionHeader !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(versionHeader))) return undefined;
  return isPlainLegacyRequest(req, message, params) || routedToLegacy(req, message, versionHeader)
    ? { id, params: params as DirectCall['params'], protocolVersion: versionHeader }
    : undefined;
}

/** The SDK's own classifier: whether it routes this request to its stateless 2025 fallback. */
function routedToLegacy(req: IncomingMessage, message: unknown, versionHeader: string | undefined): boolean {
  const route = classifyInboundRequest({
    httpMethod: 'POST',
    ...(versionHeader !== undefined ? { protocolVersionHeader: versionHeader } : {}),
    ...(single(req.headers['mcp-method']) !== undefined ? { mcpMethodHeader: single(req.headers['mcp-method']) } : {}),
    ...(single(req.headers['mcp-name']) !== undefined ? { mcpNameHeader: single(req.headers['mcp-name']) } : {}),
    body: message,
  });
  return route.kind === 'legacy';
}

/**
 * Runs the call through the pipeline and writes its one event. `projector` is a server built
 * once: it shapes a result for the wire exactly as the per-request servers do.
 */
export async function serveDirectCall(
  app: App,
  projector: Server,
  exchange: { req: IncomingMessage; res: ServerResponse; inFlight: InFlight; authInfo: AuthInfo; keepAliveMs: number },
  call: DirectCall,
): Promise<void> {
  const { req, res, inFlight, authInfo, keepAliveMs } = exchange;
  // A client that hangs up, or a shutdown that cuts the call off, aborts the handler, as closing an SDK server would.
  const cancellation = new CallCancellation();
  res.once('close', () => {
    if (!res.writableFinished) cancellation.cancel();
  });
  inFlight.servers.add({ close: async () => cancellation.cancel() });
  const admissionWatch = admissionWatchOf(authInfo);
  // As the SDK's stream does: the headers and then a comment every keepAliveMs while a slow call runs, so
  // that proxies and clients with idle timeouts see a live stream.
  const keepAlive = setInterval(() => {
    if (!res.headersSent) res.writeHead(200, sseHeaders(res));
    res.write(': keepalive\n\n');
  }, keepAliveMs).unref();

  let answer: string;
  try {
    const result = await app.telemetry.observeRequest(
      {
        method: 'tools/call',
        id: call.id,
        params: call.params,
        meta: isPlainObject(call.params._meta) ? call.params._meta : undefined,
        sessionId: undefined,
        transport: 'http',
        protocolVersion: () => call.protocolVersion,
      },
      () =>
        handleToolCall(app, {
          params: call.params,
          caller: { transport: 'http', authInfo },
          cancellation,
          idempotencyKeyHeader: single(req.headers['idempotency-key']) ?? null,
          ...(admissionWatch ? { admissionWatch } : {}),
        }),
    );
    const refusal = await admissionWatch?.decided;
    // Decided before the handler ran, so normally before any keep-alive; if not, the refusal travels as the tool error it is.
    if (refusal && !res.headersSent) {
      const { status, headers, body } = rateLimitedAnswer(refusal, call.id);
      return sendJson(res, status, body, headers);
    }
    const projected = projector.projectCallToolResult(result, app.registry.get(call.params.name)?.outputSchema);
    // The log line has serialized this very result already (unless the projection changed it).
    const json = (projected === result && knownResultJson(result)) || JSON.stringify(projected);
    answer = `{"result":${json},"jsonrpc":"2.0","id":${JSON.stringify(call.id)}}`;
  } catch (error) {
    // As the SDK answers a handler's throw: a protocol error as it is, anything else as -32603.
    if (!(error instanceof ProtocolError)) app.logger.error({ event: 'transport_error', err: error }, 'transport_error');
    const { code, message, data } =
      error instanceof ProtocolError ? error : { code: -32603, message: (error as Error).message ?? 'Internal error', data: undefined };
    answer = JSON.stringify({ jsonrpc: '2.0', id: call.id, error: { code, message, ...(data !== undefined ? { data } : {}) } });
  } finally {
    clearInterval(keepAlive);
  }
  if (res.destroyed) return;
  if (!res.headersSent) res.writeHead(200, sseHeaders(res));
  res.end(`event: message\ndata: ${answer}\n\n`);
}
