import path from 'node:path';
import { loadContracts, loadToolContract, locateToolFile, today } from '../../core/contracts.js';
import { CliError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { commitTree, ProjectTree } from '../../core/tree.js';
import { LOCKFILE_NAME, parseLockfile } from '../../schema-diff/lockfile.js';
import { setToolDeprecated } from '../../transforms/set-tool-deprecated.js';
import { unregisterTool } from '../../transforms/unregister-tool.js';
import { REGISTRY_FILE } from '../add-tool/index.js';
import { editFile } from '../edit-file.js';
import { recordInLockfile } from '../lock/record.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(value: string | undefined, flag: string): void {
  if (value !== undefined && (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value)) {
    throw new CliError(`${flag} "${value}" is not a date; use YYYY-MM-DD (UTC).`);
  }
}

function toolFileOf(project: Project, tool: string): string {
  const file = locateToolFile(project, tool);
  if (!file) throw new CliError(`No tool named ${tool} in src/tools.`, { hint: '`mcp-prod check` lists the tools the project has.' });
  return file;
}

export interface DeprecateOptions {
  tool: string;
  replacement: string;
  since?: string;
  refuseAfter?: string;
  removeAfter?: string;
  reason?: string;
  dryRun: boolean;
}

/** `mcp-prod deprecate <tool> --replacement <tool>`: phase 1 of deprecate-then-remove. */
export async function deprecate(project: Project, options: DeprecateOptions, out: { write(text: string): void }): Promise<void> {
  checkDate(options.since, '--since');
  checkDate(options.refuseAfter, '--refuse-after');
  checkDate(options.removeAfter, '--remove-after');
  if (options.removeAfter && options.refuseAfter && options.removeAfter < options.refuseAfter) throw new CliError('--remove-after is before --refuse-after.');
  if (options.replacement === options.tool) throw new CliError(`${options.tool} cannot replace itself.`, { hint: 'Name the tool callers should move to.' });

  const file = toolFileOf(project, options.tool);
  const contracts = await loadContracts(project);
  // Running it again later must not move a published schedule: keep the date it started.
  const since = options.since ?? contracts[options.tool]?.deprecated?.since ?? today();
  if (options.refuseAfter && options.refuseAfter < since) throw new CliError('--refuse-after is before --since.');
  const replacement = contracts[options.replacement];
  if (!replacement) throw new CliError(`The replacement ${options.replacement} is not a registered tool.`, { hint: 'Add it first (mcp-prod add-tool), then deprecate the old one.' });
  if (replacement.deprecated) throw new CliError(`The replacement ${options.replacement} is deprecated itself (in favour of ${replacement.deprecated.replacement}).`, { hint: `Point callers at ${replacement.deprecated.replacement} instead.` });

  const tree = new ProjectTree(project.root);
  const { changed, unchanged } = editFile(tree, file, [
    [
      setToolDeprecated,
      {
        tool: options.tool,
        since,
        replacement: options.replacement,
        ...(options.refuseAfter ? { refuseAfter: options.refuseAfter } : {}),
        ...(options.removeAfter ? { removeAfter: options.removeAfter } : {}),
        ...(options.reason ? { reason: options.reason } : {}),
      },
    ],
  ]);
  if (!changed) {
    out.write(`Nothing to do: ${unchanged.join('; ')}.\n`);
    return;
  }
  await commitTree(tree, { dryRun: options.dryRun, write: out.write });
  if (options.dryRun) return;
  const lockTree = new ProjectTree(project.root);
  const updated = await loadToolContract(project, file);
  recordInLockfile(lockTree, { contracts: updated });
  await commitTree(lockTree, { dryRun: false, write: out.write });
  const notice = updated[options.tool]?.deprecated;
  if (notice) {
    out.write(
      `\n${options.tool} now carries a deprecation notice pointing at ${notice.replacement}. Calls are refused from ${notice.refuseAfter}; ` +
        `from ${notice.removeAfter} remove it with: mcp-prod deprecate ${options.tool} --remove\n`,
    );
  }
}

export interface RemoveOptions {
  tool: string;
  /** Keep the module under this path instead of deleting it. */
  keepAs?: string;
  force: boolean;
  dryRun: boolean;
}

/** `mcp-prod deprecate <tool> --remove`: phase 3, from the tool's removeAfter date. */
export async function removeTool(project: Project, options: RemoveOptions, out: { write(text: string): void }): Promise<void> {
  const tree = new ProjectTree(project.root);
  const lockText = tree.read(LOCKFILE_NAME);
  const locked = lockText ? parseLockfile(lockText, LOCKFILE_NAME).tools[options.tool] : undefined;
  // The tombstone decides: a module kept with --keep-as still names the tool but is not registered.
  if (locked?.removedAt) {
    out.write(`Nothing to do: ${options.tool} was removed on ${locked.removedAt}.\n`);
    return;
  }
  const file = locateToolFile(project, options.tool);
  if (!file) throw new CliError(`No tool named ${options.tool} in src/tools.`);
  const contract = (await loadToolContract(project, file))[options.tool];
  const notice = contract?.deprecated;
  if (!notice) {
    throw new CliError(`${options.tool} is not deprecated, so removing it would break its callers without warning.`, {
      hint: `Deprecate it first: mcp-prod deprecate ${options.tool} --replacement <tool>`,
    });
  }
  const now = today();
  if (now < notice.removeAfter && !options.force) {
    throw new CliError(`${options.tool} may be removed from ${notice.removeAfter}; today is ${now}.`, { hint: 'Wait until then, or pass --force to remove it now anyway.' });
  }

  editFile(tree, REGISTRY_FILE, [[unregisterTool, { from: `./${path.posix.basename(file, '.ts')}.js` }]]);
  const source = tree.read(file)!;
  tree.delete(file);
  if (options.keepAs) {
    const target = path.posix.normalize(options.keepAs.split(path.sep).join('/'));
    if (tree.exists(target)) throw new CliError(`--keep-as ${target}: that file exists already.`);
    tree.write(target, source);
  }
  // Its test and eval cases call the tool, so they go with it.
  const base = path.posix.basename(file, '.ts');
  for (const companion of [`test/tools/${base}.test.ts`, `evals/${base}.eval.ts`]) if (tree.exists(companion)) tree.delete(companion);
  recordInLockfile(tree, { tombstones: { [options.tool]: now } });
  await commitTree(tree, { dryRun: options.dryRun, write: out.write });
  if (!options.dryRun) out.write(`\nRemoved ${options.tool}; ${LOCKFILE_NAME} keeps a tombstone so check knows the removal was deliberate.\n`);
}
