import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors.js';
import type { RenderedTree } from '../templates/render.js';

/** Entries that do not make a directory "non-empty" for scaffolding purposes. */
const IGNORABLE_ENTRIES = new Set(['.git', '.DS_Store', 'Thumbs.db']);

export function directoryIsEmpty(dir: string): boolean {
  if (!existsSync(dir)) return true;
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

export interface WriteTreeResult {
  /** Files that existed before and were replaced (only possible with `force`). */
  overwritten: string[];
}

/**
 * Writes `tree` under `targetDir` so that a failure never leaves a half-written project: every
 * file is first written to a staging directory beside the target (same filesystem), then moved
 * into place with rename.
 */
export async function writeTreeAtomically(
  targetDir: string,
  tree: RenderedTree,
  options: { force: boolean },
): Promise<WriteTreeResult> {
  const target = path.resolve(targetDir);
  if (existsSync(target) && !lstatSync(target).isDirectory()) {
    throw new CliError(`${target} exists and is not a directory.`, { hint: 'Choose another project directory.' });
  }
  const empty = directoryIsEmpty(target);
  if (!empty && !options.force) {
    throw new CliError(`Directory ${target} is not empty.`, {
      hint: 'Choose a new directory, empty this one, or pass --force to write into it (files the template creates are overwritten).',
    });
  }
  for (const relative of tree.keys()) assertWritable(target, relative);

  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(path.join(parent, '.create-mcp-prod-'));
  try {
    for (const [relative, content] of tree) {
      const file = path.join(staging, relative);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    if (!existsSync(target)) {
      await rename(staging, target);
      return { overwritten: [] };
    }
    const overwritten: string[] = [];
    for (const relative of tree.keys()) {
      const destination = path.join(target, relative);
      if (existsSync(destination)) overwritten.push(relative);
      await mkdir(path.dirname(destination), { recursive: true });
      await rename(path.join(staging, relative), destination);
    }
    return { overwritten };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
