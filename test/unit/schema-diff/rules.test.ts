/**
 * The schema rule table (reference/schema-compat-rules.md §3.2–3.6) as data: each row is one
 * before/after pair judged in one direction.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compareSchemas } from '../../../src/schema-diff/compare-schema.js';
import type { Bump, Direction, Finding } from '../../../src/schema-diff/types.js';
import { requiredBump } from '../../../src/schema-diff/version-gate.js';

interface Expect {
  bump: Bump;
  /** Rule ids that must appear among the findings. */
  rules?: string[];
  /** true: some finding is undecided; false: none is. */
  undecided?: boolean;
  /** [rule id, pointer] pairs: some finding must have both. */
  at?: [string, string][];
}

interface Row {
  name: string;
  direction: Direction;
  before: unknown;
  after: unknown;
  expect: Expect;
}

type Short = [Bump, ...string[]] | Expect;

const toExpect = (direction: Direction, short: Short): Expect => {
  if (!Array.isArray(short)) return short;
  const [bump, ...rules] = short;
  return { bump, rules: rules.map((rule) => `${direction}.${rule}`) };
};

/** The same change judged as an input and as an output schema. Short rule ids get the direction prefix. */
const both = (name: string, before: unknown, after: unknown, input: Short, output: Short): Row[] => [
  { name: `${name} [input]`, direction: 'input', before, after, expect: toExpect('input', input) },
  { name: `${name} [output]`, direction: 'output', before, after, expect: toExpect('output', output) },
];
const one = (name: string, direction: Direction, before: unknown, after: unknown, expect: Short): Row => ({
  name: `${name} [${direction}]`,
  direction,
  before,
  after,
  expect: toExpect(direction, expect),
});
/** Semantically identical spellings: no finding in either direction. */
const same = (name: string, before: unknown, after: unknown): Row[] => both(name, before, after, ['none'], ['none']);
const undecided = (bump: Bump, rule: string, direction: Direction): Expect => ({ bump, rules: [`${direction}.${rule}`], undecided: true });
/** Undecidable both ways: breaking and marked undecided in either direction. */
const undecidable = (name: string, before: unknown, after: unknown, rule: string): Row[] =>
  both(name, before, after, undecided('major', rule, 'input'), undecided('major', rule, 'output'));

// Building blocks.
const str = { type: 'string' };
const num = { type: 'number' };
const int = { type: 'integer' };
const obj = (properties: Record<string, unknown>, required: string[] = [], extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  required,
  ...extra,
});
const arr = (items: unknown, extra: Record<string, unknown> = {}) => ({ type: 'array', items, ...extra });
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
/** What the generated server advertises: z.toJSONSchema with draft-2020-12 and the io mode. */
const zi = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
const zo = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' });

// Composition branches.
const objA = obj({ a: str }, ['a']);
const short = { type: 'string', maxLength: 5 };
const natural = { type: 'integer', minimum: 0 };
const Note = z.object({ id: z.string(), title: z.string().max(200), tags: z.array(z.string()) });
const Kind = (kind: string, extra: z.ZodRawShape = {}) => z.object({ kind: z.literal(kind), ...extra });

