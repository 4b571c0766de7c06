/**
 * Semantics-preserving rewrites (the spellings issue 12 lists). Each takes a subschema and a few
 * random numbers and returns an equivalent subschema, or undefined when it does not apply.
 * Every equivalent pair is re-checked by the oracle (no value may be judged differently).
 */
import type { Schema, SchemaObject } from './grammar.js';
import { leaf } from './leaves.js';

type Rewrite = (s: Schema, r: number[]) => Schema | undefined;
const isObject = (v: unknown): v is SchemaObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const ANNOTATION_KEYS = new Set(['title', 'description', 'examples', 'default', 'deprecated', '$comment']);
const ALL_TYPES = ['null', 'boolean', 'object', 'array', 'number', 'string'];

const split = (s: SchemaObject) => {
  const notes: SchemaObject = {};
  const rest: SchemaObject = {};
  for (const [k, v] of Object.entries(s)) (ANNOTATION_KEYS.has(k) ? notes : rest)[k] = v;
  return { notes, rest };
};
const typeList = (s: SchemaObject): string[] | undefined => (typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : undefined);
const jsonType = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
const r0 = (r: number[], i: number) => r[i % r.length] ?? 0;

/** Keywords that only mean something together stay in one allOf branch. */
const GROUPS: string[][] = [
  ['properties', 'patternProperties', 'additionalProperties'],
  ['prefixItems', 'items'],
  ['if', 'then', 'else'],
  ['contains', 'minContains', 'maxContains'],
  ['type', 'nullable'],
];

/** Keywords that never reject null (they apply to other types only), annotations included. */
const TYPE_ONLY = new Set([
  'type',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'dependentRequired',
  'dependentSchemas',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'contains',
  'minContains',
  'maxContains',
  ...ANNOTATION_KEYS,
]);
/** The instance types a keyword constrains (it is vacuous on the others). */
const KEYWORD_TYPE: Record<string, string[]> = {};
for (const k of ['minLength', 'maxLength', 'pattern', 'format']) KEYWORD_TYPE[k] = ['string'];
for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']) KEYWORD_TYPE[k] = ['number', 'integer'];
for (const k of [
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'dependentRequired',
  'dependentSchemas',
  'propertyNames',
  'minProperties',
  'maxProperties',
])
  KEYWORD_TYPE[k] = ['object'];
