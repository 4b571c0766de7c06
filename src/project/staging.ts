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

/** The project paths that relative imports in `text` (a module at `file`) point at. */
function relativeImports(file: string, text: string): string[] {
  const specifiers = text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.\.?\/[^'"]*)['"]/g);
  return [...specifiers].map(([, specifier]) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier!)));
}

/** The name an import resolves to with any extension: `tool.js` may be tool.ts, tool.js or a tool/ folder. */
const stem = (name: string) => name.replace(/\.[^.]*$/, '');

/**
 * Mirrors `dir` of the project under `staged`. Folders on the way to a pending change become
 * real folders. In a folder that holds pending files only the entries those files import are
 * linked (a tools folder has one module per tool, and each link is a file system write); every
 * other folder links all its entries, so the project's root files and paths stay in place.
 */
function mirror(project: string, staged: string, dir: string, layout: StagedLayout): void {
  mkdirSync(path.join(staged, dir), { recursive: true });
  const source = path.join(project, dir);
  if (!existsSync(source)) return;
  const imported = layout.importedIn.get(dir);
  for (const entry of readdirSync(source)) {
    const relative = dir ? `${dir}/${entry}` : entry;
    if (relative === 'node_modules' || relative === '.git') continue;
    if (layout.changedDirs.has(relative)) mirror(project, staged, relative, layout);
    else if (!imported || imported.has(stem(entry))) symlinkSync(path.join(source, entry), path.join(staged, relative));
  }
}

interface StagedLayout {
  /** Every folder above a pending change. */
  changedDirs: ReadonlySet<string>;
  /** For each folder holding pending files: the stems of its entries those files import. */
  importedIn: ReadonlyMap<string, ReadonlySet<string>>;
}

function stagedLayout(changes: readonly { path: string; after?: string }[], loads: readonly string[]): StagedLayout {
  const changedDirs = new Set<string>();
  const importedIn = new Map<string, Set<string>>();
  for (const { path: file } of changes) {
    importedIn.set(path.posix.dirname(file), new Set());
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) changedDirs.add(dir);
  }
  const targets = [...loads, ...changes.flatMap(({ path: file, after }) => (after === undefined ? [] : relativeImports(file, after)))];
  for (const target of targets) {
    // Each step of the path below a folder with pending files must be there.
    for (let dir = path.posix.dirname(target), step = target; dir !== '.'; step = dir, dir = path.posix.dirname(dir)) {
      importedIn.get(dir)?.add(stem(path.posix.basename(step)));
    }
  }
  return { changedDirs, importedIn };
}

/**
 * Runs `work` on a staged view of the project with the tree's pending changes applied, so a
 * change can be loaded from `loads` (project paths) (a new tool's contract, a deprecation the project validates) before
 * anything is written to the project itself. Error messages name the project's paths.
 *
 * Only the changed files are copies; everything else is a symlink, so modules load from their
 * real paths (and tsx's transform cache still applies to them) and import from there. The view lives inside the
 * project's node_modules, where package resolution finds what the project finds, hoisted
 * workspace packages included.
 */
export async function withStagedProject<T>(project: Project, tree: ProjectTree, loads: readonly string[], work: (staged: Project) => Promise<T>): Promise<T> {
  const root = mkdtempSync(path.join(nearestNodeModules(project.root) ?? os.tmpdir(), '.mcp-prod-staged-'));
  try {
    const changes = tree.listChanges();
    mirror(project.root, root, '', stagedLayout(changes, loads));
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
