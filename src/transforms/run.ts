import { IndentationText, Project, QuoteKind } from '../core/ts-morph.js';
import { inferStyle, type CodeStyle } from './style.js';
import type { Transform, TransformOutcome } from './types.js';

export interface TransformResult {
  id: string;
  path: string;
  text: string;
  outcome: TransformOutcome;
}

function indentation(style: CodeStyle): IndentationText {
  if (style.indent === '\t') return IndentationText.Tab;
  if (style.indent.length >= 8) return IndentationText.EightSpaces;
  if (style.indent.length >= 4) return IndentationText.FourSpaces;
  return IndentationText.TwoSpaces;
}

/**
 * Runs transforms over one file's text, in memory (no disk, no temp dirs): text in, text out.
 * Stops at the first conflict; only a `changed` outcome can alter bytes, and ts-morph keeps
 * everything outside the edited nodes byte for byte.
 */
export function runTransforms(file: { path: string; text: string }, steps: [Transform<unknown>, unknown][]): TransformResult[] {
  const style = inferStyle(file.text);
  const project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    manipulationSettings: {
      quoteKind: style.quote === '"' ? QuoteKind.Double : QuoteKind.Single,
      indentationText: indentation(style),
      useTrailingCommas: /,[ \t]*(\/\/[^\n]*)?\n\s*[\]}]/.test(file.text),
    },
  });
  const sourceFile = project.createSourceFile(file.path, file.text, { overwrite: true });
  const results: TransformResult[] = [];
  for (const [transform, options] of steps) {
    const outcome = transform.apply(sourceFile, options);
    results.push({
      id: transform.id,
      path: file.path,
      text: outcome.kind === 'changed' ? sourceFile.getFullText() : (results.at(-1)?.text ?? file.text),
      outcome,
    });
    if (outcome.kind === 'conflict') break;
  }
  return results;
}

export function runTransform<O>(transform: Transform<O>, file: { path: string; text: string }, options: O): TransformResult {
  return runTransforms(file, [[transform, options]])[0]!;
}
