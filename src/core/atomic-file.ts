import { randomBytes } from 'node:crypto';
import { constants, existsSync, realpathSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface FileWrite {
  /** Absolute path. */
  file: string;
  /** The new content, or undefined to delete the file. */
  content: string | Uint8Array | undefined;
  /** Permissions of a file that does not exist yet (an existing one keeps its own). */
  newFileMode?: number;
}

/**
 * The one way this CLI writes files. Every new content first goes to a temporary file beside its
 * target; only when all of them are written are they renamed into place (and deletions done).
 * A failure while writing removes the temporary files and any directory it created, so the
 * files are either all replaced or all as they were. A symlinked file (dotfiles kept in a
 * repository) is written at its target and stays a symlink; an existing file keeps its mode.
 * @example await writeFilesAtomically([{ file: '/p/a.ts', content: 'x' }, { file: '/p/b.ts', content: undefined }])
 */
export async function writeFilesAtomically(writes: readonly FileWrite[]): Promise<void> {
  const staged: { temporary: string; target: string }[] = [];
  const createdDirs: string[] = [];
  try {
    for (const { file, content, newFileMode } of writes) {
      if (content === undefined) continue;
      const target = existsSync(file) ? realpathSync(file) : path.resolve(file);
      const mode = existsSync(target) ? statSync(target).mode & 0o777 : newFileMode;
      const created = await mkdir(path.dirname(target), { recursive: true });
      if (created) createdDirs.push(created);
      const temporary = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
      staged.push({ temporary, target });
      await writeFile(temporary, content, { flag: 'wx', ...(mode === undefined ? {} : { mode }) });
      if (mode !== undefined) await chmod(temporary, mode);
    }
  } catch (error) {
    // Cleaning up must not hide the error that made it necessary.
    const cleanup = [...staged.map(({ temporary }) => temporary), ...createdDirs.reverse()];
    for (const leftover of cleanup) await rm(leftover, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  for (const { temporary, target } of staged) await rename(temporary, target);
  for (const { file, content } of writes) if (content === undefined) await rm(file, { force: true });
}

/**
 * Replaces one file through `writeFilesAtomically`; a new file is readable by its owner only
 * (`mode`), since client configurations hold tokens.
 */
export async function replaceFileAtomically(file: string, content: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  await writeFilesAtomically([{ file, content, newFileMode: options.mode ?? 0o600 }]);
}

/** `20260102T030405Z`: sorts by time and is valid in a file name on every OS. */
const fileTimestamp = (now: Date) =>
  now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/**
 * Copies `file` to `<file>.bak-<timestamp>` (with a counter when that name is taken) before it
 * is replaced, keeping its bytes and permissions. Returns the backup's path.
 */
export async function backupFile(file: string, now: Date): Promise<string> {
  const base = `${file}.bak-${fileTimestamp(now)}`;
  for (let attempt = 0; ; attempt++) {
    const backup = attempt === 0 ? base : `${base}-${attempt}`;
    try {
      await copyFile(file, backup, constants.COPYFILE_EXCL);
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
