/**
 * Semantic normalisation, after the spelling pass: removes what cannot change the set of
 * accepted values, so that two schemas that accept the same values read the same. Keywords
 * of a type the schema rules out, bounds implied by stricter ones, counts a closed tuple
 * already fixes, `allOf` branches merged into their parent, unions of typed branches joined
 * into one type set, `not` of a type turned into the remaining types, trivial conditionals,
 * and an `enum` filtered by whatever stands beside it. Every rewrite is exact; when one is
 * not, the schema is left as it was.
 */
import { conjoin } from './conjoin.js';
import { accepts } from './evaluate.js';
import { ALL_TYPES, type Family, familiesOf, keywordFamily } from './keywords.js';
import { stableStringify } from './stable-json.js';
import type { JsonSchema } from './types.js';

export const NEVER: JsonSchema = Object.freeze({ not: Object.freeze({}) }) as JsonSchema;

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const semanticKeys = (s: JsonSchema) => Object.keys(s).filter((k) => k !== '$annotations');
const isNever = (s: unknown) => isObject(s) && semanticKeys(s).length === 1 && isObject(s.not) && semanticKeys(s.not).length === 0;
const isAlways = (s: unknown) => s === true || (isObject(s) && semanticKeys(s).length === 0);
const key = (s: unknown) => stableStringify(stripAnnotations(s));

function stripAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripAnnotations);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== '$annotations')
      .map(([k, v]) => [k, stripAnnotations(v)]),
  );
}

/** The conjunction of two simplified schemas, simplified, or undefined when it is not exact. */
export function join(a: JsonSchema, b: JsonSchema): JsonSchema | undefined {
  if (isNever(a) || isNever(b)) return NEVER;
  if (isAlways(a)) return b;
  if (isAlways(b)) return a;
  const merged = conjoin(a, b, join);
  return merged && simplify(merged);
}

/** Applies every rewrite to one node whose children are already simplified. */
export function simplify(input: JsonSchema): JsonSchema {
  let s: JsonSchema = { ...input };
  if (isNever(s)) return NEVER;
  if (Array.isArray(s.type) && (s.type as string[]).length === 0) return NEVER;

  const steps = [foldAllOf, foldUnions, foldNot, foldConditional, pruneByType, canonicalNumbers, canonicalArrays, canonicalObjects, foldEnum];
  for (const step of steps) {
    const next = step(s);
    if (next === undefined) continue;
    if (isNever(next)) return NEVER;
    s = next;
  }
  return s;
}

function without(s: JsonSchema, ...keys: string[]): JsonSchema {
  const out = { ...s };
  for (const k of keys) delete out[k];
  return out;
}

/** allOf branches joined into the parent where exact; the rest stay as branches. */
function foldAllOf(s: JsonSchema): JsonSchema | undefined {
  if (!Array.isArray(s.allOf)) return undefined;
  let parent = without(s, 'allOf');
  const rest: JsonSchema[] = [];
  const branches = (s.allOf as JsonSchema[]).flatMap((b) => (semanticKeys(b).length === 1 && Array.isArray(b.allOf) ? (b.allOf as JsonSchema[]) : [b]));
  for (const branch of branches) {
    if (isAlways(branch)) continue;
    const joined = join(parent, branch);
    if (joined) parent = joined;
    else if (!rest.some((r) => key(r) === key(branch))) rest.push(branch);
    if (isNever(parent)) return NEVER;
  }
  if (rest.length > 0) parent = { ...parent, allOf: rest };
  return parent;
}

/** anyOf/oneOf: drop impossible branches, dedupe anyOf, a single branch joins the parent, typed branches become a type set. */
function foldUnions(s: JsonSchema): JsonSchema | undefined {
  let out = s;
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    if (!Array.isArray(out[keyword])) continue;
    let branches = (out[keyword] as JsonSchema[]).filter((b) => !isNever(b));
    if (keyword === 'anyOf') {
      if (branches.some(isAlways)) {
        out = keepDeclarations(without(out, keyword), branches);
        continue;
      }
      branches = branches.filter((b, i) => branches.findIndex((c) => key(c) === key(b)) === i);
    }
    if (branches.length === 0) return NEVER;
    if (keyword === 'anyOf') {
      // X or not X is anything; a branch another one contains adds nothing.
      if (branches.some((b) => branches.some((c) => semanticKeys(c).length === 1 && isObject(c.not) && key(c.not) === key(b)))) {
        out = keepDeclarations(without(out, keyword), branches);
        continue;
      }
      branches = branches.filter((b, i) => !branches.some((c, j) => j !== i && widerType(c, b)));
    }
    const single = branches.length === 1 ? branches[0] : (enumUnion(branches, keyword) ?? typedUnion(branches));
    if (single) {
      const joined = join(without(out, keyword), single);
      if (joined) {
        out = joined;
        continue;
      }
    }
    out = { ...out, [keyword]: branches };
  }
  return out;
}

