/**
 * Schema-directed value generation for the witness search. Values are drawn from BOTH schemas
 * of a pair at once: enum values, numbers at and around every bound and step, strings around
 * every length bound, samples for every pattern and format (valid ones and near misses),
 * objects over subsets of the declared names with values generated for each name, arrays of
 * length 0..4 from the item/tuple/contains schemas with duplicates, values for every branch of
 * anyOf/oneOf/allOf/not/if/then/else, plus fast-check jsonValue noise. Deterministic per seed.
 */
import fc from 'fast-check';
import { stableStringify } from './json.js';
import { NAMES, PATTERNS, type Schema } from './grammar.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Valid samples and near misses per format. */
export const FORMAT_SAMPLES: Record<string, string[]> = {
  date: ['2024-01-31', '2024-02-29', '2023-02-29', '2024-1-31', '2024-01-31T10:00:00Z'],
  time: ['10:00:00Z', '10:00:00+01:00', '23:59:60Z', '10:00:00', '10:00'],
  'date-time': ['2024-01-31T10:00:00Z', '2024-01-31t10:00:00.5+01:00', '2024-01-31T10:00:00', '2024-01-31 10:00:00Z', '2024-01-31'],
  email: ['a@b.example', 'a.b@c.example', '?a@b.example', 'a{@b.example', 'a@b', 'ü@b.example', 'a@ü.example', 'a@@b.example'],
  'idn-email': ['ü@b.example', 'a@ü.example', 'a@b.example', 'ü@', 'ü'],
  hostname: ['b.example', 'a', 'a-b.example', '-a', 'a_b', 'ü.example', 'xn--tda.example', '1.2.3.4'],
  'idn-hostname': ['ü.example', 'bücher.example', 'b.example', 'ü_', '-ü'],
  ipv4: ['1.2.3.4', '0.0.0.0', '256.1.1.1', '1.2.3', '::1'],
  ipv6: ['::1', '2001:db8::1', '::ffff:1.2.3.4', '1.2.3.4', ':::'],
  uri: ['https://x.example/a', 'urn:a', 'a:', 'mailto:a@b.example', 'https://x.example/(', 'https://ü.example/a', '/a', 'a', 'a b', '#a'],
  'uri-reference': ['/a', 'a', '#a', '', '?q', '/(', 'https://x.example/a', '/ü', 'a b', '\\a'],
  iri: ['https://ü.example/a', 'ü:', 'https://x.example/a', 'urn:ü', '/ü', 'ü', 'https://x.example/a b'],
  'iri-reference': ['/ü', 'ü', 'https://ü.example/a', '/a', '#ü', 'a b'],
  uuid: [
    '123e4567-e89b-12d3-a456-426614174000',
    'urn:uuid:123e4567-e89b-12d3-a456-426614174000',
    '123e4567-e89b-12d3-a456-42661417400',
    '123e4567e89b12d3a456426614174000',
  ],
  duration: ['P1D', 'PT1H', 'P1W', 'P1Y2M', 'P', 'PT', '1D', 'P1DT'],
  regex: ['^a$', 'a', '(', '[a-', 'a{2}', '\\d+'],
  'json-pointer': ['/a', '', '/', '/a~0b/~1', '/(', 'a', '/~2', '#/a'],
  'relative-json-pointer': ['0/a', '0', '1#', '2/a/b', '0/(', '/a', '01', '-1'],
};

const PATTERN_SAMPLES: Record<string, string[]> = {
  '^a': ['a', 'ab', 'abc', 'ba'],
  b$: ['b', 'ab', 'bb', 'ba'],
  '^[a-c]+$': ['a', 'abc', 'cab', 'ad'],
  '^\\d+$': ['1', '12', '123', '1a'],
  '^.{2}$': ['ab', 'xy', '12', 'abc'],
  ab: ['ab', 'xab', 'aab', 'a'],
  '^[ab]': ['a', 'b', 'ba', 'c'],
  '^x': ['x', 'xa', 'ax'],
  b: ['b', 'ab', 'cb', 'a'],
  '^[bc]$': ['b', 'c', 'bc'],
};
const GENERIC_SCALARS: unknown[] = [null, true, false, 0, 1, -1, 2, 0.5, -0.5, 3, 10, '', 'a', 'b', 'ab', 'abc', 'x', '1', '2024-01-31'];
const ALL_FORMAT_STRINGS = [...new Set(Object.values(FORMAT_SAMPLES).flat())];

export function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export type Rng = () => number;
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

class ValueSet {
  private readonly seen = new Set<string>();
  readonly values: unknown[] = [];
  add(v: unknown) {
    const key = stableStringify(v);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.values.push(v);
  }
  addAll(vs: Iterable<unknown>) {
    for (const v of vs) this.add(v);
  }
}

const sub = (v: unknown): Obj[] => (v === true ? [{}] : v === false ? [{ not: {} }] : isObject(v) ? [v] : []);