for (const k of ['items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'minContains', 'maxContains']) KEYWORD_TYPE[k] = ['array'];
const onlyTypeKeywords = (s: SchemaObject) => Object.keys(s).every((k) => TYPE_ONLY.has(k));

export const REWRITES: Record<string, Rewrite> = {
  'allOf-split': (s, r) => {
    if (!isObject(s)) return undefined;
    const { notes, rest } = split(s);
    const units: string[][] = [];
    const seen = new Set<string>();
    for (const k of Object.keys(rest)) {
      if (seen.has(k)) continue;
      const group = (GROUPS.find((g) => g.includes(k)) ?? [k]).filter((g) => g in rest);
      for (const g of group) seen.add(g);
      units.push(group);
    }
    if (units.length < 2) return undefined;
    const a: SchemaObject = {};
    const b: SchemaObject = {};
    units.forEach((u, i) => {
      const target = i === 0 ? a : i === 1 ? b : r0(r, i) % 2 === 0 ? a : b;
      for (const k of u) target[k] = rest[k];
    });
    return { ...notes, allOf: [a, b] };
  },
  'allOf-identical': (s) => ({ allOf: [s, structuredClone(s)] }),
  'allOf-single': (s) => ({ allOf: [s] }),
  'anyOf-duplicate': (s) => ({ anyOf: [s, structuredClone(s)] }),
  'anyOf-single': (s) => ({ anyOf: [s] }),
  'oneOf-single': (s) => ({ oneOf: [s] }),
  'not-not': (s) => ({ not: { not: s } }),
  'if-identical-branches': (s, r) => ({ if: leaf(r0(r, 0)), then: s, else: structuredClone(s) }),
  'if-as-anyOf': (s) => {
    if (!isObject(s) || s.if === undefined) return undefined;
    const { if: cond, then: yes, else: no, ...rest } = s;
    const branch = { anyOf: [{ allOf: [cond, yes ?? true] }, { allOf: [{ not: cond }, no ?? true] }] };
    return { ...rest, allOf: [...((rest.allOf as Schema[] | undefined) ?? []), branch] };
  },
  'if-explicit-empty-branch': (s) => {
    if (!isObject(s) || s.if === undefined) return undefined;
    if (s.else === undefined) return { ...s, else: true };
    if (s.then === undefined) return { ...s, then: {} };
    return undefined;
  },
  'not-type-complement': (s) => {
    if (!isObject(s) || s.nullable !== undefined) return undefined;
    const types = typeList(s);
    if (!types || (types.includes('integer') && !types.includes('number'))) return undefined;
    const { type: _t, ...rest } = s;
    const complement = ALL_TYPES.filter((t) => !types.includes(t));
    if (complement.length === 0) return rest;
    if (rest.not !== undefined) return { ...rest, allOf: [...((rest.allOf as Schema[] | undefined) ?? []), { not: { type: complement } }] };
    return { ...rest, not: { type: complement.length === 1 ? complement[0] : complement } };
  },
  'redundant-lower-bound': (s) => {
    if (!isObject(s)) return undefined;
    if (typeof s.minimum === 'number' && s.exclusiveMinimum === undefined) return { ...s, exclusiveMinimum: s.minimum - 1 };
    if (typeof s.exclusiveMinimum === 'number' && s.minimum === undefined) return { ...s, minimum: s.exclusiveMinimum - 1 };
    return undefined;
  },
  'redundant-upper-bound': (s) => {
    if (!isObject(s)) return undefined;
    if (typeof s.maximum === 'number' && s.exclusiveMaximum === undefined) return { ...s, exclusiveMaximum: s.maximum + 0.5 };
    if (typeof s.exclusiveMaximum === 'number' && s.maximum === undefined) return { ...s, maximum: s.exclusiveMaximum };
    return undefined;
  },
  'maxItems-closed-tuple': (s, r) => {
    if (!isObject(s) || s.items !== false || !Array.isArray(s.prefixItems) || s.maxItems !== undefined) return undefined;
    return { ...s, maxItems: s.prefixItems.length + (r0(r, 0) % 2) };
  },
  'zero-minimum': (s, r) => {
    if (!isObject(s)) return undefined;
    const k = ['minLength', 'minItems', 'minProperties'][r0(r, 0) % 3]!;
    return s[k] === undefined ? { ...s, [k]: 0 } : undefined;
  },
  'uniqueItems-single-item': (s) => {
    if (!isObject(s) || s.uniqueItems !== undefined) return undefined;
    const single = (s.items === false && Array.isArray(s.prefixItems) && s.prefixItems.length === 1) || (typeof s.maxItems === 'number' && s.maxItems <= 1);
    return single ? { ...s, uniqueItems: true } : undefined;
  },
  'const-as-enum': (s) => {
    if (!isObject(s)) return undefined;
    if ('const' in s) {
      const { const: value, ...rest } = s;
      return rest.enum === undefined ? { ...rest, enum: [value] } : undefined;
    }
    if (Array.isArray(s.enum) && s.enum.length === 1) {
      const { enum: values, ...rest } = s;
      return { ...rest, const: values[0] };
    }
    return undefined;
  },
  'type-set-as-anyOf': (s) => {
    if (!isObject(s) || s.nullable !== undefined) return undefined;
    const types = typeList(s);
    if (!types || types.length < 2) return undefined;
    const { notes, rest } = split(s);
    const { type: _t, ...keywords } = rest;
    return { ...notes, anyOf: types.map((t) => ({ type: t, ...structuredClone(keywords) })) };
  },
  'keyword-of-excluded-type': (s, r) => {
    if (!isObject(s) || s.nullable !== undefined) return undefined;
    const types = typeList(s);
    if (!types) return undefined;
    const options: SchemaObject[] = [];
    if (!types.includes('string') && s.minLength === undefined) options.push({ minLength: 2 });
    if (!types.includes('string') && s.pattern === undefined) options.push({ pattern: '^a' });
    if (!types.includes('string') && s.format === undefined) options.push({ format: 'date' });
    if (!types.includes('number') && !types.includes('integer') && s.minimum === undefined) options.push({ minimum: 3 });
    if (!types.includes('object') && s.required === undefined) options.push({ required: ['a'] });
    if (!types.includes('object') && s.minProperties === undefined) options.push({ minProperties: 1 });
    if (!types.includes('array') && s.minItems === undefined) options.push({ minItems: 2 });
    if (!types.includes('array') && s.uniqueItems === undefined) options.push({ uniqueItems: true });
    if (options.length === 0) return undefined;
    return { ...s, ...options[r0(r, 0) % options.length] };
  },
  'type-restating-enum': (s) => {
    if (!isObject(s)) return undefined;
    const values = Array.isArray(s.enum) ? (s.enum as unknown[]) : 'const' in s ? [s.const] : undefined;
    if (!values || values.length === 0) return undefined;
    if (s.type === undefined) {
      const types = [...new Set(values.map(jsonType))];
      return { ...s, type: types.length === 1 ? types[0] : types };
    }
    const types = typeList(s)!;
    const fits = (v: unknown) => types.includes(jsonType(v)) || (jsonType(v) === 'integer' && types.includes('number')) || (v === null && s.nullable === true);
    if (!values.every(fits)) return undefined;
    const { type: _t, nullable: _n, ...rest } = s;
    return rest;
  },
  'integer-as-number-multipleOf-1': (s) => {
    if (!isObject(s) || s.type !== 'integer' || s.multipleOf !== undefined) return undefined;
    return { ...s, type: 'number', multipleOf: 1 };
  },
  'integer-exclusive-bound': (s) => {
    if (!isObject(s) || s.type !== 'integer') return undefined;
    if (typeof s.exclusiveMinimum === 'number' && s.minimum === undefined) {
      const { exclusiveMinimum: e, ...rest } = s;
      return { ...rest, minimum: Math.floor(e) + 1 };
    }
    if (typeof s.exclusiveMaximum === 'number' && s.maximum === undefined) {
      const { exclusiveMaximum: e, ...rest } = s;
      return { ...rest, maximum: Math.ceil(e) - 1 };
    }
    return undefined;
  },
  'number-integer-type-set': (s) => {
    if (!isObject(s)) return undefined;
    const types = typeList(s);
    if (!types) return undefined;
    if (types.includes('number') && !types.includes('integer')) return { ...s, type: [...types, 'integer'] };
    if (types.includes('number') && types.includes('integer')) {
      const left = types.filter((t) => t !== 'integer');
      return { ...s, type: left.length === 1 ? left[0] : left };
    }
    return undefined;
  },
  'nullable-spelling': (s, r) => {
    if (!isObject(s)) return undefined;
    const types = typeList(s);
    if (s.nullable === true && types) {
      const { nullable: _n, ...rest } = s;
      return { ...rest, type: [...types.filter((t) => t !== 'null'), 'null'] };
    }
    if (types?.includes('null') && types.length === 2 && s.nullable === undefined) {
      const other = types.find((t) => t !== 'null')!;
      if (r0(r, 0) % 2 === 0) return { ...s, type: other, nullable: true };
      if (!onlyTypeKeywords(s)) return undefined;
      const { notes, rest } = split(s);
      return { ...notes, anyOf: [{ ...rest, type: other }, { type: 'null' }] };
    }
    if (Array.isArray(s.anyOf) && s.anyOf.length === 2 && Object.keys(s).length === 1) {
      const [x, y] = s.anyOf as Schema[];
      if (
        isObject(y) &&
        y.type === 'null' &&
        Object.keys(y).length === 1 &&
        isObject(x) &&
        typeof x.type === 'string' &&
        x.nullable === undefined &&
        onlyTypeKeywords(x)
      ) {
        return { ...x, type: [x.type, 'null'] };
      }
    }
    return undefined;
  },
  'redundant-bound-in-allOf': (s) => {
    if (!isObject(s)) return undefined;
    const weaker: SchemaObject = {};
    if (typeof s.minimum === 'number') weaker.minimum = s.minimum - 1;
    else if (typeof s.exclusiveMinimum === 'number') weaker.minimum = s.exclusiveMinimum;
    else if (typeof s.maximum === 'number') weaker.maximum = s.maximum + 1;
    else if (typeof s.maxLength === 'number') weaker.maxLength = s.maxLength + 1;
    else if (typeof s.minLength === 'number' && s.minLength > 0) weaker.minLength = s.minLength - 1;
    else if (typeof s.maxItems === 'number') weaker.maxItems = s.maxItems + 2;
    else return undefined;
    return { allOf: [s, weaker] };
  },
  'type-set-as-typed-branches': (s) => {
    if (!isObject(s) || s.nullable !== undefined || s.anyOf !== undefined) return undefined;
    const types = typeList(s);
    if (!types || types.length < 2) return undefined;
    const { type: _t, ...rest } = s;
    const shared: SchemaObject = {};
    const branches = types.map((t): SchemaObject => ({ type: t }));
    for (const [k, v] of Object.entries(rest)) {
      const owner = KEYWORD_TYPE[k];
      if (!owner) {
        shared[k] = v;
        continue;
      }
      types.forEach((t, i) => {
        if (owner.includes(t)) branches[i]![k] = structuredClone(v);
      });
    }
    return { ...shared, anyOf: branches };
  },
  'oneOf-disjoint-as-anyOf': (s) => {
    if (!isObject(s)) return undefined;
    const [from, to] =
      s.oneOf !== undefined && s.anyOf === undefined ? ['oneOf', 'anyOf'] : s.anyOf !== undefined && s.oneOf === undefined ? ['anyOf', 'oneOf'] : [];
    if (!from || !to) return undefined;
    const branches = s[from] as Schema[];
    const types = branches.map((b) =>
      isObject(b) && typeof b.type === 'string' && b.nullable === undefined ? (b.type === 'integer' ? 'number' : b.type) : undefined,
    );
    if (branches.length < 2 || types.some((t) => t === undefined) || new Set(types).size !== types.length) return undefined;
    const { [from]: _b, ...rest } = s;
    return { ...rest, [to]: branches };
  },
  'enum-off-type-value': (s) => {
    if (!isObject(s) || !Array.isArray(s.enum) || s.nullable !== undefined) return undefined;
    const types = typeList(s);
    if (!types) return undefined;
    const extra = !types.includes('string')
      ? 'zz'
      : !types.includes('number') && !types.includes('integer')
        ? 99
        : !types.includes('boolean')
          ? true
          : undefined;
    if (extra === undefined || s.enum.includes(extra)) return undefined;
    return { ...s, enum: [...s.enum, extra] };
  },
  'if-constant-condition': (s, r) => (r0(r, 0) % 2 === 0 ? { if: true, then: s } : { if: false, else: s }),
  'enum-as-anyOf-const': (s) => {
    if (!isObject(s) || !Array.isArray(s.enum) || s.anyOf !== undefined) return undefined;
    const { enum: values, ...rest } = s;
    return { ...rest, anyOf: values.map((v) => ({ const: v })) };
  },
  'contains-minContains-1': (s) => (isObject(s) && s.contains !== undefined && s.minContains === undefined ? { ...s, minContains: 1 } : undefined),
  'dependentRequired-already-required': (s, r) => {
    if (!isObject(s) || s.dependentRequired !== undefined || !Array.isArray(s.required) || s.required.length === 0) return undefined;
    return { ...s, dependentRequired: { [['a', 'b', 'c'][r0(r, 0) % 3]!]: [s.required[0]] } };
  },
  'enum-reorder': (s) => (isObject(s) && Array.isArray(s.enum) && s.enum.length > 1 ? { ...s, enum: [...s.enum].reverse() } : undefined),
  'explicit-true': (s, r) => {
    if (!isObject(s)) return undefined;
    const k = ['additionalProperties', 'items', 'propertyNames'][r0(r, 0) % 3]!;
    return s[k] === undefined ? { ...s, [k]: r0(r, 1) % 2 === 0 ? true : {} } : undefined;
  },
  annotations: (s, r) => {
    if (!isObject(s)) return undefined;
    const k = ['title', 'description', 'examples', 'default', 'deprecated', '$comment'][r0(r, 0) % 6]!;
    const v = { title: 'New title', description: 'Changed text', examples: ['zz'], default: 'zz', deprecated: true, $comment: 'changed' }[k];
    if (s[k] !== undefined && r0(r, 1) % 2 === 0) {
      const { [k]: _drop, ...rest } = s;
      return rest;
    }
    return { ...s, [k]: v };
  },
};

export const REWRITE_NAMES = Object.keys(REWRITES);
/** Rewrites that apply almost anywhere; the specific ones are drawn more often where they apply. */
const GENERIC = new Set([
  'allOf-identical',
  'allOf-single',
  'anyOf-duplicate',
  'anyOf-single',
  'oneOf-single',
  'not-not',
  'if-identical-branches',
  'if-constant-condition',
  'annotations',
  'explicit-true',
  'zero-minimum',
]);
export const rewriteWeight = (name: string) => (GENERIC.has(name) ? 1 : 8);

/** Every rewrite that applies to `s`, with its result and weight. */
export function applicableRewrites(s: Schema, r: number[]): { name: string; result: Schema; weight: number }[] {
  const out: { name: string; result: Schema; weight: number }[] = [];
  for (const name of REWRITE_NAMES) {
    const result = REWRITES[name]!(structuredClone(s), r);
    if (result !== undefined) out.push({ name, result, weight: rewriteWeight(name) });
  }
  return out;
}
