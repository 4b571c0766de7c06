/**
 * How a request the direct path does not serve reaches the SDK's web-standard handler
 * (createMcpHandler), and how its answer comes back to node:http.
 *
 * The gate has read the headers and the body already, so the fetch `Request` is built from those
 * rather than from the socket. The `Response` is written back chunk by chunk, waiting whenever the
 * socket is full, so an SSE stream moves at the client's pace; when the client goes away first,
 * the request's signal aborts and the SDK ends the stream.
 *
 * It replaces the SDK's Node adapter (@modelcontextprotocol/node), whose module also loads
 * @hono/node-server for a transport class this server never uses: about 1.6 MB of heap in every
 * process.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { GateErrorCode, jsonRpcError } from './responses.js';

export interface FetchHandler {
  fetch(request: Request, options?: { authInfo?: AuthInfo; parsedBody?: unknown }): Promise<Response>;
}

/** A POST body as the gate read it: the text that arrived and the message parsed from it. */
export interface ReadBody {
  text: string;
  message: unknown;
}

export interface BridgedRequest {
  req: IncomingMessage;
  res: ServerResponse;
  authInfo: AuthInfo;
  body: ReadBody | undefined;
  /** Told when the handler throws instead of answering; the client then gets a JSON-RPC 500. */
  onerror(error: Error): void;
}

export async function serveThroughFetch(handler: FetchHandler, { req, res, authInfo, body, onerror }: BridgedRequest): Promise<void> {
  const clientGone = new AbortController();
  let written = false;
  res.once('close', () => {
    if (!written) clientGone.abort();
  });
  if (res.destroyed) clientGone.abort();
  let response: Response;
  try {
    const options = body ? { authInfo, parsedBody: body.message } : { authInfo };
    response = await handler.fetch(fetchRequest(req, body?.text, clientGone.signal), options);
  } catch (error) {
    onerror(error instanceof Error ? error : new Error(String(error)));
    response = Response.json(jsonRpcError('Internal server error.', echoableId(body?.message), GateErrorCode.internal), { status: 500 });
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) await copyBody(response.body, res, clientGone.signal);
  written = true;
  res.end();
}

function fetchRequest(req: IncomingMessage, body: string | undefined, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method, headers, body, signal });
}

/** Writes `body` to `res` as it comes, pausing while the socket's buffer is full; cancels it when the client has gone. */
async function copyBody(body: ReadableStream<Uint8Array>, res: ServerResponse, clientGone: AbortSignal): Promise<void> {
  const gone = clientGone.aborted
    ? Promise.resolve(undefined)
    : new Promise<undefined>((resolve) => clientGone.addEventListener('abort', () => resolve(undefined), { once: true }));
  const reader = body.getReader();
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), gone]);
      if (next === undefined || next.done) break;
      if (!res.write(next.value)) await Promise.race([once(res, 'drain', { signal: clientGone }), gone]);
    }
  } catch {
    // The stream failed mid-answer: what was written stands, and the answer ends here.
  }
  if (clientGone.aborted) await reader.cancel().catch(() => undefined);
}

/** The id an error answer can carry: the message's own, when it is a request with a string or number id. */
function echoableId(message: unknown): string | number | null {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return null;
  const { method, id } = message as { method?: unknown; id?: unknown };
  return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number') ? id : null;
}