/** The schema objects that apply to the same instance: branches, conditionals, dependentSchemas. */
export function sameLevel(schemas: readonly unknown[], options: { skipNot?: boolean } = {}): Obj[] {
  const out: Obj[] = [];
  const visit = (s: unknown) => {
    for (const o of sub(s)) {
      if (out.includes(o)) continue;
      out.push(o);
      for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(o[k])) (o[k] as unknown[]).forEach(visit);
      for (const k of ['not', 'if', 'then', 'else']) if (o[k] !== undefined && !(k === 'not' && options.skipNot)) visit(o[k]);
      if (isObject(o.dependentSchemas)) Object.values(o.dependentSchemas).forEach(visit);
    }
  };
  schemas.forEach(visit);
  return out;
}

function numbersFor(levels: Obj[], out: ValueSet) {
  const bounds: number[] = [];
  const steps: number[] = [];
  for (const s of levels) {
    for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']) if (typeof s[k] === 'number') bounds.push(s[k] as number);
    if (typeof s.multipleOf === 'number') steps.push(s.multipleOf);
  }
  for (const b of bounds) for (const d of [0, 1, -1, 0.5, -0.5, 0.25, -0.25, 2, -2]) out.add(b + d);
  for (const m of steps) {
    for (const k of [-2, -1, 1, 2, 3, 4, 6]) out.add(m * k);
    out.add(m / 2);
    for (const b of bounds) {
      out.add(Math.ceil(b / m) * m);
      out.add(Math.floor(b / m) * m);
      out.add((Math.ceil(b / m) + 1) * m);
      out.add((Math.floor(b / m) - 1) * m);
    }
  }
}

function stringsFor(levels: Obj[], out: ValueSet) {
  for (const s of levels) {
    for (const k of ['minLength', 'maxLength']) {
      const n = s[k];
      if (typeof n !== 'number') continue;
      for (const len of [n - 1, n, n + 1])
        if (len >= 0) {
          out.add('a'.repeat(len));
          out.add('ab'.repeat(len).slice(0, len));
          out.add('1'.repeat(len));
        }
    }
    if (typeof s.pattern === 'string') {
      out.addAll(PATTERN_SAMPLES[s.pattern] ?? []);
      for (const p of PATTERN_SAMPLES[s.pattern] ?? [])
        if (typeof s.minLength === 'number' || typeof s.maxLength === 'number') {
          out.add(p.repeat(2));
          out.add(`${p}a`);
        }
    }
    if (typeof s.format === 'string') out.addAll(FORMAT_SAMPLES[s.format] ?? []);
  }
  for (const p of PATTERNS) out.add(PATTERN_SAMPLES[p]![0]);
}

/** Names an object at this level may use: the pool, declared names, names that patterns match. */
function namesFor(levels: Obj[]): string[] {
  const names = new Set<string>([...NAMES, 'x']);
  for (const s of levels) {
    if (isObject(s.properties)) for (const n of Object.keys(s.properties)) names.add(n);
    if (Array.isArray(s.required)) for (const n of s.required) names.add(String(n));
    if (isObject(s.patternProperties)) for (const p of Object.keys(s.patternProperties)) for (const n of (PATTERN_SAMPLES[p] ?? []).slice(0, 2)) names.add(n);
    if (isObject(s.dependentRequired))
      for (const [k, v] of Object.entries(s.dependentRequired)) {
        names.add(k);
        if (Array.isArray(v)) for (const n of v) names.add(String(n));
      }
  }
  return [...names];
}

export function childSchemas(levels: Obj[], name: string): Obj[] {
  const out: Obj[] = [];
  for (const s of levels) {
    let matched = false;
    if (isObject(s.properties) && name in s.properties) {
      out.push(...sub(s.properties[name]));
      matched = true;
    }
    if (isObject(s.patternProperties))
      for (const [p, ps] of Object.entries(s.patternProperties))
        if (new RegExp(p, 'u').test(name)) {
          out.push(...sub(ps));
          matched = true;
        }
    if (!matched && s.additionalProperties !== undefined) out.push(...sub(s.additionalProperties));
  }
  return out;
}

export function itemSchemas(levels: Obj[], index: number): Obj[] {
  const out: Obj[] = [];
  for (const s of levels) {
    const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as unknown[]) : [];
    if (index < prefix.length) out.push(...sub(prefix[index]));
    else if (s.items !== undefined) out.push(...sub(s.items));
    if (s.contains !== undefined) out.push(...sub(s.contains));
  }
  return out;
}

const has = (levels: Obj[], keys: string[], type: string) =>
  levels.some((s) => keys.some((k) => s[k] !== undefined) || s.type === type || (Array.isArray(s.type) && s.type.includes(type)));

/**
 * Values relevant to the given schemas (which all apply to the same instance position).
 * `depth` bounds nesting; `budget` bounds the number of composite values made here.
 */
