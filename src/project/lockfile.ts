/**
 * The project's lockfile as commands read and change it: always through a ProjectTree, so the
 * lockfile is part of the same commit (and the same dry run) as the code it describes, and
 * with one translation of a damaged file into a user error.
 */
import { CliError } from '../core/errors.js';
import type { ProjectTree } from '../core/tree.js';
import { emptyLockfile, LOCKFILE_NAME, LockfileError, parseLockfile, serializeLockfile, type Lockfile } from '../schema-diff/lockfile.js';
import { nextEntry } from '../schema-diff/plan.js';
import type { ToolContract } from '../schema-diff/types.js';

export { LOCKFILE_NAME };

const RESTORE_LOCKFILE_HINT = `Restore ${LOCKFILE_NAME} from git, or delete it and run \`mcp-prod lock\` to start over.`;

/** Parses lockfile text from `source` (a path or `ref:path`); a damaged file is a user error (exit 1). */
export function parseLockfileText(text: string, source: string, hint = RESTORE_LOCKFILE_HINT): Lockfile {
  try {
    return parseLockfile(text, source);
  } catch (error) {
    if (error instanceof LockfileError) throw new CliError(error.message, { hint, cause: error });
    throw error;
  }
}

/**
 * The tree's lockfile, or an empty one when the project has none yet. Validating it is the
 * costly part, so a command reads it once and hands that copy to `recordInLockfile`.
 */
export function readLockfile(tree: ProjectTree): { lock: Lockfile; exists: boolean } {
  const text = tree.read(LOCKFILE_NAME);
  if (text === undefined) return { lock: emptyLockfile(), exists: false };
  return { lock: parseLockfileText(text, LOCKFILE_NAME), exists: true };
}

export function writeLockfile(tree: ProjectTree, lock: Lockfile): void {
  tree.write(LOCKFILE_NAME, serializeLockfile(lock));
}

/**
 * Updates the lockfile entries of the named tools only: other tools' pending changes are left
 * for `mcp-prod lock` to judge. `continues` names removed tools whose history a new major
 * version carries on. `lock` is the command's own copy from `readLockfile`, updated in place.
 */
export function recordInLockfile(
  tree: ProjectTree,
  lock: Lockfile,
  changes: { contracts?: Record<string, ToolContract>; tombstones?: Record<string, string>; continues?: readonly string[] },
): void {
  for (const [name, contract] of Object.entries(changes.contracts ?? {})) {
    const before = lock.tools[name];
    const carriedOn = before && (!before.removedAt || changes.continues?.includes(name)) ? before : undefined;
    lock.tools[name] = nextEntry(carriedOn, contract);
  }
  for (const [name, on] of Object.entries(changes.tombstones ?? {})) {
    const entry = lock.tools[name];
    if (entry) lock.tools[name] = { ...entry, removedAt: entry.removedAt ?? on };
  }
  writeLockfile(tree, lock);
}
