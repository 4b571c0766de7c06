/**
 * A single-quoted TypeScript string literal for any input, so user text can never break out of
 * the generated code.
 * @example tsString("it's") === "'it\\'s'"
 */
export function tsString(value: string): string {
  const body = JSON.stringify(value)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/'/g, "\\'")
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `'${body}'`;
}

/** A JSON literal (for package.json and other JSON templates). */
export function jsonLiteral(value: unknown): string {
  return JSON.stringify(value);
}
