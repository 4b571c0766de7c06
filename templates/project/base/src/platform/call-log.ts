/**
 * Pattern 4: one structured log line per call.
 *
 * Every call has one `CallRecord`. Whoever handles the call (the HTTP gate when it refuses
 * early, the pipeline otherwise) fills it in as it learns things and finishes it from a
 * `finally`, so denials, validation failures, crashes and calls cut off at shutdown are recorded
 * like successes, exactly once; a new field is added here and nowhere else. Inputs are redacted
 * and size-capped; outputs are summarised, never copied; credentials are cut from every line
 * by the logger itself.
 */
import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { nanoToUsd, type CostTotals } from './cost.js';
import type { Admission } from './limits.js';
import type { Logger } from './logger.js';
import { resultJson } from './result-json.js';

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
  /** Calls left in the caller's rate for this tool; null when no rate applies or the call was refused earlier. */
  rate_limit_remaining: number | null;
  /** The tightest daily budget that applied, and what was left of it once this call held its share. */
  budget_usd: number | null;
  budget_remaining_usd: number | null;
}

/** Longest caller-supplied name kept in a log line (MCP tool names are at most 128 characters). */
const MAX_NAME = 128;

export const truncateName = (name: string) => (name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}…[${name.length} chars]` : name);

export class CallRecord {
  readonly callId: string;
  private readonly started = performance.now();
  private toolNameSeen = 'unknown';
  tool: { readonly name: string; readonly version: string; readonly scopes: readonly string[] } | undefined;
  principalId: string | null = null;
  private inputSeen: unknown = null;
  result: CallToolResult | undefined;
  status: CallStatus = 'error';
  errorCode: string | null = null;
  idempotency: string | null = null;
  idempotencyKeyHash: string | null = null;
  admission: Admission | undefined;
  costs: CostTotals = { llmNanoUsd: 0n, externalNanoUsd: 0n, unpriced: 0 };
  private line: CallLogLine | undefined;

  constructor(callId: string = randomUUID()) {
    this.callId = callId;
  }

  set toolName(name: string) {
    this.toolNameSeen = truncateName(name);
  }

  get toolName(): string {
    return this.toolNameSeen;
  }

  /** Keeps a redacted, size-capped copy: the arguments themselves never reach the log. */
  set input(args: unknown) {
    this.inputSeen = redactInput(args ?? null);
  }

  /** Milliseconds since the call arrived. */
  elapsedMs(): number {
    return Math.round((performance.now() - this.started) * 1000) / 1000;
  }

  get finished(): boolean {
    return this.line !== undefined;
  }

  /** Writes the call's one line; later calls return the same line and write nothing. */
  finish(logger: Logger): CallLogLine {
    if (this.line) return this.line;
    this.line = {
      call_id: this.callId,
      tool_name: this.toolNameSeen,
      tool_version: this.tool?.version ?? null,
      scopes_required: this.tool ? [...this.tool.scopes] : [],
      user_id: this.principalId,
      input: this.inputSeen,
      output_summary: this.result ? summarizeOutput(this.result) : null,
      latency_ms: this.elapsedMs(),
      llm_cost_usd: nanoToUsd(this.costs.llmNanoUsd),
      external_cost_usd: nanoToUsd(this.costs.externalNanoUsd),
      llm_cost_nano_usd: String(this.costs.llmNanoUsd),
      external_cost_nano_usd: String(this.costs.externalNanoUsd),
      unpriced_llm_items: this.costs.unpriced,
      status: this.status,
      error_code: this.errorCode,
      idempotency: this.idempotency,
      idempotency_key_hash: this.idempotencyKeyHash,
      rate_limit_remaining: this.admission?.rateRemaining ?? null,
      budget_usd: this.admission?.budget ? nanoToUsd(this.admission.budget.limitNanoUsd) : null,
      budget_remaining_usd: this.admission?.budget ? nanoToUsd(this.admission.budget.remainingNanoUsd) : null,
    };
    writeCallLine(logger, this.line);
    return this.line;
  }
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
  const json = resultJson(result);
  return {
    is_error: result.isError === true,
    content_items: result.content?.length ?? 0,
    structured: result.structuredContent !== undefined,
    bytes: Buffer.byteLength(json),
  };
}

function writeCallLine(logger: Logger, line: CallLogLine): void {
  const level = line.status === 'error' && line.error_code === 'internal_error' ? 'error' : 'info';
  logger[level]({ event: 'tool_call', ...line }, 'tool_call');
}
