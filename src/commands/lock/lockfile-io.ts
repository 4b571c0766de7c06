import { existsSync, readFileSync } from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { emptyLockfile, LOCKFILE_NAME, LockfileError, parseLockfile, serializeLockfile, type Lockfile } from '../../schema-diff/lockfile.js';

export const lockfilePath = (project: Project) => path.join(project.root, LOCKFILE_NAME);

/** The project's lockfile, or an empty one when it has none yet. */
export function readProjectLockfile(project: Project): { lock: Lockfile; exists: boolean } {
  const file = lockfilePath(project);
  if (!existsSync(file)) return { lock: emptyLockfile(), exists: false };
  try {
    return { lock: parseLockfile(readFileSync(file, 'utf8'), LOCKFILE_NAME), exists: true };
  } catch (error) {
    if (error instanceof LockfileError) {
      throw new CliError(error.message, { exitCode: 2, hint: `Restore ${LOCKFILE_NAME} from git, or delete it and run \`mcp-prod lock\` to start over.` });
    }
    throw error;
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a lockfile. */
export async function writeProjectLockfile(project: Project, lock: Lockfile): Promise<void> {
  const file = lockfilePath(project);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, serializeLockfile(lock));
  await rename(temporary, file);
}