/**
 * A union that accepts anything can go, but the members its branches declare stay declared (as
 * `{}`, which accepts anything too): a member named anywhere is part of the contract.
 */
function keepDeclarations(parent: JsonSchema, branches: JsonSchema[]): JsonSchema {
  const names = branches.flatMap((b) => (isObject(b.properties) ? Object.keys(b.properties) : []));
  const declared = (parent.properties ?? {}) as Record<string, JsonSchema>;
  const missing = names.filter((name) => !(name in declared));
  // Declaring a member exempts it from additionalProperties: only exact where that says nothing.
  if (missing.length === 0 || parent.additionalProperties !== undefined || parent.unevaluatedProperties !== undefined) return parent;
  return { ...parent, properties: { ...declared, ...Object.fromEntries(missing.map((name) => [name, {}])) } };
}

/** Branches that only list values are one list (for oneOf, only when no value is in two branches). */
function enumUnion(branches: JsonSchema[], keyword: 'anyOf' | 'oneOf'): JsonSchema | undefined {
  if (!branches.every((b) => semanticKeys(b).length === 1 && Array.isArray(b.enum))) return undefined;
  const values = branches.flatMap((b) => b.enum as unknown[]);
  const keys = values.map(stableStringify);
  if (keyword === 'oneOf' && new Set(keys).size !== keys.length) return undefined;
  const unique = new Map(keys.map((k, i) => [k, values[i]]));
  return { enum: [...unique.keys()].sort().map((k) => unique.get(k)) };
}

/** `narrower` is `wider` limited to some of its types (integer within number), so it adds nothing beside it. */
function widerType(wider: JsonSchema, narrower: JsonSchema): boolean {
  if (!Array.isArray(wider.type) || !Array.isArray(narrower.type) || key(wider.type) === key(narrower.type)) return false;
  const types = wider.type as string[];
  if (!(narrower.type as string[]).every((t) => types.includes(t) || (t === 'integer' && types.includes('number')))) return false;
  return key(simplify({ ...wider, type: narrower.type })) === key(narrower);
}

/**
 * Branches with pairwise disjoint types, each constraining only its own types, are one schema:
 * `anyOf: [{type: string, minLength: 1}, {type: integer}]` is `{type: [integer, string], minLength: 1}`.
 */
function typedUnion(branches: JsonSchema[]): JsonSchema | undefined {
  const merged: JsonSchema = { type: [] };
  const seen = new Set<Family | string>();
  for (const branch of branches) {
    if (!Array.isArray(branch.type)) return undefined;
    const types = branch.type as string[];
    const families = familiesOf(types);
    for (const type of types) {
      const slot = type === 'integer' ? 'number' : type;
      if (seen.has(slot)) return undefined;
      seen.add(slot);
    }
    for (const keyword of semanticKeys(branch)) {
      if (keyword === 'type') continue;
      const family = keywordFamily(keyword, branch);
      if (!family || !families.has(family)) return undefined;
      merged[keyword] = branch[keyword];
    }
    merged.type = [...(merged.type as string[]), ...types].sort();
  }
  return merged;
}

/** not of a type is the other types; not of not is the schema; not of nothing is nothing. */
function foldNot(s: JsonSchema): JsonSchema | undefined {
  if (!('not' in s)) return undefined;
  const inner = s.not === true ? {} : s.not === false ? NEVER : (s.not as JsonSchema);
  if (isAlways(inner)) return NEVER;
  if (isNever(inner)) return without(s, 'not');
  if (semanticKeys(inner).length === 1 && isObject(inner.not)) return join(without(s, 'not'), inner.not) ?? s;
  if (semanticKeys(inner).length === 1 && Array.isArray(inner.type)) {
    const excluded = inner.type as string[];
    if (excluded.includes('integer') && !excluded.includes('number')) return undefined;
    const remaining = ALL_TYPES.filter((t) => !excluded.includes(t));
    return join(without(s, 'not'), { type: [...remaining] }) ?? s;
  }
  return { ...s, not: inner };
}