export function generate(schemas: readonly unknown[], rng: Rng, depth: number, budget: number): unknown[] {
  const levels = sameLevel(schemas);
  const out = new ValueSet();
  // Schema-specific values first: composites below draw on the head of each list.
  for (const s of levels) {
    if (Array.isArray(s.enum)) out.addAll(s.enum);
    if ('const' in s) out.add(s.const);
  }
  numbersFor(levels, out);
  stringsFor(levels, out);
  out.addAll(GENERIC_SCALARS);
  if (depth >= 2) out.addAll(ALL_FORMAT_STRINGS.filter(() => rng() < 0.3));
  if (depth <= 0) {
    out.add({});
    out.add([]);
    return out.values;
  }
  const scalars = [...out.values];
  const childBudget = Math.max(4, Math.floor(budget / 4));

  // Objects.
  const objectish = has(
    levels,
    [
      'properties',
      'required',
      'patternProperties',
      'additionalProperties',
      'dependentRequired',
      'dependentSchemas',
      'propertyNames',
      'minProperties',
      'maxProperties',
    ],
    'object',
  );
  const names = objectish ? namesFor(levels) : [...NAMES];
  const childValues = new Map<string, unknown[]>();
  for (const n of names) {
    const children = childSchemas(levels, n);
    childValues.set(n, children.length > 0 ? generate(children, rng, depth - 1, childBudget) : scalars);
  }
  const valuesOf = (n: string) => childValues.get(n)!;
  out.add({});
  const objectBudget = objectish ? budget : Math.ceil(budget / 6);
  const declaredHere = new Set(levels.flatMap((s) => (isObject(s.properties) ? Object.keys(s.properties) : [])));
  for (const n of names) for (const v of valuesOf(n).slice(0, objectish ? (declaredHere.has(n) ? 48 : 16) : 2)) out.add({ [n]: v });
  for (let i = 0; i < objectBudget; i++) {
    const o: Obj = {};
    const p = rng() * 0.8 + 0.1;
    // Names this level does not declare are rarer: witnesses using them are mostly filtered out.
    for (const n of names) if (rng() < (declaredHere.has(n) ? p : p / 3)) o[n] = pick(rng, valuesOf(n));
    out.add(o);
  }
  // Every declared name present, with each kind of value.
  if (objectish)
    for (let i = 0; i < Math.ceil(budget / 4); i++)
      out.add(Object.fromEntries(names.filter((n) => n !== 'x' || rng() < 0.5).map((n) => [n, pick(rng, valuesOf(n))])));

  // Arrays.
  const arrayish = has(levels, ['items', 'prefixItems', 'contains', 'minItems', 'maxItems', 'uniqueItems', 'minContains', 'maxContains'], 'array');
  const positions = [0, 1, 2, 3].map((i) => {
    const children = itemSchemas(levels, i);
    return children.length > 0 ? generate(children, rng, depth - 1, childBudget) : scalars.slice(0, 12);
  });
  out.add([]);
  const arrayBudget = arrayish ? budget : Math.ceil(budget / 6);
  for (const v of positions[0]!.slice(0, arrayish ? 16 : 3)) {
    out.add([v]);
    if (arrayish) out.add([v, v]);
  }
  for (let i = 0; i < arrayBudget; i++) {
    const len = Math.floor(rng() * 5);
    const a: unknown[] = [];
    for (let j = 0; j < len; j++) a.push(rng() < 0.25 && j > 0 ? a[j - 1] : pick(rng, positions[j]!));
    out.add(a);
  }
  return out.values;
}

const UNSAFE_KEYS = new Set(['valueOf', 'toString', '__proto__', 'constructor', 'hasOwnProperty']);
/** Keys Ajv's deep equality trips over, and numbers beyond 1e9 (Ajv's multipleOf uses parseInt). */
const safe = (v: unknown): boolean =>
  Array.isArray(v)
    ? v.every(safe)
    : isObject(v)
      ? Object.entries(v).every(([k, x]) => !UNSAFE_KEYS.has(k) && safe(x))
      : typeof v === 'number'
        ? Math.abs(v) <= 1e9
        : true;

/** Candidate values for a pair of schemas: schema-directed values from both plus jsonValue noise. */
export function candidates(before: Schema, after: Schema, seed: number, options: { budget?: number; noise?: number } = {}): unknown[] {
  const rng = mulberry32(seed);
  const set = new ValueSet();
  const depth = 3;
  set.addAll(generate([before, after], rng, depth, options.budget ?? 60));
  set.addAll(generate([before], rng, depth, Math.ceil((options.budget ?? 60) / 3)));
  set.addAll(generate([after], rng, depth, Math.ceil((options.budget ?? 60) / 3)));
  set.addAll(fc.sample(fc.jsonValue({ maxDepth: 2 }), { seed, numRuns: options.noise ?? 20 }).filter(safe));
  return set.values;
}