const rows: Row[] = [
  // ---- 3.2 Object properties (P1–P14) ----
  ...both('P1 optional property added', obj({ a: str }), obj({ a: str, b: str }), ['minor', 'property-added'], ['minor', 'property-added']),
  one(
    'P1 optional property added to an open object (A1)',
    'input',
    obj({ a: str }, [], { additionalProperties: true }),
    obj({ a: str, b: num }, [], { additionalProperties: true }),
    ['minor', 'property-added'],
  ),
  one(
    'P1 optional property added to a closed object',
    'input',
    obj({ a: str }, [], { additionalProperties: false }),
    obj({ a: str, b: num }, [], { additionalProperties: false }),
    ['minor', 'property-added'],
  ),
  one('P1 zod: .optional() field added', 'input', zi(z.object({ q: z.string() })), zi(z.object({ q: z.string(), limit: z.number().int().optional() })), [
    'minor',
    'property-added',
  ]),
  one('P1 zod: field added to a closed output (A2)', 'output', zo(z.object({ q: z.string() })), zo(z.object({ q: z.string(), total: z.number() })), [
    'minor',
    'property-added',
  ]),
  ...both(
    'P2 required property added',
    obj({ a: str }, ['a']),
    obj({ a: str, b: str }, ['a', 'b']),
    ['major', 'required-property-added'],
    ['minor', 'property-added'],
  ),
  one('P2 zod: required field added', 'input', zi(z.object({ q: z.string() })), zi(z.object({ q: z.string(), page: z.number() })), [
    'major',
    'required-property-added',
  ]),
  ...both(
    'P3 required property added with a default',
    obj({ a: str }, ['a']),
    obj({ a: str, b: { type: 'integer', default: 10 } }, ['a', 'b']),
    ['major', 'required-property-added'],
    ['minor', 'property-added'],
  ),
  one(
    'P3 zod: .default() field added (optional in io:input)',
    'input',
    zi(z.object({ q: z.string() })),
    zi(z.object({ q: z.string(), limit: z.number().int().default(10) })),
    ['minor', 'property-added'],
  ),
  one(
    'P3 zod: .default() field added (required in io:output)',
    'output',
    zo(z.object({ q: z.string() })),
    zo(z.object({ q: z.string(), limit: z.number().int().default(10) })),
    ['minor', 'property-added'],
  ),
  ...both('P4 optional property removed', obj({ a: str, b: str }), obj({ a: str }), ['major', 'property-removed'], ['major', 'property-removed']),
  one(
    'P4 optional property removed from an open input (O1)',
    'input',
    obj({ a: str, b: str }, [], { additionalProperties: true }),
    obj({ a: str }, [], { additionalProperties: true }),
    ['major', 'property-removed'],
  ),
  one(
    'P4 zod: optional output field removed from a closed object (O1)',
    'output',
    zo(z.object({ items: z.array(z.string()), nextCursor: z.string().optional() })),
    zo(z.object({ items: z.array(z.string()) })),
    ['major', 'property-removed'],
  ),
  ...both(
    'P5 required property removed',
    obj({ a: str, b: str }, ['a', 'b']),
    obj({ a: str }, ['a']),
    ['major', 'property-removed'],
    ['major', 'property-removed'],
  ),
  ...both('P6 optional -> required', obj({ a: str }), obj({ a: str }, ['a']), ['major', 'property-became-required'], ['minor', 'property-became-required']),
  ...both('P7 required -> optional', obj({ a: str }, ['a']), obj({ a: str }), ['minor', 'property-became-optional'], ['major', 'property-became-optional']),
  ...both(
    'P8 property renamed',
    obj({ name: str }, ['name']),
    obj({ title: str }, ['title']),
    ['major', 'property-removed', 'required-property-added'],
    ['major', 'property-removed', 'property-added'],
  ),
  ...both(
    'P9 additionalProperties absent -> false',
    obj({ a: str }),
    obj({ a: str }, [], { additionalProperties: false }),
    ['major', 'additional-properties-restricted'],
    ['minor', 'additional-properties-restricted'],
  ),
  ...both(
    'P9 additionalProperties true -> false',
    obj({ a: str }, [], { additionalProperties: true }),
    obj({ a: str }, [], { additionalProperties: false }),
    ['major', 'additional-properties-restricted'],
    ['minor', 'additional-properties-restricted'],
  ),
  one('P9 zod: z.object -> z.strictObject', 'input', zi(z.object({ a: z.string() })), zi(z.strictObject({ a: z.string() })), [
    'major',
    'additional-properties-restricted',
  ]),
  ...both(
    'P10 additionalProperties false -> absent',
    obj({ a: str }, [], { additionalProperties: false }),
    obj({ a: str }),
    ['minor', 'additional-properties-allowed'],
    ['minor', 'additional-properties-allowed'],
  ),
  one(
    'P10 additionalProperties false -> true (A2)',
    'output',
    obj({ a: str }, [], { additionalProperties: false }),
    obj({ a: str }, [], { additionalProperties: true }),
    ['minor', 'additional-properties-allowed'],
  ),
  one('P10 zod: z.object -> z.looseObject on an output (false -> {})', 'output', zo(z.object({ a: z.string() })), zo(z.looseObject({ a: z.string() })), [
    'minor',
    'additional-properties-allowed',
  ]),
  ...both(
    'P11 additionalProperties schema narrowed',
    { type: 'object', additionalProperties: { type: ['string', 'number'] } },
    { type: 'object', additionalProperties: str },
    ['major', 'type-narrowed'],
    ['minor', 'type-narrowed'],
  ),
  ...both(
    'P11 additionalProperties schema widened',
    { type: 'object', additionalProperties: str },
    { type: 'object', additionalProperties: { type: ['string', 'number'] } },
    ['minor', 'type-widened'],
    ['major', 'type-widened'],
  ),
  one('P11 zod: record value number -> int', 'input', zi(z.record(z.string(), z.number())), zi(z.record(z.string(), z.number().int())), [
    'major',
    'type-narrowed',
  ]),
  ...both('P11 patternProperties added', { type: 'object' }, { type: 'object', patternProperties: { '^x-': str } }, ['major'], ['minor']),
  ...both(
    'P11 patternProperties schema widened',
    { type: 'object', patternProperties: { '^x-': str } },
    { type: 'object', patternProperties: { '^x-': {} } },
    ['minor'],
    ['major'],
  ),
  ...both('P11 propertyNames added', { type: 'object' }, { type: 'object', propertyNames: { maxLength: 8 } }, ['major'], ['minor']),
  ...both(
    'P12 minProperties added',
    { type: 'object' },
    { type: 'object', minProperties: 1 },
    ['major', 'minProperties-tightened'],
    ['minor', 'minProperties-tightened'],
  ),
  ...both(
    'P12 maxProperties decreased',
    { type: 'object', maxProperties: 10 },
    { type: 'object', maxProperties: 5 },
    ['major', 'maxProperties-tightened'],
    ['minor', 'maxProperties-tightened'],
  ),
  ...both(
    'P12 maxProperties removed',
    { type: 'object', maxProperties: 10 },
    { type: 'object' },
    ['minor', 'maxProperties-relaxed'],
    ['major', 'maxProperties-relaxed'],
  ),
  ...both(
    'P13 dependentRequired added',
    obj({ a: str, b: str }),
    obj({ a: str, b: str }, [], { dependentRequired: { a: ['b'] } }),
    ['major', 'dependent-required-changed'],
    ['minor', 'dependent-required-changed'],
  ),
  ...both(
    'P13 dependentRequired removed',
    obj({ a: str, b: str }, [], { dependentRequired: { a: ['b'] } }),
    obj({ a: str, b: str }),
    ['minor', 'dependent-required-changed'],
    ['major', 'dependent-required-changed'],
  ),
  ...same(
    'P13 dependentRequired list reordered',
    obj({ a: str, b: str, c: str }, [], { dependentRequired: { a: ['b', 'c'] } }),
    obj({ a: str, b: str, c: str }, [], { dependentRequired: { a: ['c', 'b'] } }),
  ),
  ...both(
    'P13 dependentSchemas added',
    obj({ a: str, b: str }),
    obj({ a: str, b: str }, [], { dependentSchemas: { a: { required: ['b'] } } }),
    ['major'],
    ['minor'],
  ),
  ...both(
    'P14 nested: maxLength lowered in properties/a/items/properties/b',
    obj({ a: arr(obj({ b: { type: 'string', maxLength: 100 } })) }),
    obj({ a: arr(obj({ b: { type: 'string', maxLength: 50 } })) }),
    { bump: 'major', rules: ['input.maxLength-tightened'], at: [['input.maxLength-tightened', '/inputSchema/properties/a/items/properties/b/maxLength']] },
    { bump: 'minor', rules: ['output.maxLength-tightened'], at: [['output.maxLength-tightened', '/outputSchema/properties/a/items/properties/b/maxLength']] },
  ),
  one('P14 nested: property removed two objects down', 'output', obj({ a: obj({ b: obj({ c: str, d: str }) }) }), obj({ a: obj({ b: obj({ d: str }) }) }), {
    bump: 'major',
    at: [['output.property-removed', '/outputSchema/properties/a/properties/b/properties/c']],
  }),
  one(
    'P14 nested: required property added inside array items',
    'input',
    obj({ list: arr(obj({ x: str }, ['x'])) }),
    obj({ list: arr(obj({ x: str, y: num }, ['x', 'y'])) }),
    {
      bump: 'major',
      at: [['input.required-property-added', '/inputSchema/properties/list/items/properties/y']],
    },
  ),
  one('P14 nested: became required, pointer names the object', 'input', obj({ a: obj({ b: str }) }), obj({ a: obj({ b: str }, ['b']) }), {
    bump: 'major',
    at: [['input.property-became-required', '/inputSchema/properties/a/required']],
  }),
  one('P14 nested: escaped property names in the pointer', 'input', obj({ 'a/b': obj({ 'c~d': str }) }), obj({ 'a/b': obj({ 'c~d': num }) }), {
    bump: 'major',
    at: [['input.type-changed', '/inputSchema/properties/a~1b/properties/c~0d/type']],
  }),
  one(
    'P14 aggregate: one additive and one breaking change give major',
    'input',
    obj({ a: str, b: str }),
    obj({ a: { type: 'string', maxLength: 3 }, b: str, c: str }),
    ['major', 'property-added', 'maxLength-tightened'],
  ),
  one(
    'P14 zod: nested note title max lowered in an output',
    'output',
    zo(z.object({ notes: z.array(Note) })),
    zo(z.object({ notes: z.array(Note.extend({ title: z.string().max(100) })) })),
    {
      bump: 'minor',
      at: [['output.maxLength-tightened', '/outputSchema/properties/notes/items/properties/title/maxLength']],
    },
  ),

  // ---- 3.3 Types and nullability (Y1–Y7) ----
  ...both('Y1 number -> integer', num, int, ['major', 'type-narrowed'], ['minor', 'type-narrowed']),
  ...both('Y1 [string, number] -> string', { type: ['string', 'number'] }, str, ['major', 'type-narrowed'], ['minor', 'type-narrowed']),
  ...both('Y2 integer -> number', int, num, ['minor', 'type-widened'], ['major', 'type-widened']),
  ...both('Y2 string -> [string, number]', str, { type: ['string', 'number'] }, ['minor', 'type-widened'], ['major', 'type-widened']),
  ...both('Y3 string -> number', str, num, ['major', 'type-changed'], ['major', 'type-changed']),
  one(
    'Y3 zod: nested id z.string() -> z.number()',
    'input',
    zi(z.object({ note: z.object({ id: z.string() }) })),
    zi(z.object({ note: z.object({ id: z.number() }) })),
    {
      bump: 'major',
      at: [['input.type-changed', '/inputSchema/properties/note/properties/id/type']],
    },
  ),
  ...both('Y4 type constraint removed', str, {}, ['minor', 'type-widened'], ['major', 'type-widened']),
  ...both('Y4 type constraint added', {}, str, ['major', 'type-narrowed'], ['minor', 'type-narrowed']),
  ...both('Y5 nullable added (type array)', str, { type: ['string', 'null'] }, ['minor', 'nullable-added'], ['major', 'nullable-added']),
  ...both('Y5 nullable added (anyOf with null)', str, { anyOf: [str, { type: 'null' }] }, ['minor', 'nullable-added'], ['major', 'nullable-added']),
  ...both('Y5 nullable added (OpenAPI nullable)', str, { type: 'string', nullable: true }, ['minor', 'nullable-added'], ['major', 'nullable-added']),
  one('Y5 zod: .nullable() on a constrained string', 'output', zo(z.object({ a: z.string().max(3) })), zo(z.object({ a: z.string().max(3).nullable() })), {
    bump: 'major',
    at: [['output.nullable-added', '/outputSchema/properties/a/type']],
  }),
  ...both('Y6 nullable removed', { type: ['string', 'null'] }, str, ['major', 'nullable-removed'], ['minor', 'nullable-removed']),
  ...both(
    'Y6 nullable removed (anyOf spelling)',
    { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] },
    { type: 'integer', minimum: 0 },
    ['major', 'nullable-removed'],
    ['minor', 'nullable-removed'],
  ),
  ...same('Y7 type array vs anyOf null', { type: ['string', 'null'] }, { anyOf: [str, { type: 'null' }] }),
  ...same(
    'Y7 anyOf null vs OpenAPI nullable',
    { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 3 }] },
    { type: 'string', maxLength: 3, nullable: true },
  ),
  ...same('Y7 OpenAPI nullable vs type array', { type: 'integer', nullable: true, minimum: 1 }, { type: ['null', 'integer'], minimum: 1 }),
  ...same('Y7 oneOf null vs type array', { oneOf: [obj({ a: str }), { type: 'null' }] }, { ...obj({ a: str }), type: ['object', 'null'] }),
  ...same(
    'Y7 nullable enum: anyOf spelling vs type array with null in the enum',
    { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'null' }] },
    { type: ['string', 'null'], enum: ['a', 'b', null] },
  ),
  ...both(
    'Y6 nullable enum: anyOf spelling -> type array whose enum lacks null (null now rejected)',
    { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'null' }] },
    { type: ['string', 'null'], enum: ['a', 'b'] },
    ['major'],
    ['minor'],
  ),
  ...same('Y7 zod: compacted vs uncompacted nullable', zi(z.object({ a: z.string().nullable() })), {
    $schema: DRAFT_2020,
    type: 'object',
    properties: { a: { anyOf: [str, { type: 'null' }] } },
    required: ['a'],
  }),

  // ---- 3.3 Values: enum and const (V1–V8) ----
  ...both(
    'V1 enum value added',
    { type: 'string', enum: ['a', 'b'] },
    { type: 'string', enum: ['a', 'b', 'c'] },
    ['minor', 'enum-value-added'],
    ['major', 'enum-value-added'],
  ),
  one(
    'V1 zod: z.enum value added in an output (O2)',
    'output',
    zo(z.object({ status: z.enum(['open', 'closed']) })),
    zo(z.object({ status: z.enum(['open', 'closed', 'archived']) })),
    {
      bump: 'major',
      at: [['output.enum-value-added', '/outputSchema/properties/status/enum']],
    },
  ),
  ...both(
    'V2 enum value removed',
    { type: 'string', enum: ['a', 'b', 'c'] },
    { type: 'string', enum: ['a', 'b'] },
    ['major', 'enum-value-removed'],
    ['minor', 'enum-value-removed'],
  ),
  ...both('V3 enum introduced', str, { type: 'string', enum: ['a', 'b'] }, ['major', 'enum-added'], ['minor', 'enum-added']),
  ...both('V4 enum dropped', { type: 'string', enum: ['a', 'b'] }, str, ['minor', 'enum-removed'], ['major', 'enum-removed']),
  ...same('V5 enum reordered and duplicated', { enum: ['b', 'a', 1, null] }, { enum: [null, 1, 'a', 'b', 'a'] }),
  ...both('V6 const added', str, { type: 'string', const: 'x' }, ['major', 'enum-added'], ['minor', 'enum-added']),
  ...both('V7 const changed', { const: 'x' }, { const: 'y' }, ['major', 'enum-value-removed'], ['major', 'enum-value-added']),
  ...both('V7 object const changed', { const: { a: 1 } }, { const: { a: 2 } }, ['major', 'enum-value-removed'], ['major', 'enum-value-added']),
  ...both('V8 const removed', { type: 'string', const: 'x' }, str, ['minor', 'enum-removed'], ['major', 'enum-removed']),
  ...same('V const vs one-value enum', { type: 'string', const: 'x' }, { type: 'string', enum: ['x'] }),
  ...same('V one-value enum with a redundant type vs without', { type: 'string', enum: ['a'] }, { enum: ['a'] }),
  ...same('V object enum values with different key order', { enum: [{ a: 1, b: 2 }] }, { enum: [{ b: 2, a: 1 }] }),

  // ---- 3.4 Constraints: strings, numbers, arrays (C1–C17) ----
  ...both('C1 minLength added', str, { type: 'string', minLength: 1 }, ['major', 'minLength-tightened'], ['minor', 'minLength-tightened']),
  ...both('C1 minItems increased', arr(str, { minItems: 1 }), arr(str, { minItems: 2 }), ['major', 'minItems-tightened'], ['minor', 'minItems-tightened']),
  ...both('C1 minimum added', num, { type: 'number', minimum: 0 }, ['major', 'minimum-tightened'], ['minor', 'minimum-tightened']),
  ...both(
    'C1 exclusiveMinimum increased',
    { type: 'number', exclusiveMinimum: 0 },
    { type: 'number', exclusiveMinimum: 1 },
    ['major', 'minimum-tightened'],
    ['minor', 'minimum-tightened'],
  ),
  ...both('C1 minContains added', arr(str, { contains: { const: 'x' } }), arr(str, { contains: { const: 'x' }, minContains: 2 }), ['major'], ['minor']),
  ...both('C2 minLength removed', { type: 'string', minLength: 1 }, str, ['minor', 'minLength-relaxed'], ['major', 'minLength-relaxed']),
  ...both('C2 minItems decreased', arr(str, { minItems: 2 }), arr(str, { minItems: 1 }), ['minor', 'minItems-relaxed'], ['major', 'minItems-relaxed']),
  ...both('C2 minimum decreased', { type: 'number', minimum: 5 }, { type: 'number', minimum: 0 }, ['minor', 'minimum-relaxed'], ['major', 'minimum-relaxed']),
  ...both('C2 exclusiveMinimum removed', { type: 'number', exclusiveMinimum: 0 }, num, ['minor', 'minimum-relaxed'], ['major', 'minimum-relaxed']),
  ...both('C3 maxLength added', str, { type: 'string', maxLength: 10 }, ['major', 'maxLength-tightened'], ['minor', 'maxLength-tightened']),
  ...both('C3 maxItems decreased', arr(str, { maxItems: 10 }), arr(str, { maxItems: 5 }), ['major', 'maxItems-tightened'], ['minor', 'maxItems-tightened']),
  ...both(
    'C3 maximum decreased',
    { type: 'number', maximum: 10 },
    { type: 'number', maximum: 5 },
    ['major', 'maximum-tightened'],
    ['minor', 'maximum-tightened'],
  ),
  ...both('C3 exclusiveMaximum added', num, { type: 'number', exclusiveMaximum: 100 }, ['major', 'maximum-tightened'], ['minor', 'maximum-tightened']),
  ...both(
    'C4 maxLength increased',
    { type: 'string', maxLength: 10 },
    { type: 'string', maxLength: 20 },
    ['minor', 'maxLength-relaxed'],
    ['major', 'maxLength-relaxed'],
  ),
  ...both('C4 maxItems removed', arr(str, { maxItems: 5 }), arr(str), ['minor', 'maxItems-relaxed'], ['major', 'maxItems-relaxed']),
  ...both('C4 maximum removed', { type: 'integer', maximum: 5 }, int, ['minor', 'maximum-relaxed'], ['major', 'maximum-relaxed']),
  ...both(
    'C4 exclusiveMaximum increased',
    { type: 'number', exclusiveMaximum: 5 },
    { type: 'number', exclusiveMaximum: 6 },
    ['minor', 'maximum-relaxed'],
    ['major', 'maximum-relaxed'],
  ),
  ...both(
    'C5 minimum 1 -> exclusiveMinimum 1 on a number',
    { type: 'number', minimum: 1 },
    { type: 'number', exclusiveMinimum: 1 },
    ['major', 'minimum-tightened'],
    ['minor', 'minimum-tightened'],
  ),
  ...both(
    'C5 exclusiveMaximum 1 -> maximum 1 on a number',
    { type: 'number', exclusiveMaximum: 1 },
    { type: 'number', maximum: 1 },
    ['minor', 'maximum-relaxed'],
    ['major', 'maximum-relaxed'],
  ),
  ...both(
    'C5 maximum 1 -> exclusiveMaximum 1 on a number',
    { type: 'number', maximum: 1 },
    { type: 'number', exclusiveMaximum: 1 },
    ['major', 'maximum-tightened'],
    ['minor', 'maximum-tightened'],
  ),
  ...both(
    'C5 exclusiveMaximum 1 -> maximum 0.5 on a number',
    { type: 'number', exclusiveMaximum: 1 },
    { type: 'number', maximum: 0.5 },
    ['major', 'maximum-tightened'],
    ['minor', 'maximum-tightened'],
  ),
  ...both(
    'C5 minimum 2 -> exclusiveMinimum 1 on a number widens',
    { type: 'number', minimum: 2 },
    { type: 'number', exclusiveMinimum: 1 },
    ['minor', 'minimum-relaxed'],
    ['major', 'minimum-relaxed'],
  ),
  ...same('C5 integer: exclusiveMinimum 1 vs minimum 2', { type: 'integer', exclusiveMinimum: 1 }, { type: 'integer', minimum: 2 }),
  ...same(
    'C5 integer: exclusiveMaximum 10 vs maximum 9 (nullable)',
    { type: ['integer', 'null'], exclusiveMaximum: 10 },
    { type: ['integer', 'null'], maximum: 9 },
  ),
  ...same('C5 zod: int().gt(1) vs int().min(2)', zi(z.object({ n: z.number().int().gt(1) })), zi(z.object({ n: z.number().int().min(2) }))),
  ...same(
    'C5 draft-04 boolean exclusiveMinimum vs 2020-12 number',
    { $schema: 'http://json-schema.org/draft-04/schema#', type: 'number', minimum: 0, exclusiveMinimum: true },
    { $schema: DRAFT_2020, type: 'number', exclusiveMinimum: 0 },
  ),
  ...same(
    'C5 draft-04 boolean exclusiveMaximum vs 2020-12 number',
    { type: 'number', maximum: 5, exclusiveMaximum: true },
    { type: 'number', exclusiveMaximum: 5 },
  ),
  ...same(
    'C5 maximum 5 plus exclusiveMaximum 5 is exclusiveMaximum 5',
    { type: 'number', maximum: 5, exclusiveMaximum: 5 },
    { type: 'number', exclusiveMaximum: 5 },
  ),
  ...same(
    'C5 minimum 5 plus exclusiveMinimum 5 is exclusiveMinimum 5',
    { type: 'number', minimum: 5, exclusiveMinimum: 5 },
    { type: 'number', exclusiveMinimum: 5 },
  ),
  ...same('C5 integer: fractional minimum 1.5 vs minimum 2', { type: 'integer', minimum: 1.5 }, { type: 'integer', minimum: 2 }),
  ...same(
    'C5 draft-04 boolean exclusiveMinimum on an integer vs minimum + 1',
    { type: 'integer', minimum: 1, exclusiveMinimum: true },
    { type: 'integer', minimum: 2 },
  ),
  ...same('C5 draft-04 exclusiveMinimum false is a plain minimum', { type: 'number', minimum: 3, exclusiveMinimum: false }, { type: 'number', minimum: 3 }),
  ...both('C6 multipleOf added', int, { type: 'integer', multipleOf: 5 }, ['major', 'multiple-of-added'], ['minor', 'multiple-of-added']),
  ...both(
    'C6 multipleOf 5 -> 10 (new is a multiple of old)',
    { type: 'integer', multipleOf: 5 },
    { type: 'integer', multipleOf: 10 },
    ['major', 'multiple-of-tightened'],
    ['minor', 'multiple-of-tightened'],
  ),
  ...both(
    'C6 multipleOf 4 -> 6 (neither divides)',
    { type: 'integer', multipleOf: 4 },
    { type: 'integer', multipleOf: 6 },
    ['major', 'multiple-of-changed'],
    ['major', 'multiple-of-changed'],
  ),
  ...both('C7 multipleOf removed', { type: 'number', multipleOf: 0.5 }, num, ['minor', 'multiple-of-removed'], ['major', 'multiple-of-removed']),
  ...both(
    'C7 multipleOf 10 -> 5',
    { type: 'integer', multipleOf: 10 },
    { type: 'integer', multipleOf: 5 },
    ['minor', 'multiple-of-relaxed'],
    ['major', 'multiple-of-relaxed'],
  ),
  ...both(
    'C7 multipleOf 0.1 -> 0.05 (floating point)',
    { type: 'number', multipleOf: 0.1 },
    { type: 'number', multipleOf: 0.05 },
    ['minor', 'multiple-of-relaxed'],
    ['major', 'multiple-of-relaxed'],
  ),
  ...both('C8 uniqueItems false -> true', arr(str), arr(str, { uniqueItems: true }), ['major', 'unique-items-added'], ['minor', 'unique-items-added']),
  ...both(
    'C8 uniqueItems true -> false',
    arr(str, { uniqueItems: true }),
    arr(str, { uniqueItems: false }),
    ['minor', 'unique-items-removed'],
    ['major', 'unique-items-removed'],
  ),
  ...both('C9 pattern added', str, { type: 'string', pattern: '^[a-z]+$' }, ['major', 'pattern-added'], ['minor', 'pattern-added']),
  one(
    'C9 zod: second .regex() moves patterns into allOf',
    'input',
    zi(z.object({ s: z.string().regex(/^a/) })),
    zi(z.object({ s: z.string().regex(/^a/).regex(/b$/) })),
    {
      bump: 'major',
      at: [['input.pattern-added', '/inputSchema/properties/s/pattern']],
    },
  ),
  ...both('C10 pattern removed', { type: 'string', pattern: '^[a-z]+$' }, str, ['minor', 'pattern-removed'], ['major', 'pattern-removed']),
  ...undecidable('C11 pattern changed (undecidable)', { type: 'string', pattern: '^[0-9]+$' }, { type: 'string', pattern: '^[0-9]*$' }, 'pattern-changed'),
  ...same('C11 single pattern vs allOf:[{pattern}]', { type: 'string', pattern: '^a' }, { type: 'string', allOf: [{ pattern: '^a' }] }),
  ...same(
    'C11 zod allOf patterns reordered',
    { type: 'string', allOf: [{ pattern: '^a' }, { pattern: 'b$' }] },
    { type: 'string', pattern: 'b$', allOf: [{ pattern: '^a' }] },
  ),
  ...both('C12 format added', str, { type: 'string', format: 'email' }, ['major', 'format-added'], ['minor', 'format-added']),
  ...both('C13 format removed', { type: 'string', format: 'uri' }, str, ['minor', 'format-removed'], ['major', 'format-removed']),
  ...both(
    'C14 format email -> uri',
    { type: 'string', format: 'email' },
    { type: 'string', format: 'uri' },
    ['major', 'format-changed'],
    ['major', 'format-changed'],
  ),
  ...both(
    'C14 format int32 -> int64',
    { type: 'integer', format: 'int32' },
    { type: 'integer', format: 'int64' },
    ['minor', 'format-widened'],
    ['major', 'format-widened'],
  ),
  ...both(
    'C14 format double -> float',
    { type: 'number', format: 'double' },
    { type: 'number', format: 'float' },
    ['major', 'format-narrowed'],
    ['minor', 'format-narrowed'],
  ),
  // A date (2024-01-31) is never a date-time, nor a date-time a date: the value sets are disjoint.
  ...both(
    'C14 format date -> date-time',
    { type: 'string', format: 'date' },
    { type: 'string', format: 'date-time' },
    ['major', 'format-changed'],
    ['major', 'format-changed'],
  ),
  ...both(
    'C14 format date-time -> date',
    { type: 'string', format: 'date-time' },
    { type: 'string', format: 'date' },
    ['major', 'format-changed'],
    ['major', 'format-changed'],
  ),
  ...both(
    'C14 format time -> date-time',
    { type: 'string', format: 'time' },
    { type: 'string', format: 'date-time' },
    ['major', 'format-changed'],
    ['major', 'format-changed'],
  ),
  ...both(
    'C14 format uri -> uri-reference',
    { type: 'string', format: 'uri' },
    { type: 'string', format: 'uri-reference' },
    ['minor', 'format-widened'],
    ['major', 'format-widened'],
  ),
  ...both(
    'C14 format uri-reference -> uri',
    { type: 'string', format: 'uri-reference' },
    { type: 'string', format: 'uri' },
    ['major', 'format-narrowed'],
    ['minor', 'format-narrowed'],
  ),
  ...both(
    'C14 format uri -> iri',
    { type: 'string', format: 'uri' },
    { type: 'string', format: 'iri' },
    ['minor', 'format-widened'],
    ['major', 'format-widened'],
  ),
  ...both(
    'C14 format iri -> iri-reference',
    { type: 'string', format: 'iri' },
    { type: 'string', format: 'iri-reference' },
    ['minor', 'format-widened'],
    ['major', 'format-widened'],
  ),
  ...both(
    'C14 format uri-reference -> iri-reference',
    { type: 'string', format: 'uri-reference' },
    { type: 'string', format: 'iri-reference' },
    ['minor', 'format-widened'],
    ['major', 'format-widened'],
  ),
  ...both(
    'C14 format email -> idn-email',
    { type: 'string', format: 'email' },
    { type: 'string', format: 'idn-email' },
    ['minor', 'format-widened'],
    ['major', 'format-widened'],
  ),
  ...both(
    'C14 format hostname -> idn-hostname',
    { type: 'string', format: 'hostname' },
    { type: 'string', format: 'idn-hostname' },
    ['minor', 'format-widened'],
    ['major', 'format-widened'],
  ),
  ...both(
    'C14 format ipv4 -> ipv6',
    { type: 'string', format: 'ipv4' },
    { type: 'string', format: 'ipv6' },
    ['major', 'format-changed'],
    ['major', 'format-changed'],
  ),
  ...both(
    'C14 format uuid -> uri',
    { type: 'string', format: 'uuid' },
    { type: 'string', format: 'uri' },
    ['major', 'format-changed'],
    ['major', 'format-changed'],
  ),
  ...both(
    'C14 format json-pointer -> relative-json-pointer',
    { type: 'string', format: 'json-pointer' },
    { type: 'string', format: 'relative-json-pointer' },
    ['major', 'format-changed'],
    ['major', 'format-changed'],
  ),
  ...same('C14 a string format on a non-string type constrains nothing', int, { type: 'integer', format: 'date' }),
  ...undecidable(
    'C15 contentEncoding changed',
    { type: 'string', contentEncoding: 'base64' },
    { type: 'string', contentEncoding: 'base32' },
    'keyword-changed',
  ),
  ...both(
    'C15 contentMediaType added',
    str,
    { type: 'string', contentMediaType: 'application/json' },
    ['major', 'keyword-changed'],
    ['major', 'keyword-changed'],
  ),
  ...both(
    'C16 items type narrowed',
    arr({ type: ['string', 'number'] }),
    arr(str),
    { bump: 'major', at: [['input.type-narrowed', '/inputSchema/items/type']] },
    ['minor', 'type-narrowed'],
  ),
  ...both('C16 items constraint dropped', arr(str), { type: 'array' }, ['minor', 'type-widened'], ['major', 'type-widened']),
  ...both(
    'C17 open tuple: entry added',
    { type: 'array', prefixItems: [str] },
    { type: 'array', prefixItems: [str, num] },
    ['major', 'tuple-entry-added'],
    ['minor', 'tuple-entry-added'],
  ),
  ...both(
    'C17 open tuple: entry removed',
    { type: 'array', prefixItems: [str, num] },
    { type: 'array', prefixItems: [str] },
    ['minor', 'tuple-entry-removed'],
    ['major', 'tuple-entry-removed'],
  ),
  ...both(
    'C17 closed tuple (items:false): optional entry added',
    { type: 'array', prefixItems: [str], items: false },
    { type: 'array', prefixItems: [str, num], items: false },
    ['minor'],
    ['major'],
  ),
  ...both(
    'C17 closed tuple (items:false): entry removed',
    { type: 'array', prefixItems: [str, num], items: false },
    { type: 'array', prefixItems: [str], items: false },
    ['major'],
    ['minor'],
  ),
  ...both(
    'C17 zod: z.tuple entry added',
    zi(z.tuple([z.string()])),
    zi(z.tuple([z.string(), z.number()])),
    ['major', 'minItems-tightened'],
    ['major', 'tuple-entry-added'],
  ),
  ...both(
    'C17 tuple reordered',
    { type: 'array', prefixItems: [str, num] },
    { type: 'array', prefixItems: [num, str] },
    { bump: 'major', at: [['input.type-changed', '/inputSchema/prefixItems/0/type']] },
    ['major', 'type-changed'],
  ),
  ...same(
    'C17 draft-07 additionalItems schema vs 2020-12 items after prefixItems',
    { type: 'array', items: [str], additionalItems: num },
    { type: 'array', prefixItems: [str], items: num },
  ),
  ...same('C8 uniqueItems false vs absent', arr(str, { uniqueItems: false }), arr(str)),
  ...same(
    'C17 draft-07 items array vs 2020-12 prefixItems',
    { $schema: DRAFT_07, type: 'array', items: [str, num], additionalItems: false },
    { type: 'array', prefixItems: [str, num], items: false },
  ),

  // ---- 3.5 Composition (K1–K11) ----
  ...both('K1 anyOf branch added', { anyOf: [objA, short] }, { anyOf: [objA, short, natural] }, ['minor', 'type-widened'], ['major', 'type-widened']),
  ...both(
    'K1 union of bare types gains a member',
    zi(z.union([z.string(), z.number()])),
    zi(z.union([z.string(), z.number(), z.boolean()])),
    ['minor', 'type-widened'],
    ['major', 'type-widened'],
  ),
  ...both('K2 anyOf branch removed', { anyOf: [objA, short, natural] }, { anyOf: [objA, short] }, ['major', 'type-narrowed'], ['minor', 'type-narrowed']),
  ...both(
    'K2 anyOf branch removed (same type)',
    { anyOf: [objA, short, obj({ b: str }, ['b'])] },
    { anyOf: [objA, short] },
    ['major', 'any-of-removed'],
    ['minor', 'any-of-removed'],
  ),
  ...both(
    'K2 single anyOf branch changed in place (and moved)',
    { anyOf: [objA, short] },
    { anyOf: [{ type: 'string', maxLength: 3 }, objA] },
    {
      bump: 'major',
      at: [['input.maxLength-tightened', '/inputSchema/maxLength']],
    },
    ['minor', 'maxLength-tightened'],
  ),
  ...both(
    'K3 oneOf disjoint branch added (discriminated union)',
    zi(z.discriminatedUnion('kind', [Kind('a'), Kind('b')])),
    zi(z.discriminatedUnion('kind', [Kind('a'), Kind('b'), Kind('c', { n: z.number() })])),
    ['minor', 'one-of-added'],
    ['major', 'one-of-added'],
  ),
  ...both(
    'K3 oneOf branch of a disjoint type added',
    { oneOf: [objA, arr(str)] },
    { oneOf: [objA, arr(str), short] },
    ['minor', 'type-widened'],
    ['major', 'type-widened'],
  ),
  ...undecidable(
    'K4 oneOf overlapping branch added',
    { oneOf: [objA, arr(str)] },
    { oneOf: [objA, arr(str), obj({ b: str }, ['b'])] },
    'one-of-added-overlapping',
  ),
  ...both(
    'K5 oneOf branch removed',
    zi(z.discriminatedUnion('kind', [Kind('a'), Kind('b'), Kind('c')])),
    zi(z.discriminatedUnion('kind', [Kind('a'), Kind('b')])),
    ['major', 'one-of-removed'],
    ['minor', 'one-of-removed'],
  ),
  ...both(
    'K6 allOf subschema added',
    { allOf: [{ minLength: 1 }] },
    { allOf: [{ minLength: 1 }, { maxLength: 5 }] },
    ['major', 'maxLength-tightened'],
    ['minor', 'maxLength-tightened'],
  ),
  ...both(
    'K6 allOf subschema that cannot be merged added',
    { allOf: [{ contains: str }] },
    { allOf: [{ contains: str }, { contains: num }] },
    ['major', 'all-of-added'],
    ['minor', 'all-of-added'],
  ),
  ...both(
    'K7 allOf subschema removed',
    { allOf: [{ minLength: 1 }, { maxLength: 5 }] },
    { allOf: [{ minLength: 1 }] },
    ['minor', 'maxLength-relaxed'],
    ['major', 'maxLength-relaxed'],
  ),
  ...same('K8 anyOf branches reordered', { anyOf: [objA, short, arr(num)] }, { anyOf: [arr(num), short, objA] }),
  ...same('K8 oneOf branches reordered', zi(z.discriminatedUnion('kind', [Kind('a'), Kind('b')])), zi(z.discriminatedUnion('kind', [Kind('b'), Kind('a')]))),
  ...same('K8 allOf subschemas reordered', { allOf: [{ minLength: 1 }, { maxLength: 5 }] }, { allOf: [{ maxLength: 5 }, { minLength: 1 }] }),
  ...same(
    'K9 oneOf -> anyOf with disjoint branches (z.discriminatedUnion -> z.union)',
    zi(z.discriminatedUnion('kind', [Kind('a'), Kind('b')])),
    zi(z.union([Kind('a'), Kind('b')])),
  ),
  ...both(
    'K9 oneOf -> anyOf with overlapping branches',
    { oneOf: [str, { type: 'string', maxLength: 3 }] },
    { anyOf: [str, { type: 'string', maxLength: 3 }] },
    ['minor'],
    ['major'],
  ),
  ...both(
    'K9 anyOf -> oneOf with overlapping branches',
    { anyOf: [str, { type: 'string', maxLength: 3 }] },
    { oneOf: [str, { type: 'string', maxLength: 3 }] },
    ['major'],
    ['minor'],
  ),
  ...both('K10 object wrapped into anyOf with a new alternative', objA, { anyOf: [objA, arr(str)] }, ['minor'], ['major']),
  ...both('K11 not added', str, { type: 'string', not: { const: 'admin' } }, ['major', 'not-added'], ['minor', 'not-added']),
  ...both(
    'K11 not changed: another value excluded',
    { type: 'string', not: { const: 'admin' } },
    { type: 'string', not: { const: 'root' } },
    ['major', 'not-enum-value-added'],
    ['major', 'not-enum-value-removed'],
  ),
  ...both(
    'K11 not of an enum loses a value',
    { type: 'string', not: { enum: ['admin', 'root'] } },
    { type: 'string', not: { enum: ['admin'] } },
    ['minor'],
    ['major'],
  ),
  ...same('K11 not of a type is the other types', { not: { type: 'string' } }, { type: ['array', 'boolean', 'null', 'number', 'object'] }),
  ...same('K11 not of a type the schema excludes anyway', int, { type: 'integer', not: { type: 'string' } }),
  ...same('K11 not of an enum beside an enum', { enum: ['a', 'b', 'c'], not: { enum: ['c'] } }, { enum: ['a', 'b'] }),
  ...both(
    'K11 if/then/else added',
    obj({ a: str, b: str }),
    obj({ a: str, b: str }, [], { if: { properties: { a: { const: 'x' } } }, then: { required: ['b'] }, else: {} }),
    ['major', 'conditional-added'],
    ['minor', 'conditional-added'],
  ),
  ...both(
    'K11 then changed',
    { if: { required: ['a'] }, then: { required: ['b'] } },
    { if: { required: ['a'] }, then: { required: ['c'] } },
    ['major', 'required-added'],
    ['major', 'required-removed'],
  ),
  ...both(
    'K11 then widened',
    { if: { required: ['a'] }, then: { required: ['b', 'c'] } },
    { if: { required: ['a'] }, then: { required: ['b'] } },
    ['minor', 'required-removed'],
    ['major', 'required-removed'],
  ),
  ...undecidable(
    'K11 condition changed',
    { if: { required: ['a'] }, then: { required: ['b'] } },
    { if: { required: ['c'] }, then: { required: ['b'] } },
    'condition-changed',
  ),
  ...same(
    'K11 then and else alike: the condition does not matter',
    { type: 'string', if: { maxLength: 3 }, then: { minLength: 1 }, else: { minLength: 1 } },
    { type: 'string', minLength: 1 },
  ),
  ...same('K11 if without then or else', { type: 'string', if: { maxLength: 3 } }, str),

  // ---- 3.6 Annotations and references (D1–D6) ----
  ...both(
    'D1 description changed',
    { type: 'string', description: 'old' },
    { type: 'string', description: 'new' },
    ['patch', 'description-changed'],
    ['patch', 'description-changed'],
  ),
  ...both(
    'D1 title and examples changed',
    { type: 'string', title: 'A', examples: ['x'] },
    { type: 'string', title: 'B', examples: ['y'] },
    ['patch', 'title-changed', 'examples-changed'],
    ['patch', 'title-changed', 'examples-changed'],
  ),
  one(
    'D1 $comment and x- extension changed',
    'input',
    { type: 'string', $comment: 'a', 'x-owner': 'me' },
    { type: 'string', $comment: 'b', 'x-owner': 'you' },
    ['patch', 'comment-changed', 'x-owner-changed'],
  ),
  one(
    'D1 property description changed next to a semantic change',
    'input',
    obj({ a: { type: 'string', description: 'old' }, b: str }),
    obj({ a: { type: 'string', description: 'new' }, b: num }),
    {
      bump: 'major',
      at: [
        ['input.description-changed', '/inputSchema/properties/a/description'],
        ['input.type-changed', '/inputSchema/properties/b/type'],
      ],
    },
  ),
  ...both(
    'D1 property description changed (nothing else)',
    obj({ a: { type: 'string', description: 'old' } }),
    obj({ a: { type: 'string', description: 'new' } }),
    ['patch', 'description-changed'],
    ['patch', 'description-changed'],
  ),
  one(
    'D1 zod: .describe() text changed on a nested field',
    'input',
    zi(z.object({ filter: z.object({ tag: z.string().describe('a tag') }) })),
    zi(z.object({ filter: z.object({ tag: z.string().describe('one tag') }) })),
    {
      bump: 'patch',
      at: [['input.description-changed', '/inputSchema/properties/filter/properties/tag/description']],
    },
  ),
  one(
    'D1 description inside patternProperties changed',
    'input',
    { type: 'object', patternProperties: { '^x-': { type: 'string', description: 'old' } } },
    { type: 'object', patternProperties: { '^x-': { type: 'string', description: 'new' } } },
    ['patch'],
  ),
  one(
    'D1 description changed on a nullable branch that also has an outer description',
    'output',
    { description: 'outer', anyOf: [{ type: 'string', description: 'old' }, { type: 'null' }] },
    { description: 'outer', anyOf: [{ type: 'string', description: 'new' }, { type: 'null' }] },
    ['patch'],
  ),
  ...both('D2 default added', int, { type: 'integer', default: 10 }, ['patch', 'default-changed'], ['patch', 'default-changed']),
  ...both('D2 default removed', { type: 'integer', default: 10 }, int, ['patch', 'default-changed'], ['patch', 'default-changed']),
  ...both('D3 default changed', { type: 'integer', default: 10 }, { type: 'integer', default: 20 }, ['minor', 'default-changed'], ['patch', 'default-changed']),
  one(
    'D3 zod: .default() value changed on a property',
    'input',
    zi(z.object({ limit: z.number().int().default(10) })),
    zi(z.object({ limit: z.number().int().default(25) })),
    {
      bump: 'minor',
      at: [['input.default-changed', '/inputSchema/properties/limit/default']],
    },
  ),
  ...both(
    'D4 deprecated added',
    str,
    { type: 'string', deprecated: true },
    ['minor', 'property-deprecation-changed'],
    ['minor', 'property-deprecation-changed'],
  ),
  ...both(
    'D4 deprecated removed',
    { type: 'string', deprecated: true },
    str,
    ['minor', 'property-deprecation-changed'],
    ['minor', 'property-deprecation-changed'],
  ),
  ...both(
    'D4 deprecated on a property',
    obj({ a: str }),
    obj({ a: { type: 'string', deprecated: true } }),
    ['minor', 'property-deprecation-changed'],
    ['minor', 'property-deprecation-changed'],
  ),
  ...both(
    'D4 deprecated on a property next to a semantic change',
    obj({ a: str, b: str }),
    obj({ a: { type: 'string', deprecated: true }, b: num }),
    {
      bump: 'major',
      at: [['input.property-deprecation-changed', '/inputSchema/properties/a/deprecated']],
    },
    ['major', 'property-deprecation-changed'],
  ),
  ...both('D1 readOnly annotation', str, { type: 'string', readOnly: true }, ['patch', 'readOnly-changed'], ['patch', 'readOnly-changed']),
  ...both(
    'D1 writeOnly annotation on a property',
    obj({ a: str }),
    obj({ a: { type: 'string', writeOnly: true } }),
    ['patch', 'writeOnly-changed'],
    ['patch', 'writeOnly-changed'],
  ),
  ...same(
    'D5 $ref to $defs vs the same schema inline',
    { type: 'object', properties: { home: { $ref: '#/$defs/Addr' } }, $defs: { Addr: obj({ city: str }, ['city']) } },
    obj({ home: obj({ city: str }, ['city']) }),
  ),
  ...same(
    'D5 definitions vs $defs',
    { properties: { a: { $ref: '#/definitions/A' } }, definitions: { A: { type: 'string', maxLength: 3 } } },
    { properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { type: 'string', maxLength: 3 } } },
  ),
  ...same(
    'D5 $defs entry renamed',
    { properties: { a: { $ref: '#/$defs/Old' } }, $defs: { Old: int } },
    { properties: { a: { $ref: '#/$defs/New' } }, $defs: { New: int } },
  ),
  ...same('D5 unused $defs entry added', obj({ a: str }), { ...obj({ a: str }), $defs: { Unused: num } }),
  ...same(
    'D5 zod: reused:"ref" vs reused:"inline"',
    z.toJSONSchema(z.object({ home: Note, work: Note }), { target: 'draft-2020-12', io: 'input', reused: 'ref' }),
    zi(z.object({ home: Note, work: Note })),
  ),
  ...same(
    'D5 zod-to-json-schema path ref (#/properties/billing)',
    obj({ billing: obj({ city: str }), shipping: { $ref: '#/properties/billing' } }),
    obj({ billing: obj({ city: str }), shipping: obj({ city: str }) }),
  ),
  ...same(
    'D5 $ref with a description sibling vs the same schema inline',
    { properties: { a: { $ref: '#/$defs/A', description: 'd' } }, $defs: { A: { type: 'string', maxLength: 3 } } },
    { properties: { a: { type: 'string', maxLength: 3, description: 'd' } } },
  ),
  ...same(
    'D5 $ref with a constraint sibling vs the merged schema inline',
    { properties: { a: { $ref: '#/$defs/A', maxLength: 3 } }, $defs: { A: str } },
    { properties: { a: { type: 'string', maxLength: 3 } } },
  ),
  ...same(
    'D5 recursive $ref through $defs vs definitions',
    { $ref: '#/$defs/Node', $defs: { Node: obj({ next: { $ref: '#/$defs/Node' } }) } },
    { $ref: '#/definitions/Node', definitions: { Node: obj({ next: { $ref: '#/definitions/Node' } }) } },
  ),
  ...undecidable(
    'D5 unresolvable remote $ref changed',
    obj({ a: { $ref: 'https://example.com/a.json' } }),
    obj({ a: { $ref: 'https://example.com/b.json' } }),
    'reference-changed',
  ),
  ...same('D6 $schema draft-07 vs 2020-12', { $schema: DRAFT_07, ...obj({ a: str }) }, { $schema: DRAFT_2020, ...obj({ a: str }) }),
  ...same('D6 $schema and $id dropped', { $schema: DRAFT_2020, $id: 'urn:x', ...obj({ a: str }) }, obj({ a: str })),

  // ---- Normalisation traps: spelling-only differences are not changes (T13) ----
  ...same(
    'trap: object key order',
    { type: 'object', properties: { a: str, b: { maxLength: 3, type: 'string' } }, required: ['a'] },
    { required: ['a'], properties: { b: { type: 'string', maxLength: 3 }, a: str }, type: 'object' },
  ),
  ...same('trap: required order', obj({ a: str, b: str }, ['a', 'b']), obj({ a: str, b: str }, ['b', 'a'])),
  ...same('trap: type array order and "t" vs ["t"]', { type: ['string', 'number'] }, { type: ['number', 'string'] }),
  ...same('trap: type "string" vs ["string"]', str, { type: ['string'] }),
  ...same('trap: anyOf of bare types vs type array', { anyOf: [str, num] }, { type: ['number', 'string'] }),
  ...same('trap: required [] vs absent', { type: 'object', properties: { a: str }, required: [] }, { type: 'object', properties: { a: str } }),
  ...same('trap: additionalProperties true vs absent', obj({ a: str }, [], { additionalProperties: true }), obj({ a: str })),
  ...same('trap: true vs {} as a property schema', obj({ a: true }), obj({ a: {} })),
  ...same(
    'trap: zod object emitted twice',
    zi(z.object({ notes: z.array(Note), cursor: z.string().nullable() })),
    zi(z.object({ cursor: z.string().nullable(), notes: z.array(Note) })),
  ),
  ...same(
    'trap: additionalProperties {} (z.looseObject) vs absent (z.object, io:input)',
    zi(z.object({ a: z.string() })),
    zi(z.looseObject({ a: z.string() })),
  ),
  ...same('trap: additionalProperties {} vs true', obj({ a: str }, [], { additionalProperties: {} }), obj({ a: str }, [], { additionalProperties: true })),
  ...same('trap: minLength 0 vs absent', str, { type: 'string', minLength: 0 }),

  // ---- Round two: allOf merged, redundant keywords normalised, object keywords in context ----
  ...same(
    'allOf merged: string constraints split across branches',
    { allOf: [{ type: 'string', minLength: 1 }, { maxLength: 5 }] },
    { type: 'string', minLength: 1, maxLength: 5 },
  ),
  ...same(
    'allOf merged: object branches',
    { allOf: [{ type: 'object', properties: { a: str }, required: ['a'] }, { properties: { b: num } }] },
    obj({ a: str, b: num }, ['a']),
  ),
  ...same(
    'allOf merged: nested allOf and a bound in both branches',
    { allOf: [{ allOf: [{ minimum: 1 }, { minimum: 3 }] }, { type: 'integer' }] },
    { type: 'integer', minimum: 3 },
  ),
  ...same(
    "allOf merged: a closed branch makes the other branch's extra property impossible",
    { allOf: [{ type: 'object', properties: { a: str }, additionalProperties: false }, { properties: { b: str } }] },
    { type: 'object', properties: { a: str }, additionalProperties: false },
  ),
  ...same(
    'allOf merged: tuple and items',
    { allOf: [{ type: 'array', prefixItems: [str] }, { items: { minLength: 1 } }] },
    { type: 'array', prefixItems: [{ type: 'string', minLength: 1 }], items: { minLength: 1 } },
  ),
  ...same(
    'allOf merged: through a $ref with siblings',
    { $defs: { Base: { type: 'string', minLength: 2 } }, $ref: '#/$defs/Base', minLength: 1 },
    { type: 'string', minLength: 2 },
  ),
  ...same('redundant: minimum below an exclusiveMinimum', { type: 'number', minimum: 0, exclusiveMinimum: 5 }, { type: 'number', exclusiveMinimum: 5 }),
  ...same('redundant: integer exclusiveMinimum as minimum', { type: 'integer', exclusiveMinimum: 0 }, { type: 'integer', minimum: 1 }),
  ...same(
    'redundant: maxItems of a closed tuple',
    { type: 'array', prefixItems: [str, num], items: false, maxItems: 2 },
    { type: 'array', prefixItems: [str, num], items: false },
  ),
  ...same(
    'redundant: maxItems above a closed tuple',
    { type: 'array', prefixItems: [str, num], items: false, maxItems: 7 },
    { type: 'array', prefixItems: [str, num], items: false },
  ),
  ...same(
    'redundant: uniqueItems on a one-item tuple',
    { type: 'array', prefixItems: [str], items: false, uniqueItems: true },
    { type: 'array', prefixItems: [str], items: false },
  ),
  ...same('redundant: uniqueItems with maxItems 1', arr(str, { maxItems: 1, uniqueItems: true }), arr(str, { maxItems: 1 })),
  ...same(
    'redundant: type list with per-type keywords vs anyOf of typed branches',
    { type: ['string', 'integer'], minLength: 1, minimum: 0 },
    {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'integer', minimum: 0 },
      ],
    },
  ),
  ...same(
    'redundant: oneOf of disjoint typed branches vs a type list',
    { oneOf: [{ type: 'string', maxLength: 3 }, { type: 'boolean' }] },
    { type: ['boolean', 'string'], maxLength: 3 },
  ),
  ...same('redundant: string keyword on an integer', { type: 'integer', minLength: 3, pattern: '^a' }, int),
  ...same('redundant: multipleOf 1 on an integer', { type: 'integer', multipleOf: 1 }, int),
  ...same('redundant: a number that must be a multiple of 1 is an integer', { type: 'number', multipleOf: 1 }, int),
  ...same('redundant: enum values filtered by the keywords beside them', { type: 'string', enum: ['a', 'bb', 'ccc'], maxLength: 2 }, { enum: ['a', 'bb'] }),
  ...same('redundant: const vs one-value enum beside its type', { type: 'string', const: 'x' }, { enum: ['x'] }),
  ...same(
    'redundant: dependentRequired of a required property',
    { type: 'object', properties: { a: str, b: str }, required: ['a'], dependentRequired: { a: ['b'] } },
    obj({ a: str, b: str }, ['a', 'b']),
  ),
  ...same('redundant: minProperties the required list implies', obj({ a: str, b: str }, ['a', 'b'], { minProperties: 2 }), obj({ a: str, b: str }, ['a', 'b'])),
  ...same('redundant: a type list naming every type', { type: ['array', 'boolean', 'null', 'number', 'object', 'string'] }, {}),
  ...same('redundant: minContains 1 and counts without contains', arr(str, { minContains: 1, maxContains: 3 }), arr(str)),
  ...both(
    'patternProperties added to a closed object widens',
    { type: 'object', properties: { a: str }, additionalProperties: false },
    { type: 'object', properties: { a: str }, patternProperties: { '^x-': str }, additionalProperties: false },
    ['minor', 'pattern-properties-allowed'],
    ['minor', 'pattern-properties-allowed'],
  ),
  ...both(
    'patternProperties added to an open object narrows',
    obj({ a: str }),
    obj({ a: str }, [], { patternProperties: { '^x-': str } }),
    ['major', 'type-narrowed'],
    ['minor', 'type-narrowed'],
  ),
  ...both(
    'patternProperties removed from a closed object narrows',
    { type: 'object', patternProperties: { '^x-': str }, additionalProperties: false },
    { type: 'object', additionalProperties: false },
    ['major', 'values-refused'],
    ['minor', 'values-refused'],
  ),
  ...both(
    'dependentSchemas: a property still declared at the top level is not removed',
    obj({ a: str, b: str }, [], { dependentSchemas: { a: { properties: { b: { minLength: 1 } }, required: ['b'] } } }),
    obj({ a: str, b: str }, [], { dependentSchemas: { a: { required: ['b'] } } }),
    ['minor', 'minLength-relaxed'],
    ['major', 'minLength-relaxed'],
  ),

  // ---- Found by the contract fuzzer (test/contract-fuzz): each a witness value the engine once missed ----
  one('fuzz: a oneOf alternative narrowed lets values matching two through', 'output', { oneOf: [{}, {}] }, { oneOf: [{ minimum: -2 }, {}] }, [
    'major',
    'one-of-overlap-changed',
  ]),
  one('fuzz: a oneOf alternative widened makes values match two', 'input', { oneOf: [{}, { maxLength: 0 }] }, { oneOf: [{}, {}] }, ['major']),
  one('fuzz: wrapped into a oneOf whose alternatives both take null', 'input', { enum: [null] }, { oneOf: [{ enum: [null] }, { type: 'null' }] }, ['major']),
  one('fuzz: a type list wrapped into a oneOf with an overlapping alternative', 'input', { type: ['boolean', 'null'] }, { oneOf: [{}, { type: 'null' }] }, [
    'major',
  ]),
  one('fuzz: contains widened under maxContains', 'input', { contains: str, maxContains: 1 }, { contains: {}, maxContains: 1 }, ['major', 'contains-changed']),
  one('fuzz: minContains 0 dropped (the default is 1)', 'input', { contains: {}, minContains: 0 }, { contains: {} }, ['major']),
  one('fuzz: contains false (no array passed) opened', 'output', { contains: false }, { contains: {} }, ['major']),
  one(
    "fuzz: a required property's dependent schema does not make non-objects fail",
    'input',
    { required: ['c'], dependentSchemas: { c: str } },
    { required: ['c'], dependentSchemas: { c: str }, minimum: -2 },
    ['major', 'minimum-tightened'],
  ),
  one(
    'fuzz: a value list beside a nullable union',
    'input',
    { anyOf: [{ enum: [1] }, { type: 'null' }] },
    { anyOf: [{ enum: [1] }, { type: 'null' }], const: 1 },
    ['major'],
  ),
  one(
    'fuzz: a pattern beside a nullable union',
    'input',
    { anyOf: [{ type: 'string', pattern: '^a' }, { type: 'null' }] },
    { anyOf: [{ type: 'string', pattern: '^a' }, { type: 'null' }], pattern: '^.{2}$' },
    ['major'],
  ),
  one(
    'fuzz: a tuple entry in front of items frees that position',
    'output',
    arr({ type: 'object' }),
    { type: 'array', prefixItems: [{}], items: { type: 'object' } },
    ['major', 'tuple-entry-added'],
  ),
  one(
    'fuzz: a member declared in a union branch constrained at the top',
    'input',
    { anyOf: [{ properties: { a: {} } }, { type: 'null' }] },
    { anyOf: [{ properties: { a: {} } }, { type: 'null' }], properties: { a: int } },
    ['major'],
  ),
  one(
    'fuzz: a property declared over a typed additionalProperties',
    'input',
    { additionalProperties: num },
    { properties: { a: str }, additionalProperties: num },
    ['major'],
  ),
  one('fuzz: a typed additionalProperties opened in an output', 'output', { additionalProperties: { type: 'null' } }, {}, [
    'major',
    'additional-properties-allowed',
  ]),
  one(
    'fuzz: a member declared impossible, then allowed',
    'output',
    { properties: { b: { allOf: [false] } }, additionalProperties: false },
    { properties: { b: { anyOf: [{}] } }, additionalProperties: false },
    ['major', 'values-allowed'],
  ),
  one(
    'fuzz: a member made impossible in one union branch',
    'input',
    { anyOf: [{ additionalProperties: { minimum: -2 } }, { items: false }] },
    { anyOf: [{ additionalProperties: { minimum: -2 } }, { items: false, properties: { a: false } }] },
    ['major'],
  ),
  one(
    'fuzz: a property declared where a pattern already named it',
    'input',
    { patternProperties: { '^a': {} } },
    { properties: { a: str }, patternProperties: { '^a': {} } },
    ['major'],
  ),
  one(
    'fuzz: a pattern exempts names from a typed additionalProperties',
    'output',
    { additionalProperties: { maxLength: 0 } },
    { additionalProperties: { maxLength: 0 }, patternProperties: { '^x': {} } },
    ['major'],
  ),
  one(
    'fuzz: a pattern constrains members of a declared member it matches',
    'input',
    { properties: { c: { properties: { c: {} } } }, patternProperties: { '^[bc]$': {} } },
    { properties: { c: { properties: { c: {} } } }, patternProperties: { '^[bc]$': { properties: { c: str } } } },
    ['major'],
  ),
  one(
    'fuzz: additionalProperties opened under then closes off members the object declares',
    'output',
    { if: { properties: { c: {} } }, then: { anyOf: [{ additionalProperties: false }] } },
    { if: { properties: { c: {} } }, then: { anyOf: [{ additionalProperties: { anyOf: [str] } }] } },
    ['major'],
  ),
  one(
    'fuzz: a member one alternative declares, constrained in another',
    'input',
    { anyOf: [{ properties: { c: num } }, { prefixItems: [false] }] },
    { anyOf: [{ properties: { c: num } }, { prefixItems: [false], properties: { c: { type: ['null'] } } }], additionalProperties: true },
    ['major'],
  ),
  one(
    'fuzz: a pattern on declared members also exempts undeclared ones from additionalProperties',
    'output',
    { properties: { a: {}, c: {} }, additionalProperties: { multipleOf: 2 } },
    { properties: { a: {}, c: {} }, additionalProperties: { multipleOf: 2 }, patternProperties: { '^a': {} } },
    ['major'],
  ),
  one(
    'fuzz: a member of a member that a pattern schema declares',
    'input',
    { properties: { c: {} }, patternProperties: { '^[bc]$': { properties: { b: {} } } } },
    { properties: { c: { properties: { b: { const: 1 } } } }, patternProperties: { '^[bc]$': { properties: { b: {} } } } },
    ['major'],
  ),
  one(
    'fuzz: an anyOf beside a oneOf',
    'input',
    { oneOf: [{}, { const: 'a' }] },
    { anyOf: [{ required: ['a'] }, { type: 'null' }], oneOf: [{}, { const: 'a' }] },
    ['major'],
  ),
  one(
    'fuzz: a member the if schema declares',
    'input',
    { if: { properties: { c: {} } } },
    { properties: { c: { type: 'boolean' } }, if: { properties: { c: {} } } },
    ['major'],
  ),
  ...same('fuzz: an enum as an anyOf of consts', { enum: [2.5, 1] }, { anyOf: [{ const: 1 }, { const: 2.5 }] }),
  ...same('fuzz: X or not X', {}, { anyOf: [int, { not: int }] }),
  ...same(
    'fuzz: a format beside numbers and a string keyword on integers',
    {
      anyOf: [
        { enum: [2], format: 'date' },
        { type: 'integer', minLength: 2 },
      ],
    },
    { anyOf: [{ enum: [2] }, int] },
  ),
  ...same(
    'fuzz: an integer branch inside a number branch',
    { anyOf: [{ type: 'number', maximum: 0.5 }, str, { type: 'integer', maximum: 0.5 }] },
    { type: ['number', 'string'], maximum: 0.5 },
  ),
  ...both(
    'fuzz: an annotation under not is only an annotation',
    { not: { type: 'number', maximum: -1, deprecated: true } },
    { not: { allOf: [num, { maximum: -1 }] } },
    ['minor'],
    ['minor'],
  ),
  ...same('fuzz: additionalProperties that nothing passes is false', { additionalProperties: { anyOf: [false] } }, { additionalProperties: false }),
  ...same('fuzz: contains not-anything is contains false', { contains: { not: {} } }, { contains: false }),
  ...same('fuzz: oneOf of a constant and a type it is not', { oneOf: [{ const: -1 }, str] }, { anyOf: [{ const: -1 }, str] }),

  // ---- Undecidable: unknown keywords ----
  ...undecidable('unknown keyword added', str, { type: 'string', customCheck: 'uppercase' }, 'keyword-changed'),
  one('unknown keyword inside items changed: pointer', 'input', arr({ type: 'string', customCheck: 1 }), arr({ type: 'string', customCheck: 2 }), {
    bump: 'major',
    undecided: true,
    at: [['input.keyword-changed', '/inputSchema/items/customCheck']],
  }),
  one('decided changes are not marked undecided', 'input', obj({ a: str }), obj({ a: str, b: num }, ['b']), {
    bump: 'major',
    rules: ['input.required-property-added'],
    undecided: false,
  }),
];