/** if/then/else that cannot matter, or whose condition is fixed, become plain constraints. */
function foldConditional(s: JsonSchema): JsonSchema | undefined {
  if (!('if' in s) && !('then' in s) && !('else' in s)) return undefined;
  const asSchema = (v: unknown): JsonSchema | undefined => (v === undefined ? undefined : v === true ? {} : v === false ? NEVER : (v as JsonSchema));
  const condition = asSchema(s.if);
  const then = asSchema(s.then);
  const otherwise = asSchema(s.else);
  const base = without(s, 'if', 'then', 'else');
  const thenAlways = then === undefined || isAlways(then);
  const elseAlways = otherwise === undefined || isAlways(otherwise);
  // A condition that decides nothing goes, but what it names stays declared.
  if (condition === undefined || (thenAlways && elseAlways)) return condition ? keepDeclarations(base, [condition]) : base;
  if (isAlways(condition)) return thenAlways ? base : (join(base, then!) ?? s);
  if (isNever(condition)) return elseAlways ? base : (join(base, otherwise!) ?? s);
  if (then && otherwise && key(then) === key(otherwise)) return join(base, then) ?? s;
  const out: JsonSchema = { ...base, if: condition };
  if (!thenAlways) out.then = then;
  if (!elseAlways) out.else = otherwise;
  return out;
}

/** Keywords of a type the schema does not admit never fail; a type list naming every type says nothing. */
function pruneByType(s: JsonSchema): JsonSchema | undefined {
  if (!Array.isArray(s.type)) return undefined;
  let types = [...new Set(s.type as string[])];
  if (types.includes('number')) types = types.filter((t) => t !== 'integer');
  const families = familiesOf(types);
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(s)) {
    const family = keywordFamily(keyword, s);
    if (family && !families.has(family)) continue;
    out[keyword] = value;
  }
  if (ALL_TYPES.every((t) => types.includes(t))) delete out.type;
  else out.type = types.sort();
  return out;
}

/** One spelling per numeric bound; integer-only bounds rounded; integral steps make numbers integers. */
function canonicalNumbers(s: JsonSchema): JsonSchema | undefined {
  const out = { ...s };
  const step = out.multipleOf as number | undefined;
  const types = out.type as string[] | undefined;
  if (types && step !== undefined && Number.isInteger(step) && types.includes('number')) {
    out.type = types.map((t) => (t === 'number' ? 'integer' : t)).sort();
  }
  const integral = Array.isArray(out.type) && !(out.type as string[]).includes('number');
  if (integral && out.multipleOf === 1) delete out.multipleOf;

  const lower = tighter(out.minimum as number | undefined, out.exclusiveMinimum as number | undefined, 'lower');
  const upper = tighter(out.maximum as number | undefined, out.exclusiveMaximum as number | undefined, 'upper');
  delete out.minimum;
  delete out.exclusiveMinimum;
  delete out.maximum;
  delete out.exclusiveMaximum;
  if (lower) {
    if (integral) out.minimum = lower.exclusive ? Math.floor(lower.value) + 1 : Math.ceil(lower.value);
    else out[lower.exclusive ? 'exclusiveMinimum' : 'minimum'] = lower.value;
  }
  if (upper) {
    if (integral) out.maximum = upper.exclusive ? Math.ceil(upper.value) - 1 : Math.floor(upper.value);
    else out[upper.exclusive ? 'exclusiveMaximum' : 'maximum'] = upper.value;
  }
  return out;
}

function tighter(inclusive: number | undefined, exclusive: number | undefined, side: 'lower' | 'upper'): { value: number; exclusive: boolean } | undefined {
  if (typeof inclusive !== 'number') return typeof exclusive === 'number' ? { value: exclusive, exclusive: true } : undefined;
  if (typeof exclusive !== 'number') return { value: inclusive, exclusive: false };
  const exclusiveWins = side === 'lower' ? exclusive >= inclusive : exclusive <= inclusive;
  return exclusiveWins ? { value: exclusive, exclusive: true } : { value: inclusive, exclusive: false };
}

