/**
 * A small validator over normalised schemas, used where normalisation needs to know whether a
 * fixed value passes (an `enum` filtered by the keywords beside it). It answers undefined for
 * anything it cannot judge exactly (formats, references), so callers never guess.
 */
import { formatFamily } from './formats.js';
import { stableStringify } from './stable-json.js';
import type { JsonSchema } from './types.js';

type Answer = boolean | undefined;

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Every answer must be true; one false decides; an undefined one leaves it open. */
function all(answers: Iterable<Answer>): Answer {
  let open = false;
  for (const answer of answers) {
    if (answer === false) return false;
    if (answer === undefined) open = true;
  }
  return open ? undefined : true;
}

function regex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

const asSchema = (value: unknown): JsonSchema => (value === false ? { not: {} } : isObject(value) ? value : {});

const KEYWORDS: Record<string, (schema: JsonSchema, value: unknown) => Answer> = {
  type: (s, v) => {
    const t = jsonType(v);
    const types = s.type as string[];
    return types.includes(t) || (t === 'integer' && types.includes('number'));
  },
  enum: (s, v) => (s.enum as unknown[]).some((option) => stableStringify(option) === stableStringify(v)),
  minimum: (s, v) => typeof v !== 'number' || v >= (s.minimum as number),
  maximum: (s, v) => typeof v !== 'number' || v <= (s.maximum as number),
  exclusiveMinimum: (s, v) => typeof v !== 'number' || v > (s.exclusiveMinimum as number),
  exclusiveMaximum: (s, v) => typeof v !== 'number' || v < (s.exclusiveMaximum as number),
  multipleOf: (s, v) => typeof v !== 'number' || Number.isInteger(v / (s.multipleOf as number)),
  minLength: (s, v) => typeof v !== 'string' || [...v].length >= (s.minLength as number),
  maxLength: (s, v) => typeof v !== 'string' || [...v].length <= (s.maxLength as number),
  $patterns: (s, v) => typeof v !== 'string' || all((s.$patterns as string[]).map((p) => regex(p)?.test(v))),
  minItems: (s, v) => !Array.isArray(v) || v.length >= (s.minItems as number),
  maxItems: (s, v) => !Array.isArray(v) || v.length <= (s.maxItems as number),
  uniqueItems: (s, v) => !Array.isArray(v) || s.uniqueItems !== true || new Set(v.map(stableStringify)).size === v.length,
  prefixItems: (s, v) => !Array.isArray(v) || all((s.prefixItems as JsonSchema[]).slice(0, v.length).map((item, i) => accepts(item, v[i]))),
  items: (s, v) => !Array.isArray(v) || all(v.slice(((s.prefixItems as unknown[] | undefined) ?? []).length).map((item) => accepts(asSchema(s.items), item))),
  contains: (s, v) => {
    if (!Array.isArray(v)) return true;
    const answers = v.map((item) => accepts(asSchema(s.contains), item));
    if (answers.includes(undefined)) return undefined;
    const count = answers.filter(Boolean).length;
    return count >= ((s.minContains as number | undefined) ?? 1) && count <= ((s.maxContains as number | undefined) ?? Number.POSITIVE_INFINITY);
  },
  minContains: () => true,
  maxContains: () => true,
  required: (s, v) => !isObject(v) || (s.required as string[]).every((name) => Object.hasOwn(v, name)),
  minProperties: (s, v) => !isObject(v) || Object.keys(v).length >= (s.minProperties as number),
  maxProperties: (s, v) => !isObject(v) || Object.keys(v).length <= (s.maxProperties as number),
  dependentRequired: (s, v) =>
    !isObject(v) ||
    Object.entries(s.dependentRequired as Record<string, string[]>).every(
      ([name, needs]) => !Object.hasOwn(v, name) || needs.every((n) => Object.hasOwn(v, n)),
    ),
  dependentSchemas: (s, v) =>
    !isObject(v) ||
    all(Object.entries(s.dependentSchemas as Record<string, JsonSchema>).map(([name, schema]) => (Object.hasOwn(v, name) ? accepts(schema, v) : true))),
  propertyNames: (s, v) => !isObject(v) || all(Object.keys(v).map((name) => accepts(asSchema(s.propertyNames), name))),
  properties: (s, v) => objectMembers(s, v),
  patternProperties: (s, v) => objectMembers(s, v),
  additionalProperties: (s, v) => objectMembers(s, v),
  anyOf: (s, v) => {
    const answers = (s.anyOf as JsonSchema[]).map((branch) => accepts(branch, v));
    return answers.includes(true) ? true : answers.includes(undefined) ? undefined : false;
  },
  oneOf: (s, v) => {
    const answers = (s.oneOf as JsonSchema[]).map((branch) => accepts(branch, v));
    return answers.includes(undefined) ? undefined : answers.filter(Boolean).length === 1;
  },
  allOf: (s, v) => all((s.allOf as JsonSchema[]).map((branch) => accepts(branch, v))),
  not: (s, v) => {
    const inner = accepts(asSchema(s.not), v);
    return inner === undefined ? undefined : !inner;
  },
  if: (s, v) => {
    const condition = accepts(asSchema(s.if), v);
    if (condition === undefined) return undefined;
    const branch = condition ? s.then : s.else;
    return branch === undefined ? true : accepts(asSchema(branch), v);
  },
  // A format constrains only values of its own type; on those it cannot be judged here.
  format: (s, v) => (typeof v === (formatFamily(s.format as string) === 'number' ? 'number' : 'string') ? undefined : true),
  then: () => true,
  else: () => true,
  $annotations: () => true,
};

/** properties, patternProperties and additionalProperties judged together, as they interact. */
function objectMembers(s: JsonSchema, v: unknown): Answer {
  if (!isObject(v)) return true;
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
  const patterns = Object.entries((s.patternProperties ?? {}) as Record<string, JsonSchema>).map(([p, schema]) => [regex(p), schema] as const);
  if (patterns.some(([re]) => re === undefined)) return undefined;
  return all(
    Object.entries(v).flatMap(([name, member]) => {
      const matched = patterns.filter(([re]) => re!.test(name)).map(([, schema]) => schema);
      const own = Object.hasOwn(properties, name) ? [properties[name]!] : [];
      const rest = own.length === 0 && matched.length === 0 && s.additionalProperties !== undefined ? [asSchema(s.additionalProperties)] : [];
      return [...own, ...matched, ...rest].map((schema) => accepts(schema, member));
    }),
  );
}

/** Whether a normalised schema accepts `value`; undefined when that cannot be judged exactly. */
export function accepts(schema: JsonSchema, value: unknown): Answer {
  return all(Object.keys(schema).map((keyword) => KEYWORDS[keyword]?.(schema, value)));
}
