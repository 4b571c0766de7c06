/**
 * Which instance type each keyword constrains. A keyword of a family the schema's `type` rules
 * out can never fail, so normalisation drops it, and two schemas whose keywords sit in
 * different families can be joined into one without changing what either accepts.
 */
import { formatFamily } from './formats.js';
import type { JsonSchema } from './types.js';

export type Family = 'string' | 'number' | 'array' | 'object';

const FAMILY: Record<string, Family> = {
  minLength: 'string',
  maxLength: 'string',
  $patterns: 'string',
  minimum: 'number',
  maximum: 'number',
  exclusiveMinimum: 'number',
  exclusiveMaximum: 'number',
  multipleOf: 'number',
  items: 'array',
  prefixItems: 'array',
  minItems: 'array',
  maxItems: 'array',
  uniqueItems: 'array',
  contains: 'array',
  minContains: 'array',
  maxContains: 'array',
  unevaluatedItems: 'array',
  properties: 'object',
  required: 'object',
  additionalProperties: 'object',
  patternProperties: 'object',
  minProperties: 'object',
  maxProperties: 'object',
  dependentRequired: 'object',
  dependentSchemas: 'object',
  propertyNames: 'object',
  unevaluatedProperties: 'object',
};

/** The family a keyword of `schema` belongs to; undefined for keywords that apply to every type. */
export function keywordFamily(keyword: string, schema: JsonSchema): Family | undefined {
  if (keyword === 'format' && typeof schema.format === 'string') return formatFamily(schema.format);
  return FAMILY[keyword];
}

export const ALL_TYPES = ['array', 'boolean', 'null', 'number', 'object', 'string'] as const;

/** The families whose values a type set admits ('integer' counts as number). */
export function familiesOf(types: readonly string[]): Set<Family> {
  const families = new Set<Family>();
  for (const type of types) {
    if (type === 'integer' || type === 'number') families.add('number');
    else if (type === 'string' || type === 'array' || type === 'object') families.add(type);
  }
  return families;
}