/** Counts a closed tuple already fixes, positions past the limit, uniqueness of at most one item, default counts. */
function canonicalArrays(s: JsonSchema): JsonSchema | undefined {
  const out = { ...s };
  if (out.minContains === 1) delete out.minContains;
  // Zero matches needed and no most: `contains` asks nothing.
  if (out.minContains === 0 && out.maxContains === undefined) delete out.contains;
  if (out.contains === undefined) {
    delete out.minContains;
    delete out.maxContains;
  }
  if (out.uniqueItems === false) delete out.uniqueItems;
  if (out.minItems === 0) delete out.minItems;
  let tuple = (out.prefixItems ?? []) as JsonSchema[];
  // A limit within the tuple leaves nothing for `items` to apply to: it is a closed, shorter tuple.
  if (typeof out.maxItems === 'number' && out.maxItems <= tuple.length) {
    tuple = tuple.slice(0, out.maxItems);
    out.items = NEVER;
  }
  const closed = isNever(out.items);
  const maxItems = (out.maxItems as number | undefined) ?? Number.POSITIVE_INFINITY;
  // Trailing tuple entries that say what `items` says anyway add nothing.
  const rest = out.items ?? {};
  while (tuple.length > 0 && key(tuple[tuple.length - 1]) === key(rest)) tuple = tuple.slice(0, -1);
  const limit = Math.min(maxItems, closed ? tuple.length : Number.POSITIVE_INFINITY);
  if (closed) delete out.maxItems;
  if (tuple.length > 0) out.prefixItems = tuple;
  else delete out.prefixItems;
  if (limit <= 1) delete out.uniqueItems;
  if (limit === 0) {
    delete out.prefixItems;
    delete out.maxItems;
    out.items = NEVER;
  }
  return out;
}

/** minProperties the required list already implies, dependencies of required properties made plain. */
function canonicalObjects(s: JsonSchema): JsonSchema | undefined {
  let out = { ...s };
  const required = new Set((out.required ?? []) as string[]);
  if (out.dependentRequired !== undefined) {
    const entries = Object.entries(out.dependentRequired as Record<string, string[]>);
    const kept: Record<string, string[]> = {};
    let grew = true;
    while (grew) {
      grew = false;
      for (const [name, needs] of entries) {
        if (!required.has(name)) continue;
        for (const need of needs) {
          if (required.has(need)) continue;
          required.add(need);
          grew = true;
        }
      }
    }
    for (const [name, needs] of entries) {
      const missing = needs.filter((n) => !required.has(n));
      if (!required.has(name) && missing.length > 0) kept[name] = missing;
    }
    if (Object.keys(kept).length > 0) out.dependentRequired = kept;
    else delete out.dependentRequired;
    if (required.size > 0) out.required = [...required].sort();
  }
  if (out.dependentSchemas !== undefined) {
    // A required property's dependent schema always applies, but only to objects: it can join
    // the parent only when nothing but objects gets past the type.
    const objectsOnly = Array.isArray(out.type) && key(out.type) === '["object"]';
    const applies = (name: string) => objectsOnly && required.has(name);
    const entries = Object.entries(out.dependentSchemas as Record<string, JsonSchema>).filter(([, schema]) => !isAlways(schema));
    const applied = entries.filter(([name]) => applies(name));
    const kept = Object.fromEntries(entries.filter(([name]) => !applies(name)));
    out = without(out, 'dependentSchemas');
    if (Object.keys(kept).length > 0) out.dependentSchemas = kept;
    for (const [, schema] of applied) {
      const joined = join(out, schema);
      if (!joined) return s;
      out = joined;
    }
  }
  for (const keyword of ['additionalProperties', 'unevaluatedProperties']) if (isNever(out[keyword])) out[keyword] = false;
  if (typeof out.minProperties === 'number' && out.minProperties <= ((out.required ?? []) as unknown[]).length) delete out.minProperties;
  if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
  return out;
}

/** An enum beside keywords that can be judged value by value becomes the enum of the values that pass. */
function foldEnum(s: JsonSchema): JsonSchema | undefined {
  if (!Array.isArray(s.enum)) return undefined;
  const rest = without(s, 'enum', '$annotations');
  const values = (s.enum as unknown[]).filter((value) => accepts(rest, value) !== false);
  if (values.length === 0) return NEVER;
  const decided = (s.enum as unknown[]).every((value) => accepts(rest, value) !== undefined);
  const out: JsonSchema = decided ? { enum: values } : { ...s, enum: values };
  if (s.$annotations) out.$annotations = s.$annotations;
  return out;
}
