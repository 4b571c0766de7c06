/**
 * Random edits for "mutated" pairs: tighten/relax bounds, add/remove keywords, change formats,
 * patterns, types and enums, wrap/unwrap in allOf/anyOf/oneOf, add/remove/change not and
 * if/then/else branches, edit object and array keywords. Each edit returns undefined when it
 * does not apply; applyEdit then tries the next one.
 */
import { FORMATS, NAMES, NAME_PATTERNS, NUMBERS, PATTERNS, STEPS, TYPES, ENUM_POOL, type Schema, type SchemaObject } from './grammar.js';
import { leaf } from './leaves.js';

type Edit = (s: Schema, r: number[]) => Schema | undefined;
const isObject = (v: unknown): v is SchemaObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = <T>(xs: readonly T[], n: number) => xs[n % xs.length]!;
const r0 = (r: number[], i: number) => r[i % r.length] ?? 0;
const without = (s: SchemaObject, k: string) => {
  const { [k]: _drop, ...rest } = s;
  return rest;
};
const obj = (s: Schema): SchemaObject => (isObject(s) ? s : s ? {} : { not: {} });

/** Formats whose value sets overlap or nest, so changes between them are the interesting ones. */
const FORMAT_NEIGHBOURS: Record<string, string[]> = {
  date: ['date-time', 'time'],
  time: ['date-time', 'date'],
  'date-time': ['date', 'time'],
  email: ['idn-email', 'hostname'],
  'idn-email': ['email'],
  hostname: ['idn-hostname', 'ipv4', 'email'],
  'idn-hostname': ['hostname'],
  ipv4: ['hostname', 'ipv6'],
  ipv6: ['ipv4'],
  uri: ['uri-reference', 'iri', 'iri-reference'],
  'uri-reference': ['uri', 'iri-reference', 'json-pointer'],
  iri: ['iri-reference', 'uri'],
  'iri-reference': ['iri', 'uri-reference'],
  uuid: ['uri-reference', 'regex'],
  duration: ['date-time'],
  regex: ['json-pointer', 'uri-reference'],
  'json-pointer': ['relative-json-pointer', 'uri-reference'],
  'relative-json-pointer': ['json-pointer'],
};

const NUMERIC = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains'];

