/**
 * The format lattice: which JSON Schema 2020-12 formats accept a subset of another's values.
 * Only containments that hold for every value are listed; anything else is treated as a
 * change with no known relation. `date` and `time` are not inside `date-time`: RFC 3339 says a
 * date-time is a full-date, "T" and a full-time, so `2024-01-31` is never one.
 */

/** format -> the formats whose value sets strictly contain it. */
const CONTAINED_IN: Record<string, readonly string[]> = {
  // RFC 3986: every URI is a URI-reference; RFC 3987: every URI is an IRI, every IRI an IRI-reference.
  uri: ['uri-reference', 'iri', 'iri-reference'],
  'uri-reference': ['iri-reference'],
  iri: ['iri-reference'],
  // RFC 6531 and RFC 5890 extend the ASCII forms without taking any away.
  email: ['idn-email'],
  hostname: ['idn-hostname'],
  // OpenAPI's numeric formats.
  int32: ['int64'],
  float: ['double'],
};

const NUMERIC = new Set(['int32', 'int64', 'float', 'double']);

/** The instance type a format constrains; values of other types pass it untouched. */
export const formatFamily = (format: string): 'number' | 'string' => (NUMERIC.has(format) ? 'number' : 'string');

export type FormatRelation = 'same' | 'narrower' | 'wider' | 'unrelated';

/** How the value set of `after` relates to that of `before`. */
export function relateFormats(before: string, after: string): FormatRelation {
  if (before === after) return 'same';
  if (CONTAINED_IN[before]?.includes(after)) return 'wider';
  if (CONTAINED_IN[after]?.includes(before)) return 'narrower';
  return 'unrelated';
}

/** The format both demand, when one contains the other; undefined when no single format says it. */
export function intersectFormats(a: string, b: string): string | undefined {
  const relation = relateFormats(a, b);
  if (relation === 'same' || relation === 'wider') return a;
  if (relation === 'narrower') return b;
  return undefined;
}
