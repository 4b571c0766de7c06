import type { SourceFile } from 'ts-morph';

export type TransformOutcome =
  | { kind: 'changed' }
  /** A re-run on its own output: reported, not an error. */
  | { kind: 'unchanged'; reason: string }
  /** The file does not look as expected: never guess. */
  | { kind: 'conflict'; message: string; hint?: string };

export interface Transform<O> {
  /** Stable id; equals the file name and the fixture folder name. */
  id: string;
  /** One line for dry-run output, e.g. "register searchDocs in src/tools/index.ts". */
  describe(options: O): string;
  /** Mutates `sourceFile` in place; must return `unchanged` when re-run on its own output. */
  apply(sourceFile: SourceFile, options: O): TransformOutcome;
}

export const defineTransform = <O>(transform: Transform<O>) => transform;
export const changed = (): TransformOutcome => ({ kind: 'changed' });
export const unchanged = (reason: string): TransformOutcome => ({ kind: 'unchanged', reason });
export const conflict = (message: string, hint?: string): TransformOutcome => ({ kind: 'conflict', message, ...(hint ? { hint } : {}) });