const BASE: Record<Direction, string> = { input: '/inputSchema', output: '/outputSchema' };
const run = (row: Row): Finding[] => compareSchemas(row.before, row.after, row.direction, BASE[row.direction]);

describe('compareSchemas: the rule table', () => {
  it('has at least 110 rows with unique names', () => {
    expect(rows.length).toBeGreaterThanOrEqual(110);
    expect(new Set(rows.map((row) => row.name)).size).toBe(rows.length);
  });

  for (const row of rows) {
    it(row.name, () => {
      const findings = run(row);
      const shown = JSON.stringify(findings, null, 1);
      expect(requiredBump(findings), shown).toBe(row.expect.bump);
      if (row.expect.bump === 'none') expect(findings).toEqual([]);
      const rules = findings.map((finding) => finding.rule);
      for (const rule of row.expect.rules ?? []) expect(rules, shown).toContain(rule);
      if (row.expect.undecided !== undefined)
        expect(
          findings.some((finding) => finding.undecided === true),
          shown,
        ).toBe(row.expect.undecided);
      for (const [rule, pointer] of row.expect.at ?? []) {
        expect(
          findings.some((finding) => finding.rule === rule && finding.pointer === pointer),
          `${rule} at ${pointer}\n${shown}`,
        ).toBe(true);
      }
    });
  }
});