export const EDITS: Record<string, Edit> = {
  'bound-shift': (s, r) => {
    const o = obj(s);
    const present = [...NUMERIC, ...COUNTS].filter((k) => typeof o[k] === 'number');
    if (present.length === 0) return undefined;
    const k = at(present, r0(r, 0));
    const deltas = NUMERIC.includes(k) ? [1, -1, 0.5, -0.5, 2, -2] : [1, -1, 2];
    const v = (o[k] as number) + at(deltas, r0(r, 1));
    return { ...o, [k]: COUNTS.includes(k) ? Math.max(0, v) : v };
  },
  'bound-add': (s, r) => {
    const o = obj(s);
    const k = at([...NUMERIC, ...COUNTS], r0(r, 0));
    if (o[k] !== undefined) return undefined;
    return { ...o, [k]: COUNTS.includes(k) ? r0(r, 1) % 4 : at(NUMBERS, r0(r, 1)) };
  },
  'bound-remove': (s, r) => {
    const o = obj(s);
    const present = [...NUMERIC, ...COUNTS, 'multipleOf'].filter((k) => o[k] !== undefined);
    return present.length ? without(o, at(present, r0(r, 0))) : undefined;
  },
  'multipleOf-change': (s, r) => ({ ...obj(s), multipleOf: at(STEPS, r0(r, 0)) }),
  'format-change': (s, r) => {
    const o = obj(s);
    const near = typeof o.format === 'string' ? FORMAT_NEIGHBOURS[o.format] : undefined;
    const f = near && r0(r, 1) % 3 !== 0 ? at(near, r0(r, 0)) : at(FORMATS, r0(r, 0));
    if (o.format === f) return undefined;
    return { ...o, format: f };
  },
  'format-remove': (s) => (isObject(s) && s.format !== undefined ? without(s, 'format') : undefined),
  'pattern-change': (s, r) => {
    const o = obj(s);
    if (r0(r, 1) % 3 === 0 && o.pattern !== undefined) return without(o, 'pattern');
    const p = at(PATTERNS, r0(r, 0));
    return o.pattern === p ? undefined : { ...o, pattern: p };
  },
  'type-change': (s, r) => {
    const o = obj(s);
    const t = at(TYPES, r0(r, 0));
    const current = typeof o.type === 'string' ? [o.type] : Array.isArray(o.type) ? (o.type as string[]) : undefined;
    const mode = r0(r, 1) % 4;
    if (mode === 0 && current) return o.nullable !== undefined ? without(without(o, 'type'), 'nullable') : without(o, 'type');
    if (mode === 1 && current && !current.includes(t)) return { ...o, type: [...current, t] };
    if (mode === 2 && current && current.length > 1) return { ...o, type: current.filter((x) => x !== at(current, r0(r, 0))) };
    if (mode === 3 && current && o.nullable === undefined && !current.includes('null')) return { ...o, nullable: true };
    return current?.length === 1 && current[0] === t ? undefined : { ...o, type: t };
  },
  'enum-edit': (s, r) => {
    const o = obj(s);
    const v = at(ENUM_POOL, r0(r, 0));
    const values = Array.isArray(o.enum) ? (o.enum as unknown[]) : 'const' in o ? [o.const] : undefined;
    const base = without(without(o, 'const'), 'enum');
    const mode = r0(r, 1) % 4;
    const key = (x: unknown) => JSON.stringify(x);
    if (!values)
      return mode === 0
        ? { ...base, const: v }
        : { ...base, enum: [v, at(ENUM_POOL, r0(r, 2))].filter((x, i, a) => a.findIndex((y) => key(y) === key(x)) === i) };
    if (mode === 0) return base;
    if (mode === 1 && !values.some((x) => key(x) === key(v))) return { ...base, enum: [...values, v] };
    if (mode === 2 && values.length > 1) return { ...base, enum: values.filter((_, i) => i !== r0(r, 2) % values.length) };
    return { ...base, enum: values.map((x, i) => (i === 0 ? v : x)).filter((x, i, a) => a.findIndex((y) => key(y) === key(x)) === i) };
  },
  'required-toggle': (s, r) => {
    const o = obj(s);
    const n = at(NAMES, r0(r, 0));
    const req = Array.isArray(o.required) ? (o.required as string[]) : [];
    const next = req.includes(n) ? req.filter((x) => x !== n) : [...req, n];
    return next.length ? { ...o, required: next } : without(o, 'required');
  },
  'property-add': (s, r) => {
    const o = obj(s);
    const n = at(NAMES, r0(r, 0));
    const props = isObject(o.properties) ? o.properties : {};
    if (n in props) return undefined;
    return { ...o, properties: { ...props, [n]: leaf(r0(r, 1)) } };
  },
  'property-remove': (s, r) => {
    const o = obj(s);
    if (!isObject(o.properties) || Object.keys(o.properties).length === 0) return undefined;
    const n = at(Object.keys(o.properties), r0(r, 0));
    return { ...o, properties: without(o.properties, n) };
  },
  'property-replace': (s, r) => {
    const o = obj(s);
    if (!isObject(o.properties) || Object.keys(o.properties).length === 0) return undefined;
    const n = at(Object.keys(o.properties), r0(r, 0));
    return { ...o, properties: { ...o.properties, [n]: leaf(r0(r, 1)) } };
  },
  'additionalProperties-edit': (s, r) => {
    const o = obj(s);
    const options: (Schema | undefined)[] = [false, true, undefined, leaf(r0(r, 1))];
    const v = at(options, r0(r, 0));
    if (JSON.stringify(v) === JSON.stringify(o.additionalProperties)) return undefined;
    return v === undefined ? without(o, 'additionalProperties') : { ...o, additionalProperties: v };
  },
  'patternProperties-edit': (s, r) => {
    const o = obj(s);
    const p = at(NAME_PATTERNS, r0(r, 0));
    const pp = isObject(o.patternProperties) ? o.patternProperties : {};
    if (p in pp && r0(r, 1) % 2 === 0) {
      const rest = without(pp, p);
      return Object.keys(rest).length ? { ...o, patternProperties: rest } : without(o, 'patternProperties');
    }
    return { ...o, patternProperties: { ...pp, [p]: leaf(r0(r, 2)) } };
  },
  'dependentRequired-edit': (s, r) => {
    const o = obj(s);
    if (o.dependentRequired !== undefined && r0(r, 0) % 2 === 0) return without(o, 'dependentRequired');
    return { ...o, dependentRequired: { [at(NAMES, r0(r, 1))]: [at(NAMES, r0(r, 2))] } };
  },
  'dependentSchemas-edit': (s, r) => {
    const o = obj(s);
    if (o.dependentSchemas !== undefined && r0(r, 0) % 2 === 0) return without(o, 'dependentSchemas');
    return { ...o, dependentSchemas: { [at(NAMES, r0(r, 1))]: leaf(r0(r, 2)) } };
  },
  'propertyNames-edit': (s, r) => {
    const o = obj(s);
    if (o.propertyNames !== undefined && r0(r, 0) % 2 === 0) return without(o, 'propertyNames');
    return { ...o, propertyNames: at([{ pattern: '^[ab]' }, { maxLength: 1 }, { enum: ['a', 'b'] }, { not: { const: 'c' } }], r0(r, 1)) };
  },
  'items-edit': (s, r) => {
    const o = obj(s);
    const v = at<Schema | undefined>([false, undefined, leaf(r0(r, 1))], r0(r, 0));
    if (JSON.stringify(v) === JSON.stringify(o.items)) return undefined;
    return v === undefined ? without(o, 'items') : { ...o, items: v };
  },
  'prefixItems-edit': (s, r) => {
    const o = obj(s);
    const list = Array.isArray(o.prefixItems) ? (o.prefixItems as Schema[]) : [];
    if (list.length > 0 && r0(r, 0) % 2 === 0) return list.length > 1 ? { ...o, prefixItems: list.slice(0, -1) } : without(o, 'prefixItems');
    return { ...o, prefixItems: [...list, leaf(r0(r, 1))] };
  },
  'uniqueItems-toggle': (s) => {
    const o = obj(s);
    return o.uniqueItems ? without(o, 'uniqueItems') : { ...o, uniqueItems: true };
  },
  'contains-edit': (s, r) => {
    const o = obj(s);
    if (o.contains !== undefined && r0(r, 0) % 2 === 0) return without(o, 'contains');
    return { ...o, contains: leaf(r0(r, 1)) };
  },
  'wrap-allOf': (s, r) => ({ allOf: [s, leaf(r0(r, 0))] }),
  'wrap-anyOf': (s, r) => ({ anyOf: [s, leaf(r0(r, 0))] }),
  'wrap-oneOf': (s, r) => ({ oneOf: [s, leaf(r0(r, 0))] }),
  unwrap: (s, r) => {
    if (!isObject(s)) return undefined;
    for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[k]) && (s[k] as Schema[]).length > 0) return at(s[k] as Schema[], r0(r, 0));
    return undefined;
  },
  'branch-add-remove': (s, r) => {
    if (!isObject(s)) return undefined;
    for (const k of ['allOf', 'anyOf', 'oneOf']) {
      const list = s[k];
      if (!Array.isArray(list)) continue;
      if (list.length > 1 && r0(r, 0) % 2 === 0) return { ...s, [k]: list.filter((_, i) => i !== r0(r, 1) % list.length) };
      return { ...s, [k]: [...list, leaf(r0(r, 1))] };
    }
    return undefined;
  },
  'anyOf-oneOf-swap': (s) => {
    if (!isObject(s)) return undefined;
    if (s.anyOf !== undefined && s.oneOf === undefined) return { ...without(s, 'anyOf'), oneOf: s.anyOf };
    if (s.oneOf !== undefined && s.anyOf === undefined) return { ...without(s, 'oneOf'), anyOf: s.oneOf };
    return undefined;
  },
  'not-edit': (s, r) => {
    const o = obj(s);
    const mode = r0(r, 0) % 3;
    if (o.not !== undefined && mode === 0) return without(o, 'not');
    if (o.not !== undefined && mode === 1) return { not: o.not };
    return { ...o, not: leaf(r0(r, 1)) };
  },
  'if-edit': (s, r) => {
    const o = obj(s);
    const mode = r0(r, 0) % 5;
    if (o.if === undefined) return { ...o, if: leaf(r0(r, 1)), then: leaf(r0(r, 2)) };
    if (mode === 0) return { ...o, then: leaf(r0(r, 1)) };
    if (mode === 1) return { ...o, else: leaf(r0(r, 1)) };
    if (mode === 2) return { ...o, if: leaf(r0(r, 1)) };
    if (mode === 3) return without(without(without(o, 'if'), 'then'), 'else');
    return { ...without(without(o, 'then'), 'else'), ...(o.else !== undefined ? { then: o.else } : {}), ...(o.then !== undefined ? { else: o.then } : {}) };
  },
  'replace-leaf': (_s, r) => leaf(r0(r, 0)),
  annotation: (s, r) => {
    const [k, v] = at<[string, unknown]>(
      [
        ['title', 'x'],
        ['description', 'changed'],
        ['default', at(ENUM_POOL, r0(r, 1))],
        ['deprecated', r0(r, 1) % 2 === 0],
        ['examples', [at(ENUM_POOL, r0(r, 1))]],
      ],
      r0(r, 0),
    );
    return { ...obj(s), [k]: v };
  },
};

export const EDIT_NAMES = Object.keys(EDITS);

/** Edits that only apply where their keyword is present are drawn more often there. */
const SPECIFIC = new Set([
  'bound-shift',
  'bound-remove',
  'format-remove',
  'property-remove',
  'property-replace',
  'unwrap',
  'branch-add-remove',
  'anyOf-oneOf-swap',
]);

/** Every edit that applies to `s` and changes it, with its result and weight. */
export function applicableEdits(s: Schema, r: number[]): { name: string; result: Schema; weight: number }[] {
  const out: { name: string; result: Schema; weight: number }[] = [];
  for (const name of EDIT_NAMES) {
    const result = EDITS[name]!(structuredClone(s), r);
    const specific = SPECIFIC.has(name) || (name === 'format-change' && isObject(s) && s.format !== undefined);
    if (result !== undefined && JSON.stringify(result) !== JSON.stringify(s))
      out.push({ name, result, weight: name === 'format-change' && specific ? 20 : specific ? 6 : 1 });
  }
  if (out.length === 0) out.push({ name: 'replace-leaf', result: leaf(r0(r, 0) + 1), weight: 1 });
  return out;
}
