/** The formatting conventions a file already follows, so that inserted code matches it. */
export interface CodeStyle {
  quote: "'" | '"';
  semicolons: boolean;
  indent: string;
}

/**
 * Reads the style from the file itself: the quote of its import specifiers, whether its
 * statements end with semicolons, and its first level of indentation.
 * @example inferStyle('import a from "./a.js"\n\tfoo()\n') // { quote: '"', semicolons: false, indent: '\t' }
 */
export function inferStyle(text: string): CodeStyle {
  const quotes = [...text.matchAll(/\bfrom\s+(['"])/g)].map((m) => m[1]);
  const doubles = quotes.filter((q) => q === '"').length;
  const quote = quotes.length > 0 ? (doubles > quotes.length - doubles ? '"' : "'") : text.includes("'") || !text.includes('"') ? "'" : '"';

  const statementEnds = text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => /^(import|export)\b/.test(line.trimStart()) && /[^{,([]$/.test(line));
  const withSemicolon = statementEnds.filter((line) => line.endsWith(';')).length;
  const semicolons = statementEnds.length === 0 ? true : withSemicolon * 2 >= statementEnds.length;

  // The smallest indentation of a code line; the ` * ` lines of block comments do not count.
  const codeLines = text.split('\n').filter((line) => /^[ \t]+\S/.test(line) && !/^\s*\*/.test(line));
  const widths = codeLines.map((line) => line.length - line.trimStart().length);
  const indent = codeLines.length === 0 ? '  ' : codeLines.some((line) => line.startsWith('\t')) ? '\t' : ' '.repeat(Math.min(Math.min(...widths), 8));
  return { quote, semicolons, indent };
}

/** A string literal in the file's quote style. */
export function quoted(value: string, style: CodeStyle): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return style.quote === "'" ? `'${escaped.replace(/'/g, "\\'")}'` : `"${escaped.replace(/"/g, '\\"')}"`;
}