describe('compareSchemas: every finding is well formed', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    for (const finding of run(row)) {
      expect(finding.pointer.startsWith(BASE[row.direction])).toBe(true);
      expect(finding.rule).toMatch(new RegExp(`^${row.direction}\\.[a-zA-Z-]+$`));
      expect(['breaking', 'additive', 'doc']).toContain(finding.verdict);
      expect(finding.message.trim()).not.toBe('');
      expect(finding.message).not.toMatch(/[\r\n]/);
      if (finding.undecided) expect(finding.verdict).toBe('breaking');
    }
  });
});

describe('compareSchemas: direction', () => {
  it('judges every non-doc finding oppositely in the two directions, except the overlays', () => {
    // Overlays (A1, A2, O1, O3, D4), two-way changes ("-changed") and undecidable shapes may agree across directions.
    const symmetric =
      /^(property-removed|property-added|required-property-added|additional-properties-allowed|pattern-properties-allowed|property-deprecation-changed|default-changed)$|-changed$|-overlapping$|-introduced$|-dropped$/;
    for (const row of rows.filter((r) => r.direction === 'input')) {
      const input = compareSchemas(row.before, row.after, 'input', '');
      const output = compareSchemas(row.before, row.after, 'output', '');
      for (const finding of input) {
        const suffix = finding.rule.slice('input.'.length);
        if (finding.verdict === 'doc' || symmetric.test(suffix)) continue;
        const mirror = output.find((o) => o.rule === `output.${suffix}` && o.pointer === finding.pointer);
        expect(mirror, `${row.name}: ${finding.rule} at ${finding.pointer}`).toBeDefined();
        expect(mirror!.verdict, `${row.name}: ${finding.rule}`).toBe(finding.verdict === 'breaking' ? 'additive' : 'breaking');
      }
    }
  });

  it('does not mutate its arguments', () => {
    const before = { $defs: { A: str }, type: 'object', properties: { a: { $ref: '#/$defs/A' }, b: { anyOf: [str, { type: 'null' }] } } };
    const after = obj({ a: { type: 'string', maxLength: 1 } });
    const snapshot = JSON.stringify([before, after]);
    compareSchemas(before, after, 'input', '/inputSchema');
    expect(JSON.stringify([before, after])).toBe(snapshot);
  });
});
