/**
 * The contract policy overlays the engine implements on top of plain set inclusion:
 * - input: names the BEFORE schema never declared were never part of the contract, so a
 *   witness that uses such a name at any object level is ignored (adding an optional property
 *   to an open object is additive);
 * - output: consumers ignore members they do not know, so an output witness using a name the
 *   BEFORE schema does not declare is ignored (a property added, additionalProperties opened);
 * - a property declared in `properties` before and declared nowhere after is a break by policy
 *   in both directions ("policy break": never counted as a false alarm);
 * - annotations are never breaking (the validator ignores them, so the oracle agrees).
 * "Declared" is judged per object level of the witness: a key is declared when a BEFORE
 * subschema that may apply at that level (the schema at that position and all its
 * allOf/anyOf/oneOf/if/then/else/dependentSchemas branches; not `not`) lists it in `properties`, matches
 * it with a `patternProperties` key, or constrains unknown keys with an `additionalProperties`
 * schema (unknown keys then are part of the contract). `required` does not declare a name. The
 * policy-break check ("no longer declared anywhere") looks at the whole AFTER schema.
 */
import type { Schema } from './grammar.js';
import { validatorFor } from './validator.js';
import { childSchemas, itemSchemas, sameLevel } from './values.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Declared {
  names: Set<string>;
  patterns: RegExp[];
}

/** Every subschema object of `schema` (itself included). */
export function subschemas(schema: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (!isObject(schema)) return out;
  out.push(schema);
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'enum' || k === 'const' || k === 'default' || k === 'examples' || k === 'required') continue;
    if (k === 'properties' || k === 'patternProperties' || k === 'dependentSchemas' || k === '$defs') {
      if (isObject(v)) for (const s of Object.values(v)) subschemas(s, out);
    } else if (Array.isArray(v)) {
      for (const s of v) subschemas(s, out);
    } else if (isObject(v)) subschemas(v, out);
  }
  return out;
}

export function declared(schema: Schema): Declared {
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  for (const s of subschemas(schema)) {
    if (isObject(s.properties)) for (const n of Object.keys(s.properties)) names.add(n);
    if (isObject(s.patternProperties)) for (const p of Object.keys(s.patternProperties)) patterns.push(new RegExp(p, 'u'));
  }
  return { names, patterns };
}

const isDeclared = (d: Declared, name: string) => d.names.has(name) || d.patterns.some((p) => p.test(name));

/** One value of each kind: enough to tell a schema that takes anything, or nothing, from a typed one. */
const PROBES: unknown[] = [null, true, 0, -3, 1.5, '', 'ab', [], [1, 'a'], {}, { a: 1 }];

/**
 * Whether additionalProperties types unknown keys (their values were promised): a schema that
 * takes some values and not others. `false`, or one nothing passes, closes the object instead,
 * and one everything passes leaves it open; neither declares the names it would match.
 */
const constrainsUnknown = (v: unknown) => {
  if (!isObject(v)) return false;
  const validate = validatorFor(v);
  if (validate instanceof Error) return true;
  const verdicts = new Set(PROBES.map((probe) => validate(probe)));
  return verdicts.has(true) && verdicts.has(false);
};

/** Whether every object key in `value` is declared by `schema` at its level (see above). */
export function usesOnlyDeclared(value: unknown, schema: Schema | Schema[]): boolean {
  const levels = sameLevel(Array.isArray(schema) ? schema : [schema], { skipNot: true });
  if (Array.isArray(value)) return value.every((v, i) => usesOnlyDeclared(v, itemSchemas(levels, i)));
  if (!isObject(value)) return true;
  return Object.entries(value).every(([k, v]) => {
    const known = levels.some(
      (s) =>
        (isObject(s.properties) && k in s.properties) ||
        (isObject(s.patternProperties) && Object.keys(s.patternProperties).some((p) => new RegExp(p, 'u').test(k))) ||
        (s.additionalProperties !== false && constrainsUnknown(s.additionalProperties)),
    );
    return known && usesOnlyDeclared(v, childSchemas(levels, k));
  });
}

/** Names in `properties` of BEFORE that AFTER declares nowhere: a break by policy. */
export function removedProperties(before: Schema, after: Schema): string[] {
  const now = declared(after);
  const removed = new Set<string>();
  for (const s of subschemas(before)) {
    if (isObject(s.properties)) for (const n of Object.keys(s.properties)) if (!isDeclared(now, n)) removed.add(n);
  }
  return [...removed].sort();
}

/**
 * A coarse fingerprint of what changed between two schemas: the keywords whose values differ
 * (format and type with their values), used to group findings into families. Any change inside
 * a oneOf branch is one family ("oneOf>"): narrowing or widening a branch can flip direction.
 */
export function changeSignature(before: unknown, after: unknown): string {
  const out = new Set<string>();
  const walk = (a: unknown, b: unknown, key: string, inOneOf: boolean) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    if (inOneOf) {
      out.add('oneOf>');
      return;
    }
    if (key === 'format' || key === 'type') {
      out.add(`${key}:${JSON.stringify(a ?? null)}->${JSON.stringify(b ?? null)}`);
      return;
    }
    if (isObject(a) && isObject(b) && !['enum', 'const', 'required', 'default', 'examples'].includes(key)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (['properties', 'patternProperties', 'dependentSchemas', 'dependentRequired'].includes(key)) {
          if (!(k in a)) out.add(`+${key}`);
          else if (!(k in b)) out.add(`-${key}`);
          else walk(a[k], b[k], '', false);
        } else walk(a[k], b[k], k, false);
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && ['anyOf', 'oneOf', 'allOf', 'prefixItems'].includes(key)) {
      for (const [i, x] of a.entries()) walk(x, b[i], '', key === 'oneOf');
      return;
    }
    if (a === undefined) out.add(`+${key}`);
    else if (b === undefined) out.add(`-${key}`);
    else out.add(key || 'schema');
  };
  walk(before, after, '', false);
  return [...out].sort().join(' ') || 'none';
}
