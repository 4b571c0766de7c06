/** Locations of subschemas inside a schema, and copy-on-write replacement at a location. */
import type { Schema } from './grammar.js';

export type Path = (string | number)[];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const SINGLE = ['additionalProperties', 'items', 'contains', 'propertyNames', 'not', 'if', 'then', 'else'];
const LISTS = ['prefixItems', 'allOf', 'anyOf', 'oneOf'];
const MAPS = ['properties', 'patternProperties', 'dependentSchemas'];

/** Every subschema location, root first. */
export function schemaPaths(schema: Schema, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (!isObject(schema)) return out;
  for (const k of SINGLE) if (schema[k] !== undefined) schemaPaths(schema[k] as Schema, [...prefix, k], out);
  for (const k of LISTS) {
    if (!Array.isArray(schema[k])) continue;
    for (const [i, s] of (schema[k] as Schema[]).entries()) schemaPaths(s, [...prefix, k, i], out);
  }
  for (const k of MAPS) if (isObject(schema[k])) for (const [n, s] of Object.entries(schema[k])) schemaPaths(s as Schema, [...prefix, k, n], out);
  return out;
}

export function getAt(schema: Schema, path: Path): Schema {
  let node: unknown = schema;
  for (const seg of path) node = (node as Record<string | number, unknown>)[seg];
  return node as Schema;
}

export function setAt(schema: Schema, path: Path, value: Schema): Schema {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const node = schema as Record<string | number, unknown>;
  const copy: Record<string | number, unknown> | unknown[] = Array.isArray(node) ? [...node] : { ...node };
  (copy as Record<string | number, unknown>)[head!] = setAt(node[head!] as Schema, rest, value);
  return copy as Schema;
}

export const pathString = (path: Path) => `/${path.join('/')}`;
