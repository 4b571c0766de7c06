/**
 * Pattern 1 on HTTP: the bearer check, from the headers alone. A request without a valid token
 * is answered before its body is read and then disconnected, so that a client without a token
 * costs one header parse, one response and at most one log line per address a minute. Its
 * failures are counted per client address; past the allowance the answer is 429.
 *
 * Unauthenticated requests get no per-call `tool_call` line: their body (and so the tool name)
 * is never read. One `http_unauthorized` line per client address and window stands for them,
 * with the reason (missing, malformed, unknown, expired, revoked, invalid) that the caller is
 * not told.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app.js';
import { AuthFailure, bearerCredential, type Principal } from '../platform/auth.js';
import { KeySetUnavailable } from '../platform/jwt.js';
import type { AddressBuckets, QuietLog } from './limits.js';
import { GateErrorCode, jsonRpcError, sendAndClose } from './responses.js';

/** The one answer for every token that is not accepted; why (unknown, expired, revoked) goes to the server log only. */
export const INVALID_TOKEN = 'The bearer token is not valid.';

export interface AuthGate {
  /** The caller, or undefined when the gate has answered the request itself. */
  authenticate(req: IncomingMessage, res: ServerResponse): Promise<Principal | undefined>;
  /** A `WWW-Authenticate` value, pointing at the RFC 9728 metadata in JWT mode. */
  challenge(params: Record<string, string>): string;
}

export function authGate(app: App, options: { metadataUrl: () => string | undefined; buckets: AddressBuckets; quiet: QuietLog }): AuthGate {
  const { buckets, quiet } = options;

  const challenge = (params: Record<string, string>) => {
    const metadataUrl = options.metadataUrl();
    const all = { realm: 'mcp', ...params, ...(metadataUrl ? { resource_metadata: metadataUrl } : {}) };
    return `Bearer ${Object.entries(all)
      .map(([key, value]) => `${key}="${value.replace(/["\\]/g, '')}"`)
      .join(', ')}`;
  };

  const unavailable = (res: ServerResponse, text: string, code: string, retryAfterSeconds: number) =>
    sendAndClose(res, 503, jsonRpcError(text, null, GateErrorCode.unavailable, { code, retryable: true }), { 'retry-after': String(retryAfterSeconds) });

  function refuse(req: IncomingMessage, res: ServerResponse, failure: AuthFailure, headerProblem: boolean): void {
    const address = req.socket.remoteAddress ?? 'unknown';
    const retryAfter = buckets.take(address);
    quiet('info', `unauthorized ${address}`, {
      event: 'http_unauthorized',
      remote: address,
      reason: failure.reason,
      status: retryAfter > 0 ? 429 : 401,
      ...(failure.operatorHint ? { hint: failure.operatorHint } : {}),
    });
    if (retryAfter > 0) {
      const text = `Too many requests without a valid token from this address; retry in ${retryAfter} s.`;
      sendAndClose(res, 429, jsonRpcError(text, null, GateErrorCode.tooMany, { code: 'rate_limited', retryAfterMs: retryAfter * 1000 }), {
        'retry-after': String(retryAfter),
      });
      return;
    }
    // A missing or misshapen header says nothing about any token, so it may be named exactly.
    const text = headerProblem ? failure.message : INVALID_TOKEN;
    const params: Record<string, string> = failure.reason === 'missing' ? {} : { error: 'invalid_token', error_description: text };
    sendAndClose(res, 401, jsonRpcError(text, null, GateErrorCode.unauthorized, { code: 'unauthorized' }), { 'www-authenticate': challenge(params) });
  }

  return {
    challenge,
    async authenticate(req, res) {
      let credential: string;
      try {
        credential = bearerCredential(req.headers.authorization);
      } catch (error) {
        refuse(req, res, error as AuthFailure, true);
        return undefined;
      }
      try {
        return (await app.verifier.verify(credential, app.clock.now())).principal;
      } catch (error) {
        if (error instanceof AuthFailure) refuse(req, res, error, false);
        else if (error instanceof KeySetUnavailable) {
          quiet('error', 'auth_unavailable', { event: 'auth_unavailable', err: error });
          unavailable(res, "The authorization server's signing keys cannot be fetched right now; retry shortly.", 'auth_unavailable', 5);
        } else {
          // The store behind the token check failed: a retryable outage, not a server bug.
          quiet('error', 'auth_store_error', { event: 'auth_store_error', err: error });
          unavailable(res, 'The token store is unavailable; retry shortly.', 'store_unavailable', 1);
        }
        return undefined;
      }
    },
  };
}
