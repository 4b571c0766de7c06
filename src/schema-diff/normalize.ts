/**
 * Schema normalisation: rewrites a JSON Schema into one canonical spelling so that comparisons
 * see meaning, not syntax. Local `$ref`s are inlined, `type`/`enum`/`required` become sorted
 * sets, the three nullable spellings become a `null` member of `type`, `const` becomes a
 * one-value `enum`, draft-07 spellings become 2020-12 ones, patterns become a set, and
 * annotations move to a separate `$annotations` channel compared only for doc changes.
 */
import { simplify } from './simplify.js';
import { stableStringify } from './stable-json.js';
import type { JsonSchema } from './types.js';

export { stableStringify };

export const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment', 'default', 'deprecated', 'readOnly', 'writeOnly']);
const DROPPED = new Set(['$schema', '$id', '$anchor', '$defs', 'definitions', 'id']);

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

const sortedUnique = <T>(values: T[]): T[] => {
  const byKey = new Map(values.map((v) => [stableStringify(v), v]));
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
};

function resolvePointer(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  const parts = ref
    .slice(1)
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root;
  for (const part of parts) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

const isNullOnly = (schema: unknown) => isObject(schema) && stableStringify(schema) === '{"type":["null"]}';
const isBareType = (schema: unknown) => isObject(schema) && Object.keys(schema).length === 1 && Array.isArray(schema.type);

/**
 * Returns the canonical form of `schema`. Unresolvable refs (remote ones included) stay as
 * `$ref` and are compared verbatim; recursive refs become `{"$recursiveRef": ref}`.
 */
export function normalizeSchema(schema: unknown, root: JsonSchema = isObject(schema) ? schema : {}, stack: string[] = []): JsonSchema {
  if (schema === true || schema === undefined) return {};
  if (schema === false) return { not: {} };
  if (!isObject(schema)) return { $invalid: schema };

  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    const target = resolvePointer(root, ref);
    const { $ref: _ref, ...siblings } = schema;
    if (target === undefined) return { ...normalizeSchema(siblings, root, stack), $ref: ref };
    // A recursive reference is named by how far up it points, not by its spelling, so the
    // same recursion reads the same through $defs, definitions or a path.
    if (stack.includes(ref)) return { $recursiveRef: stack.length - stack.indexOf(ref) };
    const resolved = normalizeSchema(target, root, [...stack, ref]);
    const rest = normalizeSchema(siblings, root, stack);
    return simplify(mergeConjunction(resolved, rest));
  }

  const out: JsonSchema = {};
  const annotations: JsonSchema = {};
  const patterns: string[] = [];
  const recurse = (value: unknown) => normalizeSchema(value, root, stack);

  for (const [keyword, value] of Object.entries(schema)) {
    if (DROPPED.has(keyword)) continue;
    if (ANNOTATIONS.has(keyword) || keyword.startsWith('x-')) {
      annotations[keyword] = value;
      continue;
    }
    switch (keyword) {
      case 'type':
        out.type = sortedUnique(Array.isArray(value) ? value : [value]);
        break;
      case 'nullable':
        if (value === true) out.$nullable = true;
        break;
      case 'const':
        out.enum = [value];
        break;
      case 'enum':
        out.enum = sortedUnique(value as unknown[]);
        break;
      case 'required':
        out.required = sortedUnique(value as string[]);
        break;
      case 'pattern':
        patterns.push(value as string);
        break;
      case 'properties':
      case 'patternProperties':
      case 'dependentSchemas':
        out[keyword] = Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, recurse(v)]));
        break;
      case 'items':
        if (Array.isArray(value)) out.prefixItems = value.map(recurse);
        else out.items = recurse(value);
        break;
      case 'additionalItems':
        out.items = recurse(value);
        break;
      case 'prefixItems':
        out.prefixItems = (value as unknown[]).map(recurse);
        break;
      case 'additionalProperties':
      case 'unevaluatedProperties':
        // Kept as literals: `false` here reads as "closed", which the comparison judges by its own rules.
        out[keyword] = value === true ? true : value === false ? false : recurse(value);
        break;
      case 'unevaluatedItems':
      case 'propertyNames':
      case 'contains':
      case 'not':
      case 'if':
      case 'then':
      case 'else':
        out[keyword] = recurse(value);
        break;
      case 'anyOf':
      case 'oneOf':
      case 'allOf':
        out[keyword] = (value as unknown[]).map(recurse);
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        // draft-04 booleans qualify minimum/maximum; 2020-12 numbers are bounds of their own.
        if (typeof value === 'boolean') out[`$${keyword}Flag`] = value;
        else out[keyword] = value;
        break;
      default:
        out[keyword] = value;
    }
  }

  if (out.$exclusiveMinimumFlag === true && typeof out.minimum === 'number') {
    out.exclusiveMinimum = out.minimum;
    delete out.minimum;
  }
  if (out.$exclusiveMaximumFlag === true && typeof out.maximum === 'number') {
    out.exclusiveMaximum = out.maximum;
    delete out.maximum;
  }
  delete out.$exclusiveMinimumFlag;
  delete out.$exclusiveMaximumFlag;

  // allOf branches that only carry a pattern (zod's several .regex()) join the pattern set.
  if (Array.isArray(out.allOf)) {
    const rest = (out.allOf as JsonSchema[]).filter((branch) => {
      const keys = Object.keys(branch).filter((k) => k !== '$annotations');
      if (keys.length === 1 && Array.isArray(branch.$patterns)) {
        patterns.push(...(branch.$patterns as string[]));
        return false;
      }
      return true;
    });
    if (rest.length === 0) delete out.allOf;
    else out.allOf = rest;
  }
  if (patterns.length > 0) out.$patterns = sortedUnique(patterns);

  unifyNullable(out);
  foldTypeIntoEnum(out);
  // Spellings of "no constraint": {} where a schema may be omitted, and zero minimum counts.
  for (const keyword of ['additionalProperties', 'items', 'unevaluatedProperties', 'unevaluatedItems', 'propertyNames']) {
    const value = out[keyword];
    if (value === true || (isObject(value) && Object.keys(value).every((k) => k === '$annotations'))) delete out[keyword];
  }
  for (const keyword of ['minLength', 'minItems', 'minProperties']) if (out[keyword] === 0) delete out[keyword];
  if (out.dependentRequired && isObject(out.dependentRequired)) {
    out.dependentRequired = Object.fromEntries(Object.entries(out.dependentRequired).map(([k, v]) => [k, sortedUnique(v as string[])]));
  }
  if (out.$branchAnnotations) {
    annotations.nullableBranch = out.$branchAnnotations;
    delete out.$branchAnnotations;
  }
  if (Object.keys(annotations).length > 0) out.$annotations = annotations;
  return simplify(out);
}

