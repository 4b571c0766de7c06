import { CliError } from './errors.js';
import type { ProjectTree } from './tree.js';
import { runTransforms } from '../transforms/run.js';
import type { Transform } from '../transforms/types.js';

/**
 * Runs transforms over one file of the tree. A conflict stops the command before anything is
 * written; the message names the file. Each transform that changed the file leaves its
 * description on the tree for the dry run. Returns the `unchanged` reasons.
 */
export function editFile(tree: ProjectTree, file: string, steps: [Transform<unknown>, unknown][]): { changed: boolean; unchanged: string[] } {
  const text = tree.read(file);
  if (text === undefined)
    throw new CliError(`${file} does not exist.`, { hint: 'Restore it from a freshly generated project, or run the command from the project root (--cwd).' });
  const results = runTransforms({ path: file, text }, steps);
  const failed = results.find((result) => result.outcome.kind === 'conflict');
  if (failed && failed.outcome.kind === 'conflict') {
    throw new CliError(`Cannot update ${file}: ${failed.outcome.message}`, failed.outcome.hint ? { hint: failed.outcome.hint } : {});
  }
  const final = results.at(-1)!.text;
  if (final !== text) tree.write(file, final);
  results.forEach((result, index) => {
    if (result.outcome.kind === 'changed') tree.describe(file, steps[index]![0].describe(steps[index]![1]));
  });
  return {
    changed: final !== text,
    unchanged: results.flatMap((result) => (result.outcome.kind === 'unchanged' ? [result.outcome.reason] : [])),
  };
}
