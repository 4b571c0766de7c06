/**
 * A depth-limited grammar (fast-check arbitraries) of JSON Schema 2020-12 over the keywords the
 * contract engine must judge. Property names come from a tiny pool so that edits collide.
 */
import fc from 'fast-check';

export type Schema = { [keyword: string]: unknown } | boolean;
export type SchemaObject = { [keyword: string]: unknown };

export const NAMES = ['a', 'b', 'c'] as const;
/** Property-name patterns; 'x' names are only ever declared through `^x`. */
export const NAME_PATTERNS = ['^a', '^x', 'b', '^[bc]$'] as const;
export const PATTERNS = ['^a', 'b$', '^[a-c]+$', '^\\d+$', '^.{2}$', 'ab'] as const;
export const FORMATS = [
  'date',
  'time',
  'date-time',
  'email',
  'idn-email',
  'hostname',
  'idn-hostname',
  'ipv4',
  'ipv6',
  'uri',
  'uri-reference',
  'iri',
  'iri-reference',
  'uuid',
  'duration',
  'regex',
  'json-pointer',
  'relative-json-pointer',
] as const;
export const TYPES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'] as const;
export const NUMBERS = [-2, -1, 0, 0.5, 1, 1.5, 2, 3, 5, 10] as const;
export const STEPS = [0.5, 1, 2, 3, 4] as const;
export const ENUM_POOL: unknown[] = ['a', 'b', 'ab', '', 0, 1, 2, 2.5, -1, true, false, null, [], ['a'], {}, { a: 1 }];

/** A record holding the required fields and at most `max` of the others (so schemas stay small). */
function sparse(fields: Record<string, fc.Arbitrary<unknown>>, max: number, required: string[] = []): fc.Arbitrary<SchemaObject> {
  const optional = Object.keys(fields).filter((k) => !required.includes(k));
  return fc.subarray(optional, { maxLength: max }).chain((chosen) => {
    const keys = [...required, ...chosen];
    return fc.record(Object.fromEntries(keys.map((k) => [k, fields[k]!]))) as fc.Arbitrary<SchemaObject>;
  });
}
const compact = (o: SchemaObject): SchemaObject => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const some = <T>(values: readonly T[], max = values.length) => fc.uniqueArray(fc.constantFrom(...values), { maxLength: max });

const numberKeywords = sparse(
  {
    minimum: fc.constantFrom(...NUMBERS),
    maximum: fc.constantFrom(...NUMBERS),
    exclusiveMinimum: fc.constantFrom(...NUMBERS),
    exclusiveMaximum: fc.constantFrom(...NUMBERS),
    multipleOf: fc.constantFrom(...STEPS),
  },
  2,
);

const stringKeywords = sparse(
  {
    minLength: fc.nat(3),
    maxLength: fc.nat(5),
    pattern: fc.constantFrom(...PATTERNS),
    format: fc.constantFrom(...FORMATS),
  },
  2,
);

const enumSchema = fc.oneof(
  fc.uniqueArray(fc.constantFrom(...ENUM_POOL), { minLength: 1, maxLength: 4, selector: (v) => JSON.stringify(v) }).map((values) => ({ enum: values })),
  fc.constantFrom(...ENUM_POOL).map((value) => ({ const: value })),
  fc
    .tuple(fc.constantFrom('string', 'integer', 'number'), fc.uniqueArray(fc.constantFrom('a', 'b', 'ab', 1, 2, 2.5), { minLength: 1, maxLength: 3 }))
    .map(([type, values]) => ({ type, enum: values })),
);

const scalarSchema: fc.Arbitrary<SchemaObject> = fc.oneof(
  { arbitrary: stringKeywords.map((k) => ({ type: 'string', ...k })), weight: 4 },
  { arbitrary: fc.tuple(fc.constantFrom('number', 'integer'), numberKeywords).map(([type, k]) => ({ type, ...k })), weight: 4 },
  { arbitrary: fc.constantFrom<SchemaObject>({ type: 'boolean' }, { type: 'null' }, {}), weight: 1 },
  { arbitrary: enumSchema, weight: 2 },
  // Per-type keywords without a type, and type sets with keywords of several types.
  { arbitrary: fc.tuple(stringKeywords, numberKeywords).map(([s, n]) => ({ ...s, ...n })), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.uniqueArray(fc.constantFrom(...TYPES), { minLength: 2, maxLength: 3 }), stringKeywords, numberKeywords)
      .map(([type, s, n]) => ({ type, ...s, ...n })),
    weight: 2,
  },
);

const annotations = sparse(
  {
    title: fc.constantFrom('T', 'Title'),
    description: fc.constantFrom('d', 'A description'),
    examples: fc.constantFrom(['a'], [1]),
    default: fc.constantFrom('a', 1, null),
    deprecated: fc.boolean(),
    $comment: fc.constant('c'),
  },
  2,
);

