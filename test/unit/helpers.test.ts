import { describe, expect, it } from 'vitest';
import { jsonLiteral, tsString } from '../../src/templates/helpers.js';

/** Evaluates a literal as code, in the global scope (an indirect eval): what the rendered file will do with it. */
// biome-ignore lint/security/noGlobalEval: the literals this file tests must survive being evaluated as code
const globalEval = globalThis.eval;
const evaluate = (literal: string): unknown => globalEval(literal);

describe('tsString', () => {
  const tricky = [
    "it's",
    'a\\b',
    'line\nbreak',
    'tab\tand\rcarriage',
    '</script>',
    '${x}',
    '`template`',
    '"double"',
    '\\"',
    "\\'",
    'separators\u2028and\u2029',
    'nul\0byte',
    'lone \ud800 surrogate',
    'emoji 🚀 and ümlauts',
    '',
  ];

  it.each(tricky)('round-trips %j through eval', (input) => {
    expect(evaluate(tsString(input))).toBe(input);
  });

  it.each(tricky)('produces a single-quoted literal without raw line breaks for %j', (input) => {
    const literal = tsString(input);
    expect(literal.startsWith("'")).toBe(true);
    expect(literal.endsWith("'")).toBe(true);
    expect(literal).not.toMatch(/[\n\r\u2028\u2029]/);
  });

  it('escapes the characters that would end or break the literal', () => {
    expect(tsString("it's")).toBe("'it\\'s'");
    expect(tsString('a\\b')).toBe("'a\\\\b'");
    expect(tsString('line\nbreak')).toBe("'line\\nbreak'");
    expect(tsString('\u2028\u2029')).toBe("'\\u2028\\u2029'");
    expect(tsString('say "hi"')).toBe(`'say "hi"'`);
  });

  it('keeps the value inert when embedded in generated code', () => {
    const payload = "'; process.exit(1); const x = '";
    const code = `const value = ${tsString(payload)}; value`;
    expect(evaluate(code)).toBe(payload);
  });
});

describe('jsonLiteral', () => {
  it('is JSON that parses back to the value', () => {
    const value = { name: 'a "b" \\ c', list: [1, null] };
    expect(JSON.parse(jsonLiteral(value))).toEqual(value);
  });
});
