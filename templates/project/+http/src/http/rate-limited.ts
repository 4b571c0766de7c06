/**
 * Pattern 6 on HTTP: a call its rate limit refuses is answered 429 with Retry-After, so that
 * proxies, gateways and clients that never read a tool result see the refusal where HTTP puts
 * it. The pipeline still decides (after idempotency, so a replay is never refused) and still
 * writes the call's log line and cost record; this module only changes how the answer travels.
 *
 * The SDK answers a call as a stream whose status is fixed before the result exists, so the
 * answer is held until the pipeline has passed its limits stage: a few store round trips,
 * never the handler's run time.
 */
import type { AuthInfo } from '@modelcontextprotocol/server';
import { ErrorCode, type ToolError } from '../platform/errors.js';
import { AdmissionWatch, admissionWatchOf } from '../platform/limits.js';
import type { FetchHandler } from './fetch-bridge.js';
import { GateErrorCode, jsonRpcError } from './responses.js';

/** Watches one tool call's admission; its answer is rewritten to a 429 if the rate limit refuses it. */
export function watchAdmission(authInfo: AuthInfo, requestId: unknown): AuthInfo {
  const admissionWatch = new AdmissionWatch();
  return { ...authInfo, extra: { ...authInfo.extra, admissionWatch, requestId } };
}

/** The 429 for a refused call: status, headers and JSON-RPC error body. */
export function rateLimitedAnswer(refusal: ToolError, requestId: unknown): { status: 429; headers: Record<string, string>; body: unknown } {
  const retryAfterMs = Number(refusal.details?.retryAfterMs ?? 1000);
  const body = jsonRpcError(refusal.message, requestId, GateErrorCode.tooMany, { code: ErrorCode.rateLimited, retryable: true, ...refusal.details });
  return { status: 429, headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) }, body };
}

type Chunk = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;

/** The stream as it was, its first chunk already read. */
function resumed(first: Promise<Chunk>, reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  let pending: Promise<Chunk> | undefined = first;
  return new ReadableStream({
    async pull(controller) {
      const { done, value } = await (pending ?? reader.read());
      pending = undefined;
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

export function answeringRateLimitsWith429(mcp: FetchHandler): FetchHandler {
  return {
    async fetch(request, options) {
      const response = await mcp.fetch(request, options);
      const watch = admissionWatchOf(options?.authInfo);
      if (!watch || !response.body) return response;
      const reader = response.body.getReader();
      const first = reader.read();
      // Whichever comes first: the pipeline's decision, or an answer that never reached it.
      const refusal = await Promise.race([watch.decided, first.then(() => undefined)]);
      if (refusal) {
        await reader.cancel();
        const { status, headers, body } = rateLimitedAnswer(refusal, options?.authInfo?.extra?.requestId);
        return Response.json(body, { status, headers });
      }
      return new Response(resumed(first, reader), { status: response.status, statusText: response.statusText, headers: response.headers });
    },
  };
}
