import { randomBytes } from 'node:crypto';
import { constants, existsSync, realpathSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces `file` with `content` through a temporary file and a rename, so readers see the old
 * file or the new one, never half of it. A symlinked file (dotfiles kept in a repository) is
 * written at its target and stays a symlink; the file keeps its permissions, and a new file is
 * readable by its owner only (`mode`), since client configurations hold tokens.
 */
export async function replaceFileAtomically(file: string, content: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const target = existsSync(file) ? realpathSync(file) : path.resolve(file);
  const mode = existsSync(target) ? statSync(target).mode & 0o777 : (options.mode ?? 0o600);
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content, { mode, flag: 'wx' });
    await chmod(temporary, mode);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** `20260102T030405Z`: sorts by time and is valid in a file name on every OS. */
export const fileTimestamp = (now: Date) => now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

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
