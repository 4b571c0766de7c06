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
  removedUseReplacement: 'removed_use_replacement',
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

export function toolErrorResult(error: ToolError): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: `${error.code}: ${error.message}` }],
    structuredContent: {
      error: { ...error.details, code: error.code, message: error.message, retryable: error.retryable },
    },
  };
}

/** Anything a handler threw that is not a ToolError: never echo its message (it may hold secrets). */
export function internalError(callId: string): ToolError {
  return new ToolError(ErrorCode.internalError, `The tool failed unexpectedly; the failure is logged under call_id ${callId}.`, {
    details: { call_id: callId },
  });
}
