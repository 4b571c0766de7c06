/**
 * The eval harness: cases that call tools through the whole pipeline with a real SDK client
 * and check what comes back. Run them with `npm run evals` before merging an SDK upgrade or a
 * tool change; they print pass/fail per case and what the run cost, and exit non-zero on a
 * failure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { readToolError } from '../src/platform/errors.js';

export interface EvalCall {
  tool: string;
  arguments: Record<string, unknown>;
}

export type EvalExpectation =
  /** The call succeeds; `structured` must be contained in structuredContent, `text` in the text. */
  | { ok: true; structured?: Record<string, unknown>; text?: string }
  /** The call fails with this error code. */
  | { error: string };

export interface EvalCase {
  name: string;
  arguments: Record<string, unknown>;
  /** Calls made first, e.g. to create what the case then searches for. */
  setup?: EvalCall[];
  expect: EvalExpectation;
}

export interface EvalSuite {
  tool: string;
  cases: EvalCase[];
}

/** One eval file: the cases of one tool. */
export function defineEvals(tool: string, cases: EvalCase[]): EvalSuite {
  return { tool, cases };
}

/** Whether `expected` is contained in `actual` (objects by key, arrays element by element). */
export function contains(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.every((item, i) => contains(actual[i], item));
  if (typeof expected === 'object' && expected !== null) {
    return (
      typeof actual === 'object' &&
      actual !== null &&
      Object.entries(expected).every(([key, value]) => contains((actual as Record<string, unknown>)[key], value))
    );
  }
  return isDeepStrictEqual(actual, expected);
}

/** Why `result` does not meet `expectation`, or undefined when it does. */
export function judge(result: CallToolResult, expectation: EvalExpectation): string | undefined {
  const error = readToolError(result);
  if ('error' in expectation) {
    if (!result.isError) return `expected error ${expectation.error}, but the call succeeded`;
    return error?.code === expectation.error ? undefined : `expected error ${expectation.error}, got ${error?.code ?? 'an error without a code'}`;
  }
  if (result.isError) return `expected success, got ${error?.code ?? 'an error'}: ${error?.message ?? ''}`;
  if (expectation.structured && !contains(result.structuredContent, expectation.structured)) {
    return `structuredContent ${JSON.stringify(result.structuredContent)} does not contain ${JSON.stringify(expectation.structured)}`;
  }
  const text = (result.content ?? []).map((item) => (item.type === 'text' ? item.text : '')).join('\n');
  if (expectation.text && !text.includes(expectation.text)) return `the text does not contain ${JSON.stringify(expectation.text)}`;
  return undefined;
}
