/**
 * The oracle: searches for a witness value with a real validator. Input: accepted before and
 * rejected after; output: accepted after and rejected before. Witnesses that use a property
 * name the BEFORE schema does not declare are ignored (policy, see policy.ts).
 */
import type { Direction } from '../../src/schema-diff/types.js';
import type { Schema } from './grammar.js';
import { usesOnlyDeclared } from './policy.js';
import { candidates, hashString } from './values.js';
import { validatorFor } from './validator.js';
import { stableStringify } from './json.js';

export interface Search {
  /** The schemas compile; otherwise `error` says why. */
  ok: boolean;
  error?: string;
  tried: number;
  witness: Partial<Record<Direction, unknown>>;
  /** A value the two schemas disagree on, with no policy filter (for equivalence checks). */
  difference?: { value: unknown; before: boolean; after: boolean };
}

export function searchWitnesses(before: Schema, after: Schema, options: { budget?: number; noise?: number; salt?: number } = {}): Search {
  const vb = validatorFor(before);
  const va = validatorFor(after);
  if (vb instanceof Error || va instanceof Error) return { ok: false, error: (vb instanceof Error ? vb : (va as Error)).message, tried: 0, witness: {} };
  const seed = (hashString(stableStringify([before, after])) + (options.salt ?? 0)) >>> 0;
  const values = candidates(before, after, seed, options);
  const result: Search = { ok: true, tried: values.length, witness: {} };
  for (const value of values) {
    // Subnormal numbers underflow in the validator's division (5e-324 / 4 is 0, "a multiple of 4"):
    // a float artefact, not a value any schema author means.
    if (hasSubnormal(value)) continue;
    const b = vb(value);
    const a = va(value);
    if (a === undefined || b === undefined || a === b) continue;
    // Prefer the smallest disagreement for the report.
    if (!result.difference || stableStringify(value).length < stableStringify(result.difference.value).length)
      result.difference = { value, before: b, after: a };
    if (!usesOnlyDeclared(value, before)) continue;
    const direction: Direction = b ? 'input' : 'output';
    const seen = result.witness[direction];
    if (seen === undefined || stableStringify(value).length < stableStringify(seen).length) result.witness[direction] = value;
  }
  return result;
}

function hasSubnormal(value: unknown): boolean {
  if (typeof value === 'number') return value !== 0 && Math.abs(value) < 2.2250738585072014e-308;
  if (Array.isArray(value)) return value.some(hasSubnormal);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasSubnormal);
  return false;
}
