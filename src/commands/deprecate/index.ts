import path from 'node:path';
import { editFile } from '../../core/edit-file.js';
import { CliError } from '../../core/errors.js';
import { parseOptions } from '../../core/options.js';
import type { Project } from '../../core/project.js';
import { today } from '../../core/today.js';
import { commitTree, ProjectTree } from '../../core/tree.js';
import { loadContracts, loadPendingToolContract, loadToolContract } from '../../project/contracts.js';
import { LOCKFILE_NAME, readLockfile, recordInLockfile } from '../../project/lockfile.js';
import { companionFiles, REGISTRY_FILE, registrySpecifier } from '../../project/paths.js';
import { findToolFile } from '../../project/tool-files.js';
import { setToolDeprecated } from '../../transforms/set-tool-deprecated.js';
import { unregisterTool } from '../../transforms/unregister-tool.js';
import { deprecateOptionsSchema, removeOptionsSchema, type DeprecateOptions, type RemoveOptions } from './options.js';

export type { DeprecateOptions, RemoveOptions } from './options.js';

function toolFileOf(tree: ProjectTree, tool: string): string {
  const file = findToolFile(tree, tool);
  if (!file) throw new CliError(`No tool named ${tool} in src/tools.`, { hint: '`mcp-prod check` lists the tools the project has.' });
  return file;
}

/**
 * `mcp-prod deprecate <tool> --replacement <tool>`: phase 1 of deprecate-then-remove. The tool
 * file and the lockfile change in one commit; the project itself validates the notice (and
 * fills in its default dates) from a staged copy before anything is written.
 */
export async function deprecate(project: Project, input: DeprecateOptions, out: { write(text: string): void }): Promise<void> {
  const options = parseOptions(deprecateOptionsSchema, input, { tool: 'the tool argument' });
  const tree = new ProjectTree(project.root);
  // A damaged lockfile is worth hearing about before the project's code is loaded.
  const { lock } = readLockfile(tree);
  const file = toolFileOf(tree, options.tool);
  const contracts = await loadContracts(project);
  // Running it again later must not move a published schedule: keep the date it started.
  const since = options.since ?? contracts[options.tool]?.deprecated?.since ?? today();
  if (options.refuseAfter && options.refuseAfter < since)
    throw new CliError(`--refuse-after ${options.refuseAfter} is before the deprecation starts (${since}).`);
  if (options.removeAfter && options.removeAfter < since)
    throw new CliError(`--remove-after ${options.removeAfter} is before the deprecation starts (${since}).`);
  const replacement = contracts[options.replacement];
  if (!replacement)
    throw new CliError(`The replacement ${options.replacement} is not a registered tool.`, {
      hint: 'Add it first (mcp-prod add-tool), then deprecate the old one.',
    });
  if (replacement.deprecated)
    throw new CliError(`The replacement ${options.replacement} is deprecated itself (in favour of ${replacement.deprecated.replacement}).`, {
      hint: `Point callers at ${replacement.deprecated.replacement} instead.`,
    });

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
  const updated = await loadPendingToolContract(project, tree, file).catch((error: unknown) => {
    if (!(error instanceof CliError)) throw error;
    throw new CliError(`The project refuses this deprecation of ${options.tool}: ${error.message}`, {
      hint: 'Choose --refuse-after and --remove-after so that since <= refuse-after <= remove-after (src/platform/deprecation.ts fills in the dates you leave out). Nothing was written.',
    });
  });
  recordInLockfile(tree, lock, { contracts: updated });
  await commitTree(tree, { dryRun: options.dryRun, write: out.write });
  const notice = updated[options.tool]?.deprecated;
  if (notice && !options.dryRun) {
    out.write(
      `\n${options.tool} now carries a deprecation notice pointing at ${notice.replacement}. Calls are refused from ${notice.refuseAfter}; ` +
        `from ${notice.removeAfter} remove it with: mcp-prod deprecate ${options.tool} --remove\n`,
    );
  }
}

/** `--keep-as` as a path relative to the project root; refused when it leads outside the project. */
function keepAsPath(project: Project, keepAs: string): string {
  const relative = path.relative(project.root, path.resolve(project.root, keepAs));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new CliError(`--keep-as ${keepAs}: the kept module must stay inside the project (${project.root}).`, {
      hint: 'Give a path inside the project, e.g. --keep-as archive/search-notes.ts',
    });
  }
  return relative.split(path.sep).join('/');
}

/** `mcp-prod deprecate <tool> --remove`: phase 3, from the tool's removeAfter date. */
export async function removeTool(project: Project, input: RemoveOptions, out: { write(text: string): void }): Promise<void> {
  const options = parseOptions(removeOptionsSchema, input, { tool: 'the tool argument' });
  const tree = new ProjectTree(project.root);
  const { lock } = readLockfile(tree);
  const locked = lock.tools[options.tool];
  // The tombstone decides: a module kept with --keep-as still names the tool but is not registered.
  if (locked?.removedAt) {
    out.write(`Nothing to do: ${options.tool} was removed on ${locked.removedAt}.\n`);
    return;
  }
  const keepAs = options.keepAs === undefined ? undefined : keepAsPath(project, options.keepAs);
  const file = toolFileOf(tree, options.tool);
  const notice = (await loadToolContract(project, file))[options.tool]?.deprecated;
  if (!notice) {
    throw new CliError(`${options.tool} is not deprecated, so removing it would break its callers without warning.`, {
      hint: `Deprecate it first: mcp-prod deprecate ${options.tool} --replacement <tool>`,
    });
  }
  const now = today();
  if (now < notice.removeAfter && !options.force) {
    throw new CliError(`${options.tool} may be removed from ${notice.removeAfter}; today is ${now}.`, {
      hint: 'Wait until then, or pass --force to remove it now anyway.',
    });
  }

  editFile(tree, REGISTRY_FILE, [[unregisterTool, { from: registrySpecifier(file) }]]);
  const source = tree.read(file)!;
  tree.delete(file);
  if (keepAs) {
    if (tree.exists(keepAs)) throw new CliError(`--keep-as ${keepAs}: that file exists already.`);
    tree.write(keepAs, source);
  }
  // Its test and eval cases call the tool, so they go with it.
  for (const companion of companionFiles(file)) if (tree.exists(companion)) tree.delete(companion);
  recordInLockfile(tree, lock, { tombstones: { [options.tool]: now } });
  await commitTree(tree, { dryRun: options.dryRun, write: out.write });
  if (!options.dryRun) out.write(`\nRemoved ${options.tool}; ${LOCKFILE_NAME} keeps a tombstone so check knows the removal was deliberate.\n`);
}
