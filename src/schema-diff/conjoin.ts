/**
 * Conjunction of two normalised schemas: the one schema that accepts exactly the values both
 * accept, or undefined when no single schema says so without loss (two different `contains`,
 * two unions, multipleOf steps that do not divide, formats with no common member...). allOf
 * branches are folded into their parent with it, so `allOf: [A, B]` and the flattened form
 * compare equal.
 */
import { intersectFormats } from './formats.js';
import { stableStringify } from './stable-json.js';
import type { JsonSchema } from './types.js';

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const NEVER: JsonSchema = { not: {} };
const asSchema = (value: unknown): JsonSchema => (value === false ? NEVER : isObject(value) ? value : {});
const same = (a: unknown, b: unknown) => stableStringify(a) === stableStringify(b);

/** The value a keyword present on both sides takes in the conjunction, or NO when no one value says it. */
type Rule = (a: JsonSchema, b: JsonSchema, join: Join) => unknown;
type Join = (a: JsonSchema, b: JsonSchema) => JsonSchema | undefined;
const NO = Symbol('no exact conjunction');

const larger =
  (key: string): Rule =>
  (a, b) =>
    Math.max(a[key] as number, b[key] as number);
const smaller =
  (key: string): Rule =>
  (a, b) =>
    Math.min(a[key] as number, b[key] as number);
const union =
  (key: string): Rule =>
  (a, b) =>
    sortedSet([...(a[key] as unknown[]), ...(b[key] as unknown[])]);

