import { execa } from 'execa';
import { CliError } from '../../core/errors.js';
import type { PackageManager } from './package-manager.js';

/** Runs `<pm> install` in `dir`; on failure the error carries the tail of the installer's output. */
export async function installDependencies(dir: string, pm: PackageManager): Promise<void> {
  const result = await execa(pm, ['install'], { cwd: dir, reject: false, all: true, stdin: 'ignore' });
  if (result.exitCode === 0) return;
  const missing = (result as { code?: string }).code === 'ENOENT';
  const tail = (result.all ?? '').split('\n').slice(-25).join('\n');
  throw new CliError(
    missing ? `${pm} was not found on PATH, so dependencies were not installed.` : `${pm} install failed (exit ${result.exitCode}):\n${tail}`,
    { hint: `The project files are in place. Fix the problem above, then run \`cd ${dir} && ${pm} install\`.` },
  );
}
