/**
 * The answers the HTTP layer gives itself, before or instead of the MCP handler: JSON bodies,
 * JSON-RPC error envelopes and the codes they carry.
 */
import type { ServerResponse } from 'node:http';
import { hangUpAfterResponse } from './hang-up.js';

/**
 * JSON-RPC codes for the answers this gate gives itself. The specification reserves
 * -32768..-32000 for JSON-RPC and its implementations, so application refusals sit outside it;
 * the last three digits echo the HTTP status. Parse and invalid-request errors are JSON-RPC's own.
 */
export const GateErrorCode = {
  unauthorized: -31401,
  forbidden: -31403,
  timeout: -31408,
  tooLarge: -31413,
  tooMany: -31429,
  unavailable: -31503,
  badRequest: -31400,
  parse: -32700,
  invalidRequest: -32600,
  internal: -32603,
} as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export const jsonRpcError = (message: string, id: unknown, code: number, data?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  error: { code, message, ...(data ? { data } : {}) },
  id: id ?? null,
});

/**
 * Answers and hangs up without reading the rest of the request, so that a refused client cannot
 * keep the connection for its next attempt (http/hang-up.ts closes it without a reset).
 */
export function sendAndClose(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  hangUpAfterResponse(res.req.socket);
  sendJson(res, status, body, { ...headers, connection: 'close' });
}

/** Caller-supplied text in a log line: no longer than a valid MCP tool name. */
export const clip = (text: string, max = 128) => (text.length > max ? `${text.slice(0, max)}…[${text.length} chars]` : text);