function sortedSet<T>(values: T[]): T[] {
  const byKey = new Map(values.map((v) => [stableStringify(v), v]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

function intersectTypes(a: string[], b: string[]): string[] {
  const out = new Set<string>();
  for (const t of a) {
    if (b.includes(t)) out.add(t);
    else if (t === 'integer' && b.includes('number')) out.add('integer');
    else if (t === 'number' && b.includes('integer')) out.add('integer');
  }
  return [...out].sort();
}

const isMultiple = (value: number, step: number) => Number.isInteger(value / step);

/** Rules for a keyword present on both sides. Keywords judged as a group are handled elsewhere. */
const BOTH: Record<string, Rule> = {
  type: (a, b) => intersectTypes(a.type as string[], b.type as string[]),
  enum: (a, b) => {
    const keys = new Set((b.enum as unknown[]).map(stableStringify));
    return (a.enum as unknown[]).filter((v) => keys.has(stableStringify(v)));
  },
  minimum: larger('minimum'),
  exclusiveMinimum: larger('exclusiveMinimum'),
  maximum: smaller('maximum'),
  exclusiveMaximum: smaller('exclusiveMaximum'),
  minLength: larger('minLength'),
  maxLength: smaller('maxLength'),
  minItems: larger('minItems'),
  maxItems: smaller('maxItems'),
  minProperties: larger('minProperties'),
  maxProperties: smaller('maxProperties'),
  required: union('required'),
  $patterns: union('$patterns'),
  uniqueItems: (a, b) => a.uniqueItems === true || b.uniqueItems === true,
  multipleOf: (a, b) => {
    const [x, y] = [a.multipleOf as number, b.multipleOf as number];
    return isMultiple(x, y) ? x : isMultiple(y, x) ? y : NO;
  },
  format: (a, b) => intersectFormats(a.format as string, b.format as string) ?? NO,
  propertyNames: (a, b, join) => join(asSchema(a.propertyNames), asSchema(b.propertyNames)) ?? NO,
  dependentRequired: (a, b) => {
    const merged: Record<string, string[]> = { ...(a.dependentRequired as Record<string, string[]>) };
    for (const [name, needs] of Object.entries(b.dependentRequired as Record<string, string[]>)) merged[name] = sortedSet([...(merged[name] ?? []), ...needs]);
    return merged;
  },
  dependentSchemas: (a, b, join) => {
    const merged: Record<string, JsonSchema> = { ...(a.dependentSchemas as Record<string, JsonSchema>) };
    for (const [name, schema] of Object.entries(b.dependentSchemas as Record<string, JsonSchema>)) {
      const joined = merged[name] ? join(merged[name], schema) : schema;
      if (!joined) return NO;
      merged[name] = joined;
    }
    return merged;
  },
  allOf: (a, b) => [...(a.allOf as JsonSchema[]), ...(b.allOf as JsonSchema[])],
  // not A and not B is not (A or B): two value lists or two type lists stay one list.
  not: (a, b) => {
    const [x, y] = [asSchema(a.not), asSchema(b.not)];
    const only = (s: JsonSchema, key: string) => Object.keys(s).every((k) => k === key || k === '$annotations') && Array.isArray(s[key]);
    if (only(x, 'enum') && only(y, 'enum')) return { enum: sortedSet([...(x.enum as unknown[]), ...(y.enum as unknown[])]) };
    if (only(x, 'type') && only(y, 'type')) return { type: sortedSet([...(x.type as string[]), ...(y.type as string[])]) };
    return NO;
  },
};

const OBJECT_MEMBERS = ['properties', 'patternProperties', 'additionalProperties'];
const ARRAY_ITEMS = ['prefixItems', 'items'];
const CONTAINS = ['contains', 'minContains', 'maxContains'];
const CONDITION = ['if', 'then', 'else'];
const GROUPED = new Set([...OBJECT_MEMBERS, ...ARRAY_ITEMS, ...CONTAINS, ...CONDITION, '$annotations']);
/** unevaluated* see what sibling subschemas evaluated; moving keywords between levels would change that. */
const UNMERGEABLE = ['unevaluatedProperties', 'unevaluatedItems'];

function regex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

/** What a side demands of a property it does not declare itself (patterns stay in the result). */
function undeclaredConstraint(side: JsonSchema, name: string): JsonSchema | undefined {
  const patterns = Object.keys((side.patternProperties ?? {}) as JsonSchema);
  const compiled = patterns.map(regex);
  if (compiled.some((re) => re === undefined)) return undefined;
  if (compiled.some((re) => re!.test(name))) return {};
  return side.additionalProperties === undefined ? {} : asSchema(side.additionalProperties);
}

function objectMembers(a: JsonSchema, b: JsonSchema, out: JsonSchema, join: Join): boolean {
  if (!OBJECT_MEMBERS.some((k) => k in a || k in b)) return true;
  const patternsOf = (s: JsonSchema) => Object.keys((s.patternProperties ?? {}) as JsonSchema);
  // additionalProperties of one side keeps its meaning only if the other brings no new patterns.
  for (const [side, other] of [
    [a, b],
    [b, a],
  ] as const) {
    if (side.additionalProperties !== undefined && patternsOf(other).some((p) => !patternsOf(side).includes(p))) return false;
  }
  const propsA = (a.properties ?? {}) as Record<string, JsonSchema>;
  const propsB = (b.properties ?? {}) as Record<string, JsonSchema>;
  if (a.properties !== undefined || b.properties !== undefined) {
    const properties: Record<string, JsonSchema> = {};
    for (const name of new Set([...Object.keys(propsA), ...Object.keys(propsB)])) {
      const left = propsA[name] ?? undeclaredConstraint(a, name);
      const right = propsB[name] ?? undeclaredConstraint(b, name);
      const joined = left && right && join(left, right);
      if (!joined) return false;
      properties[name] = joined;
    }
    out.properties = properties;
  }
  if (a.patternProperties !== undefined || b.patternProperties !== undefined) {
    const patterns: Record<string, JsonSchema> = { ...((a.patternProperties ?? {}) as Record<string, JsonSchema>) };
    for (const [pattern, schema] of Object.entries((b.patternProperties ?? {}) as Record<string, JsonSchema>)) {
      const joined = patterns[pattern] ? join(patterns[pattern], schema) : schema;
      if (!joined) return false;
      patterns[pattern] = joined;
    }
    out.patternProperties = patterns;
  }
  if (a.additionalProperties !== undefined || b.additionalProperties !== undefined) {
    const joined = join(asSchema(a.additionalProperties), asSchema(b.additionalProperties));
    if (!joined) return false;
    out.additionalProperties = stableStringify(joined) === stableStringify(NEVER) ? false : joined;
  }
  return true;
}

function arrayItems(a: JsonSchema, b: JsonSchema, out: JsonSchema, join: Join): boolean {
  if (!ARRAY_ITEMS.some((k) => k in a || k in b)) return true;
  const tupleA = (a.prefixItems ?? []) as JsonSchema[];
  const tupleB = (b.prefixItems ?? []) as JsonSchema[];
  const restA = asSchema(a.items);
  const restB = asSchema(b.items);
  const prefix: JsonSchema[] = [];
  for (let i = 0; i < Math.max(tupleA.length, tupleB.length); i++) {
    const joined = join(tupleA[i] ?? restA, tupleB[i] ?? restB);
    if (!joined) return false;
    prefix.push(joined);
  }
  if (prefix.length > 0) out.prefixItems = prefix;
  if (a.items !== undefined || b.items !== undefined) {
    const joined = join(restA, restB);
    if (!joined) return false;
    out.items = joined;
  }
  return true;
}

/** contains with its counts, and if/then/else: each group may come from one side only (or be equal). */
function wholeGroup(keys: string[], a: JsonSchema, b: JsonSchema, out: JsonSchema): boolean {
  const inA = keys.some((k) => k in a);
  const inB = keys.some((k) => k in b);
  if (inA && inB && !keys.every((k) => same(a[k], b[k]))) return false;
  for (const key of keys) {
    const value = a[key] ?? b[key];
    if (value !== undefined) out[key] = value;
  }
  return true;
}

/** The exact conjunction of two normalised schemas (not yet simplified), or undefined. */
export function conjoin(a: JsonSchema, b: JsonSchema, join: Join): JsonSchema | undefined {
  if (UNMERGEABLE.some((k) => k in a || k in b)) return undefined;
  const out: JsonSchema = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (GROUPED.has(key)) continue;
    if (!(key in b)) out[key] = a[key];
    else if (!(key in a)) out[key] = b[key];
    else if (same(a[key], b[key])) out[key] = a[key];
    else {
      const merged = BOTH[key] ? BOTH[key](a, b, join) : NO;
      if (merged === NO) return undefined;
      out[key] = merged;
    }
  }
  if (!objectMembers(a, b, out, join) || !arrayItems(a, b, out, join)) return undefined;
  if (!wholeGroup(CONTAINS, a, b, out) || !wholeGroup(CONDITION, a, b, out)) return undefined;
  const annotations = { ...((b.$annotations as JsonSchema | undefined) ?? {}), ...((a.$annotations as JsonSchema | undefined) ?? {}) };
  if (Object.keys(annotations).length > 0) out.$annotations = annotations;
  return out;
}
