/**
 * Pattern 4: one structured log line per call.
 *
 * The pipeline writes exactly one `tool_call` line for every call, from a `finally`, so denials,
 * validation failures and crashes are recorded like successes. Inputs are redacted and size-capped;
 * outputs are summarised, never copied.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { Logger } from './logger.js';

export type CallStatus = 'ok' | 'error' | 'deprecated';

export interface OutputSummary {
  is_error: boolean;
  content_items: number;
  structured: boolean;
  bytes: number;
}

export interface CallLogLine {
  call_id: string;
  tool_name: string;
  tool_version: string | null;
  scopes_required: string[];
  user_id: string | null;
  input: unknown;
  output_summary: OutputSummary | null;
  latency_ms: number;
  llm_cost_usd: number;
  external_cost_usd: number;
  /** The same amounts exactly, as integer nano-USD in strings (for `mcp-prod costs --from-log`). */
  llm_cost_nano_usd: string;
  external_cost_nano_usd: string;
  /** LLM items whose model had no price: their cost is unknown, not zero. */
  unpriced_llm_items: number;
  status: CallStatus;
  error_code: string | null;
  /** not_applicable (read-only tool) | no_key | executed | replayed; null when refused earlier. */
  idempotency: string | null;
  /** First 16 hex characters of the key's SHA-256: correlates retries without logging the key. */
  idempotency_key_hash: string | null;
}

const SENSITIVE_KEY = /pass(word)?|secret|token|api[-_]?key|idempotency[-_]?key|authorization|cookie|credential|private[-_]?key/i;
const MAX_STRING = 256;
const MAX_DEPTH = 6;
const MAX_ITEMS = 50;

/**
 * A copy of `value` safe to log: values under sensitive-looking keys become "[REDACTED]", long
 * strings and collections are truncated, and deep nesting is cut off.
 */
export function redactInput(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…[${value.length} chars]` : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[TRUNCATED]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => redactInput(item, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `…[${value.length - MAX_ITEMS} more]`] : items;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, MAX_ITEMS)) {
    out[key] = SENSITIVE_KEY.test(key) ? '[REDACTED]' : redactInput(item, depth + 1);
  }
  return out;
}

export function summarizeOutput(result: CallToolResult): OutputSummary {
  return {
    is_error: result.isError === true,
    content_items: result.content?.length ?? 0,
    structured: result.structuredContent !== undefined,
    bytes: Buffer.byteLength(JSON.stringify(result)),
  };
}

export function writeCallLine(logger: Logger, line: CallLogLine): void {
  const level = line.status === 'error' && line.error_code === 'internal_error' ? 'error' : 'info';
  logger[level]({ event: 'tool_call', ...line }, 'tool_call');
}
