import type { CallToolResult } from '@modelcontextprotocol/server';

/** The stable error codes clients can branch on (SPEC section 3). */
export const ErrorCode = {
  unauthorized: 'unauthorized',
  insufficientScope: 'insufficient_scope',
  schemaMismatch: 'schema_mismatch',
  validationFailed: 'validation_failed',
  idempotencyKeyRequired: 'idempotency_key_required',
  idempotencyKeyInvalid: 'idempotency_key_invalid',
  idempotencyKeyReused: 'idempotency_key_reused',
  idempotencyKeyInUse: 'idempotency_key_in_use',
  idempotencyOutcomeUnknown: 'idempotency_outcome_unknown',
  storeUnavailable: 'store_unavailable',
  rateLimited: 'rate_limited',
  budgetExceeded: 'budget_exceeded',
  removedUseReplacement: 'removed_use_replacement',
  cancelled: 'cancelled',
  internalError: 'internal_error',
} as const;

/**
 * A failure the caller should see as a tool error (`isError: true`). Platform stages throw it with
 * the codes above; handlers throw it with their own business codes (e.g. `note_not_found`).
 */
export class ToolError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: { retryable?: boolean; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'ToolError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }
}

/** Where an error result carries its machine-readable error object (SPEC section 3). */
export const ERROR_META_KEY = 'mcp-prod/error';

export interface ToolErrorBody {
  code: string;
  message: string;
  retryable: boolean;
  [detail: string]: unknown;
}

/**
 * The result for a refused or failed call. The error object travels in `_meta` and, as JSON, in
 * the text content, never in `structuredContent`: SDK v1 clients validate `structuredContent`
 * against the tool's output schema even when `isError` is set, and throw the whole result away
 * when it does not match.
 */
export function toolErrorResult(error: ToolError): CallToolResult {
  const body: ToolErrorBody = { ...error.details, code: error.code, message: error.message, retryable: error.retryable };
  return {
    isError: true,
    content: [{ type: 'text', text: JSON.stringify({ error: body }) }],
    _meta: { [ERROR_META_KEY]: body },
  };
}

/** The error object of an error result, from `_meta` or else from its JSON text; undefined for a success. */
export function readToolError(result: { isError?: boolean; _meta?: Record<string, unknown>; content?: unknown[] }): ToolErrorBody | undefined {
  if (result.isError !== true) return undefined;
  const fromMeta = result._meta?.[ERROR_META_KEY];
  if (isErrorBody(fromMeta)) return fromMeta;
  for (const item of result.content ?? []) {
    const text = (item as { type?: unknown; text?: unknown }).type === 'text' ? (item as { text: unknown }).text : undefined;
    if (typeof text !== 'string' || !text.startsWith('{')) continue;
    try {
      const parsed = (JSON.parse(text) as { error?: unknown }).error;
      if (isErrorBody(parsed)) return parsed;
    } catch {
      // Not ours: a handler may return any text in an error result.
    }
  }
  return undefined;
}

const isErrorBody = (value: unknown): value is ToolErrorBody =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { code?: unknown }).code === 'string' &&
  typeof (value as { message?: unknown }).message === 'string';

/** The store could not serve the call now; the same call (and key) may be retried. */
export function storeUnavailable(
  message = 'The store is unavailable right now, so the call did not complete. Retry shortly with the same idempotency key.',
): ToolError {
  return new ToolError(ErrorCode.storeUnavailable, message, { retryable: true });
}

/** The call's signal fired (the client went away, or the server is shutting down) before it finished. */
export function cancelled(): ToolError {
  return new ToolError(
    ErrorCode.cancelled,
    'The call was cancelled before it finished (the client went away or the server is stopping); it may or may not have taken effect.',
    {
      retryable: true,
    },
  );
}

/** Anything a handler threw that is not a ToolError: never echo its message (it may hold secrets). */
export function internalError(callId: string): ToolError {
  return new ToolError(ErrorCode.internalError, `The tool failed unexpectedly; the failure is logged under call_id ${callId}.`, {
    details: { call_id: callId },
  });
}
