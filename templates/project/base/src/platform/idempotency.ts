/**
 * Pattern 3: idempotency keys on mutating calls.
 *
 * The stage sits between argument validation and the handler, so nothing before it can store
 * a record: a request refused by auth or validation may be corrected and retried with the same
 * key. This version runs the handler directly; the keyed store (claim, replay, in-use and
 * crash detection) plugs in here.
 */
import type { AnyTool } from './tool.js';

export interface IdempotentExecution<T> {
  tool: AnyTool;
  principalId: string;
  arguments: Record<string, unknown>;
  execute: () => Promise<T>;
}

export async function runIdempotent<T>(execution: IdempotentExecution<T>): Promise<T> {
  return execution.execute();
}
