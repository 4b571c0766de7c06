import { existsSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './errors.js';
import { ProjectTree } from './tree.js';

/** Entries that do not make a directory "non-empty" for scaffolding purposes. */
const IGNORABLE_ENTRIES = new Set(['.git', '.DS_Store', 'Thumbs.db']);

export function directoryIsEmpty(dir: string): boolean {
  if (!existsSync(dir)) return true;
  if (!lstatSync(dir).isDirectory()) return false;
  return readdirSync(dir).every((entry) => IGNORABLE_ENTRIES.has(entry));
}

/** Refuses, before anything is written, a path whose place is taken by the wrong kind of entry. */
function assertWritable(target: string, relative: string): void {
  const segments = relative.split('/');
  for (let depth = 1; depth <= segments.length; depth++) {
    const entry = path.join(target, ...segments.slice(0, depth));
    if (!existsSync(entry)) return;
    const isLast = depth === segments.length;
    const isDirectory = lstatSync(entry).isDirectory();
    if (isLast === isDirectory) {
      const existing = segments.slice(0, depth).join('/');
      throw new CliError(`Cannot write ${relative}: ${existing} already exists in ${target} as a ${isDirectory ? 'directory' : 'file'}.`, {
        hint: 'Move it away or choose another project directory.',
      });
    }
  }
}

/** Refuses a target that is a file, or a non-empty directory without `force`. */
export function assertScaffoldTarget(target: string, options: { force: boolean }): void {
  if (existsSync(target) && !lstatSync(target).isDirectory()) {
    throw new CliError(`${target} exists and is not a directory.`, { hint: 'Choose another project directory.' });
  }
  if (!options.force && !directoryIsEmpty(target)) {
    throw new CliError(`Directory ${target} is not empty.`, {
      hint: 'Choose a new directory, empty this one, or pass --force to write into it (files the template creates are overwritten).',
    });
  }
}

export interface WriteTreeResult {
  /** Files that existed before and were replaced (only possible with `force`). */
  overwritten: string[];
}

/**
 * Writes rendered files under `targetDir` in one commit of a ProjectTree, so a failure never
 * leaves a half-written project (see writeFilesAtomically).
 */
export async function writeTreeAtomically(targetDir: string, files: ReadonlyMap<string, string>, options: { force: boolean }): Promise<WriteTreeResult> {
  const target = path.resolve(targetDir);
  assertScaffoldTarget(target, options);
  for (const relative of files.keys()) assertWritable(target, relative);
  const tree = new ProjectTree(target);
  for (const [relative, content] of files) tree.write(relative, content);
  const changes = await tree.flush();
  return { overwritten: changes.filter((change) => change.type === 'UPDATE').map((change) => change.path) };
}
