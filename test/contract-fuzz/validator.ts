/**
 * The oracle's validator: Ajv (JSON Schema 2020-12) with ajv-formats in full mode, plus the four
 * formats ajv-formats lacks (idn-email, idn-hostname, iri, iri-reference). Format inclusions the
 * RFCs guarantee are enforced so validator quirks never pose as witnesses: every uri is a
 * uri-reference, every email an idn-email, every hostname an idn-hostname, every uri an iri,
 * every uri-reference (and iri) an iri-reference. `uuid` is the plain RFC 4122 form. See ajvSafe
 * for an Ajv bug the oracle works around.
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { stableStringify } from './json.js';

/** true/false, or undefined when Ajv itself throws on the value (an Ajv bug; the value is skipped). */
type Validate = (value: unknown) => boolean | undefined;
type FormatCheck = (value: string) => boolean;

// CommonJS default exports seen through NodeNext.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as unknown as new (
  options: object,
) => {
  compile(schema: unknown): (value: unknown) => boolean;
  addFormat(name: string, format: { type: string; validate: FormatCheck }): unknown;
};
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: unknown,
  options: object,
) => unknown;

const asCheck = (format: unknown): FormatCheck => {
  if (format instanceof RegExp) return (s) => format.test(s);
  if (typeof format === 'function') return format as FormatCheck;
  if (format && typeof format === 'object' && 'validate' in format) return asCheck((format as { validate: unknown }).validate);
  return () => true;
};

const F = fullFormats as unknown as Record<string, unknown>;
const ajvUri = asCheck(F.uri);
const ajvUriReference = asCheck(F['uri-reference']);
const ajvEmail = asCheck(F.email);
const ajvHostname = asCheck(F.hostname);

export const uri: FormatCheck = (s) => ajvUri(s);
/** RFC 3986 §4.1: a URI-reference is a URI or a relative reference. */
export const uriReference: FormatCheck = (s) => ajvUri(s) || ajvUriReference(s);

/** RFC 3987 §3.1: map an IRI to a URI by percent-encoding its non-ASCII characters (UTF-8). */
const iriToUri = (s: string): string | undefined => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what an IRI may not contain
  if (/[\u0000-\u0020<>"{}|\\^`\u007f-\u009f]/.test(s)) return undefined;
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if ((cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return undefined;
    else out += encodeURIComponent(ch);
  }
  return out;
};
export const iri: FormatCheck = (s) => uri(s) || (iriToUri(s) !== undefined && uri(iriToUri(s)!));
export const iriReference: FormatCheck = (s) => uriReference(s) || iri(s) || (iriToUri(s) !== undefined && uriReference(iriToUri(s)!));

const U_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?$/u;
/** RFC 5890/5891 (loosely): labels of letters, digits, marks and inner hyphens; every hostname is one. */
export const idnHostname: FormatCheck = (s) => {
  if (ajvHostname(s)) return true;
  const host = s.endsWith('.') ? s.slice(0, -1) : s;
  if (host.length === 0 || host.length > 253) return false;
  return host.split('.').every((label) => U_LABEL.test(label));
};
/** RFC 6531: an email whose local part and domain may hold non-ASCII characters; every email is one. */
export const idnEmail: FormatCheck = (s) => {
  if (ajvEmail(s)) return true;
  const at = s.lastIndexOf('@');
  if (at <= 0) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  const atom = /^[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+$/u;
  return local.split('.').every((part) => atom.test(part)) && domain.includes('.') && idnHostname(domain);
};

/** RFC 4122 string representation (ajv-formats also accepts a `urn:uuid:` prefix, which is a URN, not a UUID string). */
export const uuid: FormatCheck = (s) => /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(s);

const EXTRA: Record<string, FormatCheck> = {
  uuid,
  uri,
  'uri-reference': uriReference,
  iri,
  'iri-reference': iriReference,
  'idn-hostname': idnHostname,
  'idn-email': idnEmail,
};

function makeAjv() {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true, unicodeRegExp: true });
  addFormats(ajv, { mode: 'full' });
  for (const [name, validate] of Object.entries(EXTRA)) ajv.addFormat(name, { type: 'string', validate });
  return ajv;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const NOT_SCHEMA_VALUED = new Set(['enum', 'const', 'default', 'examples', 'required', 'dependentRequired', 'type']);

/**
 * Works around an Ajv 8.20 bug: with both `prefixItems` and `contains` in one schema object,
 * `contains` is not checked on an empty array ({prefixItems: [{type: 'string'}], contains: {}}
 * accepts []). The spec makes the keywords independent, so `contains` moves to an allOf branch.
 */
export function ajvSafe(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(ajvSafe);
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (NOT_SCHEMA_VALUED.has(k)) out[k] = v;
    else if (k === 'properties' || k === 'patternProperties' || k === 'dependentSchemas')
      out[k] = isObject(v) ? Object.fromEntries(Object.entries(v).map(([n, x]) => [n, ajvSafe(x)])) : v;
    else out[k] = ajvSafe(v);
  }
  if (out.prefixItems !== undefined && out.contains !== undefined) {
    const moved: Record<string, unknown> = {};
    for (const k of ['contains', 'minContains', 'maxContains'])
      if (k in out) {
        moved[k] = out[k];
        delete out[k];
      }
    out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), moved];
  }
  return out;
}

let ajv = makeAjv();
let compiled = new Map<string, Validate | Error>();

/** A validator for `schema` (cached by its JSON), or the compile error. */
export function validatorFor(schema: unknown): Validate | Error {
  const key = stableStringify(schema);
  let hit = compiled.get(key);
  if (hit) return hit;
  if (compiled.size > 3000) {
    // Ajv keeps every compiled schema; start afresh now and then.
    ajv = makeAjv();
    compiled = new Map();
  }
  try {
    const validate = ajv.compile(ajvSafe(schema));
    hit = (value: unknown) => {
      try {
        return validate(value) === true;
      } catch {
        // Ajv's generated code can throw (deep equality on an own `valueOf` key, evaluated-property
        // bookkeeping under oneOf); such a value proves nothing either way.
        return undefined;
      }
    };
  } catch (error) {
    hit = error instanceof Error ? error : new Error(String(error));
  }
  compiled.set(key, hit);
  return hit;
}

/** Format checks by name, for the value generator's self-test of its format samples. */
export function formatCheck(name: string): FormatCheck {
  return EXTRA[name] ?? asCheck(F[name]);
}
