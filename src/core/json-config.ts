/**
 * Editing other programs' JSON configuration files (MCP clients): parse without losing what
 * the file holds, and write it back in the file's own indentation, line endings and BOM, so the
 * only difference is the part that was meant to change.
 */
import { CliError } from './errors.js';

export type JsonObject = { [key: string]: unknown };

export interface JsonDocument {
  value: JsonObject;
  indent: string;
  eol: '\n' | '\r\n';
  bom: boolean;
  finalNewline: boolean;
}

export const isJsonObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return `line ${line}, column ${position - before.lastIndexOf('\n')}`;
}

/** `JSON.parse`'s message, with "at position N" turned into a line and column people can find. */
function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  return position ? `${message.replace(/ in JSON at position \d+.*$/, '')} at ${lineAndColumn(text, Number(position[1]))}` : message;
}

/**
 * Comments and trailing commas of JSONC, replaced by spaces (positions stay where they were).
 * Returns where the first one was, or undefined when the text has none.
 */
function stripJsonc(text: string): { text: string; first: number | undefined } {
  const out = text.split('');
  let first: number | undefined;
  const blank = (from: number, to: number) => {
    first ??= from;
    for (let i = from; i < to; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  let lastSignificant = -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      lastSignificant = i;
    } else if (char === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      blank(i, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end;
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      blank(i, end < 0 ? text.length : end + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (char === '}' || char === ']') {
      if (lastSignificant >= 0 && out[lastSignificant] === ',') blank(lastSignificant, lastSignificant + 1);
      lastSignificant = i;
    } else if (!/\s/.test(char)) {
      lastSignificant = i;
    }
  }
  return { text: out.join(''), first };
}

function detectIndent(text: string): string {
  const match = /^([ \t]+)\S/m.exec(text);
  return match ? match[1]! : '  ';
}

/**
 * Parses a configuration file. An empty file is an empty object. With `jsonc`, comments and
 * trailing commas are understood, but writing the file back would drop them, so they are
 * refused unless `dropComments`.
 */
export function parseJsonConfig(text: string, options: { file: string; jsonc: boolean; dropComments: boolean }): JsonDocument {
  const bom = text.startsWith('\uFEFF');
  const body = bom ? text.slice(1) : text;
  const layout = {
    indent: detectIndent(body),
    eol: body.includes('\r\n') ? ('\r\n' as const) : ('\n' as const),
    bom,
    finalNewline: body.trim() === '' || /\n$/.test(body),
  };
  if (body.trim() === '') return { value: {}, ...layout };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const stripped = options.jsonc ? stripJsonc(body) : undefined;
    let parsedLoosely = false;
    if (stripped?.first !== undefined) {
      try {
        value = JSON.parse(stripped.text);
        parsedLoosely = true;
      } catch {
        // Not JSONC either: report the strict parser's complaint below.
      }
    }
    if (!parsedLoosely) {
      throw new CliError(`${options.file} is not valid JSON: ${describeJsonError(error, body)}.`, {
        hint: 'Fix the file (the client cannot read it either) and run the command again; it was left untouched.',
      });
    }
    if (!options.dropComments) {
      throw new CliError(
        `${options.file} has comments or trailing commas (the first at ${lineAndColumn(body, stripped!.first!)}), which writing it back would drop.`,
        {
          hint: 'Remove them, or pass --strip-comments to rewrite the file without them (the backup keeps the original). The file was left untouched.',
        },
      );
    }
  }
  if (!isJsonObject(value)) {
    throw new CliError(`${options.file} does not hold a JSON object at the top level.`, {
      hint: 'Fix the file, or pass --config <path> to write another one. It was left untouched.',
    });
  }
  return { value, ...layout };
}

export function serializeJsonConfig(document: JsonDocument): string {
  let text = JSON.stringify(document.value, null, document.indent);
  if (document.finalNewline) text += '\n';
  if (document.eol === '\r\n') text = text.replace(/\n/g, '\r\n');
  return (document.bom ? '\uFEFF' : '') + text;
}

/** Deep equality of JSON values, key order ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
}

const SECRET_KEY = /token|secret|password|passwd|api[-_]?key|authorization|credential|cookie/i;

/** String values stored under secret-looking keys anywhere in `value` (env vars, headers). */
export function secretValues(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const item of value) secretValues(item, found);
  else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string' && SECRET_KEY.test(key) && item.length >= 8) found.add(item);
      else secretValues(item, found);
    }
  }
  return found;
}

/** `text` (serialized JSON) with each secret replaced by a stand-in showing its last four characters. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let redacted = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    const escaped = JSON.stringify(secret).slice(1, -1);
    redacted = redacted.split(escaped).join(`<hidden …${secret.slice(-4)}>`);
  }
  return redacted;
}