/** Nullable spellings: type array, OpenAPI `nullable`, anyOf with a null branch. */
const nullable = (inner: fc.Arbitrary<SchemaObject>) =>
  fc.tuple(inner, fc.nat(2)).map(([s, how]): SchemaObject => {
    if (how === 0 || typeof s.type !== 'string') return { anyOf: [s, { type: 'null' }] };
    if (how === 1) return { ...s, type: [s.type, 'null'] };
    return { ...s, nullable: true };
  });

const cache = new Map<number, fc.Arbitrary<Schema>>();

/** Schemas of at most `depth` nested levels of subschemas. */
export function schemaArb(depth: number): fc.Arbitrary<Schema> {
  const hit = cache.get(depth);
  if (hit) return hit;
  const withAnnotations = (arb: fc.Arbitrary<SchemaObject>) =>
    fc.tuple(arb, fc.option(annotations, { nil: undefined, freq: 6 })).map(([s, a]) => (a ? { ...s, ...a } : s));
  let arb: fc.Arbitrary<Schema>;
  if (depth <= 0) {
    arb = fc.oneof(
      { arbitrary: withAnnotations(scalarSchema), weight: 12 },
      { arbitrary: withAnnotations(nullable(scalarSchema)), weight: 2 },
      { arbitrary: fc.boolean(), weight: 1 },
    );
  } else {
    const sub = schemaArb(depth - 1);
    const subObject = sub.map((s) => (typeof s === 'boolean' ? (s ? {} : { not: {} }) : s));
    const object = sparse(
      {
        type: fc.constantFrom('object', undefined),
        properties: fc.dictionary(fc.constantFrom(...NAMES), sub, { maxKeys: 3, minKeys: 1 }),
        required: some(NAMES, 2),
        additionalProperties: fc.oneof(fc.constant(false), fc.constant(true), sub),
        patternProperties: fc.dictionary(fc.constantFrom(...NAME_PATTERNS), sub, { maxKeys: 1, minKeys: 1 }),
        dependentRequired: fc.dictionary(fc.constantFrom(...NAMES), some(NAMES, 2), { maxKeys: 1, minKeys: 1 }),
        dependentSchemas: fc.dictionary(fc.constantFrom(...NAMES), subObject, { maxKeys: 1, minKeys: 1 }),
        propertyNames: fc.constantFrom<SchemaObject>({ pattern: '^[ab]' }, { maxLength: 1 }, { enum: ['a', 'b'] }, { not: { const: 'c' } }),
        minProperties: fc.nat(2),
        maxProperties: fc.nat(3),
      },
      3,
      ['properties'],
    ).map(compact);
    const array = sparse(
      {
        type: fc.constantFrom('array', undefined),
        items: fc.oneof(fc.constant(false), sub),
        prefixItems: fc.array(sub, { minLength: 1, maxLength: 2 }),
        minItems: fc.nat(2),
        maxItems: fc.nat(4),
        uniqueItems: fc.boolean(),
        contains: sub,
        minContains: fc.nat(2),
        maxContains: fc.integer({ min: 1, max: 3 }),
      },
      3,
    ).map(compact);
    const tuple = fc
      .record({
        type: fc.constantFrom('array', undefined),
        prefixItems: fc.array(sub, { minLength: 1, maxLength: 2 }),
        items: fc.constant(false),
        minItems: fc.option(fc.nat(2), { nil: undefined }),
      })
      .map(compact);
    const list = fc.array(sub, { minLength: 1, maxLength: 3 });
    const composite = fc.oneof(
      list.map((b) => ({ anyOf: b })),
      list.map((b) => ({ oneOf: b })),
      list.map((b) => ({ allOf: b })),
      fc.tuple(scalarSchema, sub).map(([s, n]) => ({ ...s, not: n })),
      sub.map((n) => ({ not: n })),
      fc.record({ if: sub, then: sub, else: sub }, { requiredKeys: ['if'] }),
      fc.tuple(subObject, fc.record({ if: sub, then: sub, else: sub }, { requiredKeys: ['if'] })).map(([s, c]) => ({ ...s, ...c })),
    );
    arb = fc.oneof(
      { arbitrary: withAnnotations(object), weight: 5 },
      { arbitrary: withAnnotations(array), weight: 3 },
      { arbitrary: tuple, weight: 1 },
      { arbitrary: withAnnotations(composite), weight: 3 },
      { arbitrary: withAnnotations(nullable(object)), weight: 1 },
      { arbitrary: sub, weight: 2 },
    );
  }
  cache.set(depth, arb);
  return arb;
}
