import { LOCKFILE_NAME, emptyLockfile, parseLockfile, serializeLockfile, type Lockfile } from '../../schema-diff/lockfile.js';
import { nextEntry } from '../../schema-diff/plan.js';
import type { ToolContract } from '../../schema-diff/types.js';
import type { ProjectTree } from '../../core/tree.js';

/**
 * Updates the lockfile entries of the named tools only, through the tree (so a dry run shows
 * it): other tools' pending changes are left for `mcp-prod lock` to judge.
 */
export function recordInLockfile(
  tree: ProjectTree,
  changes: { contracts?: Record<string, ToolContract>; tombstones?: Record<string, string> },
): void {
  const text = tree.read(LOCKFILE_NAME);
  const lock: Lockfile = text === undefined ? emptyLockfile() : parseLockfile(text, LOCKFILE_NAME);
  for (const [name, contract] of Object.entries(changes.contracts ?? {})) {
    const before = lock.tools[name];
    lock.tools[name] = nextEntry(before && !before.removedAt ? before : undefined, contract);
  }
  for (const [name, on] of Object.entries(changes.tombstones ?? {})) {
    const entry = lock.tools[name];
    if (entry) lock.tools[name] = { ...entry, removedAt: entry.removedAt ?? on };
  }
  tree.write(LOCKFILE_NAME, serializeLockfile(lock));
}
