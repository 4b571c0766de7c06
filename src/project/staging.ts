import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
 * Mirrors `dir` of the project under `staged`: folders that hold a pending change become real
 * folders, everything else a symlink to the project's own entry.
 */
function mirror(project: string, staged: string, dir: string, changedDirs: ReadonlySet<string>): void {
  mkdirSync(path.join(staged, dir), { recursive: true });
  const source = path.join(project, dir);
  if (!existsSync(source)) return;
  for (const entry of readdirSync(source)) {
    const relative = dir ? `${dir}/${entry}` : entry;
    if (relative === 'node_modules' || relative === '.git') continue;
    if (changedDirs.has(relative)) mirror(project, staged, relative, changedDirs);
    else symlinkSync(path.join(source, entry), path.join(staged, relative));
  }
}

/**
 * Runs `work` on a staged view of the project with the tree's pending changes applied, so a
 * change can be loaded (a new tool's contract, a deprecation the project validates) before
 * anything is written to the project itself. Error messages name the project's paths.
 *
 * Only the changed files are copies; everything else is a symlink, so modules load from their
 * real paths (and tsx's transform cache still applies to them). The view lives inside the
 * project's node_modules, where package resolution finds what the project finds, hoisted
 * workspace packages included.
 */
export async function withStagedProject<T>(project: Project, tree: ProjectTree, work: (staged: Project) => Promise<T>): Promise<T> {
  const root = mkdtempSync(path.join(nearestNodeModules(project.root) ?? os.tmpdir(), '.mcp-prod-staged-'));
  try {
    const changes = tree.listChanges();
    const changedDirs = new Set<string>();
    for (const { path: file } of changes) {
      for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) changedDirs.add(dir);
    }
    mirror(project.root, root, '', changedDirs);
    for (const change of changes) {
      const file = path.join(root, change.path);
      rmSync(file, { force: true });
      if (change.after === undefined) continue;
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, change.after);
    }
    return await work({ ...project, root });
  } catch (error) {
    if (error instanceof Error) error.message = error.message.split(root).join(project.root);
    throw error;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