/**
 * `$ref` plus sibling keywords means both apply. When they constrain different keywords the
 * conjunction is just their union, which is how the same schema reads when written inline.
 */
function mergeConjunction(a: JsonSchema, b: JsonSchema): JsonSchema {
  const semantic = (s: JsonSchema) => Object.keys(s).filter((k) => k !== '$annotations');
  if (semantic(b).length === 0 && !b.$annotations) return a;
  if (semantic(a).some((k) => semantic(b).includes(k))) return { allOf: [a, b] };
  const annotations = { ...((a.$annotations as JsonSchema | undefined) ?? {}), ...((b.$annotations as JsonSchema | undefined) ?? {}) };
  const merged: JsonSchema = { ...a, ...b };
  if (Object.keys(annotations).length > 0) merged.$annotations = annotations;
  else delete merged.$annotations;
  return merged;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** With an enum, `type` only filters the listed values; fold it in so `{type, enum}` reads as the enum. */
function foldTypeIntoEnum(out: JsonSchema): void {
  if (!Array.isArray(out.enum) || !Array.isArray(out.type)) return;
  const types = new Set(out.type as string[]);
  out.enum = (out.enum as unknown[]).filter((value) => {
    const t = jsonType(value);
    return types.has(t) || (t === 'integer' && types.has('number'));
  });
  delete out.type;
}

/** `anyOf: [X, {type: null}]`, `nullable: true` and `type: [..., "null"]` all become the last form. */
function unifyNullable(out: JsonSchema): void {
  if (out.$nullable) {
    delete out.$nullable;
    if (Array.isArray(out.type)) out.type = sortedUnique([...(out.type as string[]), 'null']);
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = out[keyword] as JsonSchema[] | undefined;
    if (!branches?.some(isNullOnly)) continue;
    const others = branches.filter((branch) => !isNullOnly(branch));
    const candidate = others[0];
    // Exact only when the other branch admits no null (else oneOf rejects null) and says nothing the parent says too.
    const admitsNull = (s: JsonSchema) =>
      Array.isArray(s.type) ? (s.type as unknown[]).includes('null') : !Array.isArray(s.enum) || (s.enum as unknown[]).includes(null);
    const clashes = (s: JsonSchema) => Object.keys(s).some((k) => k !== '$annotations' && k in out && k !== keyword);
    if (
      others.length === 1 &&
      out.type === undefined &&
      (Array.isArray(candidate!.type) || Array.isArray(candidate!.enum)) &&
      !admitsNull(candidate!) &&
      !clashes(candidate!)
    ) {
      const { $annotations: inner, ...only } = candidate!;
      delete out[keyword];
      Object.assign(out, only);
      if (Array.isArray(only.type)) out.type = sortedUnique([...(only.type as string[]), 'null']);
      if (Array.isArray(only.enum)) out.enum = sortedUnique([...(only.enum as unknown[]), null]);
      if (inner) out.$branchAnnotations = inner;
    }
  }
  // anyOf of bare single types is a type set.
  const anyOf = out.anyOf as JsonSchema[] | undefined;
  if (anyOf && out.type === undefined && anyOf.every(isBareType)) {
    delete out.anyOf;
    out.type = sortedUnique(anyOf.flatMap((branch) => branch.type as string[]));
  }
}

/** The schema without its annotation channel, at every depth (for semantic equality). */
export function semanticKey(schema: unknown): string {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (!isObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== '$annotations')
        .map(([k, v]) => [k, strip(v)]),
    );
  };
  return stableStringify(strip(schema));
}
