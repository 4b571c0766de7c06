/**
 * Text-level edits for the transforms: each inserts or removes whole lines (or one list entry)
 * next to an existing node, so comments, blank lines and formatting around it stay as they were.
 */
import type { ArrayLiteralExpression, Node, ObjectLiteralElementLike } from 'ts-morph';

/** The whitespace that starts the line `position` is on. */
function lineIndent(text: string, position: number): string {
  const start = text.lastIndexOf('\n', position - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** Index just past the comma that follows `node` on its line, or undefined when there is none. */
function commaAfter(text: string, node: Node): number | undefined {
  const match = /^[ \t]*,/.exec(text.slice(node.getEnd()));
  return match ? node.getEnd() + match[0].length : undefined;
}

/**
 * Inserts `entry` into an array literal at `index`. Multi-line arrays get their own line, with
 * the neighbours' indentation and the array's trailing-comma habit; one-line arrays stay on one
 * line. Comments before or after existing entries stay attached to them.
 * @example insertArrayEntry(parse('[a, c]'), 1, 'b') // '[a, b, c]'
 */
export function insertArrayEntry(array: ArrayLiteralExpression, index: number, entry: string): void {
  const source = array.getSourceFile();
  const text = source.getFullText();
  const elements = array.getElements();
  if (elements.length === 0) {
    array.replaceWithText(`[${entry}]`);
    return;
  }
  const multiline = array.getText().includes('\n');
  if (index < elements.length) {
    const next = elements[index]!;
    if (multiline) {
      // Before the first line of whatever precedes `next` after the previous entry (its comments).
      const lineBreak = text.indexOf('\n', next.getFullStart());
      const at = lineBreak >= 0 && lineBreak < next.getStart() ? lineBreak + 1 : text.lastIndexOf('\n', next.getStart()) + 1;
      source.insertText(at, `${lineIndent(text, next.getStart())}${entry},\n`);
    } else {
      const at = next.getFullStart();
      source.insertText(at, /\s/.test(text[at] ?? '') ? ` ${entry},` : `${entry}, `);
    }
    return;
  }
  insertAfterEntry(elements.at(-1)!, entry, multiline);
}

/**
 * Inserts `name: value` into an object literal right after `after`: on its own line in a
 * multi-line object (with that property's indentation), inline in a one-line object.
 */
export function insertPropertyAfter(after: ObjectLiteralElementLike, property: string): void {
  insertAfterEntry(after, property, after.getParentOrThrow().getText().includes('\n'));
}

/**
 * Inserts `entry` after the list entry `node`. On multi-line lists the new entry goes after the
 * end of `node`'s line, so a trailing `// comment` stays with `node`; a missing comma is added
 * right after `node`, and the new entry copies whether the list uses trailing commas.
 */
function insertAfterEntry(node: Node, entry: string, multiline: boolean): void {
  const source = node.getSourceFile();
  const text = source.getFullText();
  const comma = commaAfter(text, node);
  if (!multiline) {
    if (comma !== undefined) source.insertText(comma, ` ${entry},`);
    else source.insertText(node.getEnd(), `, ${entry}`);
    return;
  }
  const indent = lineIndent(text, node.getStart());
  const lineEnd = text.indexOf('\n', node.getEnd());
  const end = lineEnd < 0 ? text.length : lineEnd;
  // A comma after `node` means the list puts one after every entry (or `node` is not last);
  // without one, `node` was last and the new entry takes that place, comma-less.
  // Insert at the line end first, then the missing comma: the later position must move first.
  source.insertText(end, `\n${indent}${entry}${comma !== undefined ? ',' : ''}`);
  if (comma === undefined) source.insertText(node.getEnd(), ',');
}

/** Removes the whole line(s) a statement occupies, leaving the blank lines around it alone. */
export function removeStatementLines(node: Node): void {
  const source = node.getSourceFile();
  const text = source.getFullText();
  const start = text.lastIndexOf('\n', node.getStart() - 1) + 1;
  const lineEnd = text.indexOf('\n', node.getEnd());
  source.removeText(start, lineEnd < 0 ? text.length : lineEnd + 1);
}
