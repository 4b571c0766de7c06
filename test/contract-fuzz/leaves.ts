/** Small fixed subschemas that edits and rewrites insert (chosen by index, so they shrink). */
import type { Schema } from './grammar.js';

export const LEAVES: Schema[] = [
  { type: 'string' },
  { type: 'integer' },
  { type: 'number', minimum: 0 },
  { type: 'string', minLength: 1 },
  { type: 'string', format: 'date' },
  { enum: ['a', 'b'] },
  { const: 1 },
  { type: 'null' },
  { type: 'boolean' },
  { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
  { type: 'array', items: { type: 'integer' } },
  { type: 'string', pattern: '^a' },
  { required: ['b'] },
  { properties: { a: { const: 1 } }, required: ['a'] },
  { minimum: 2 },
  { maxLength: 2 },
  true,
  false,
  { type: 'string', format: 'uri' },
  { type: ['string', 'null'] },
];
export const leaf = (i: number) => structuredClone(LEAVES[i % LEAVES.length]!);
