import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Project } from '../core/project.js';
import type { ProjectTree } from '../core/tree.js';

/** The node_modules the project resolves its packages from (workspaces hoist it to a parent). */
function nearestNodeModules(root: string): string | undefined {
  for (let dir = root; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules');
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Runs `work` on a temporary copy of the project's code with the tree's pending changes
 * applied, so a change can be loaded (a new tool's contract, a deprecation the project
 * validates) before anything is written to the project itself. Error messages name the
 * project's paths, not the copy's.
 *
 * The copy lives inside the project's node_modules: from there, package resolution finds the
 * same packages the project does, hoisted workspace ones included, and the project's own
 * files stay untouched.
 */
export async function withStagedProject<T>(project: Project, tree: ProjectTree, work: (staged: Project) => Promise<T>): Promise<T> {
  const root = mkdtempSync(path.join(nearestNodeModules(project.root) ?? os.tmpdir(), '.mcp-prod-staged-'));
  try {
    for (const entry of readdirSync(project.root, { withFileTypes: true })) {
      if (entry.isFile() || entry.name === 'src') cpSync(path.join(project.root, entry.name), path.join(root, entry.name), { recursive: true });
    }
    for (const change of tree.listChanges()) {
      const file = path.join(root, change.path);
      if (change.after === undefined) rmSync(file, { force: true });
      else {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, change.after);
      }
    }
    return await work({ ...project, root });
  } catch (error) {
    if (error instanceof Error) error.message = error.message.split(root).join(project.root);
    throw error;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
