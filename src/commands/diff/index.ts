import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { today } from '../../core/contracts.js';
import { CliError, ExitError } from '../../core/errors.js';
import { LOCKFILE_NAME, LockfileError, parseLockfile, type Lockfile } from '../../schema-diff/lockfile.js';
import { planBetween } from '../../schema-diff/plan.js';
import { render, type Reporter } from '../check/index.js';
import { buildReport } from '../check/report.js';

/** A lockfile path, or a git ref whose committed lockfile (at the project's path) is used. */
async function readSide(spec: string, cwd: string): Promise<Lockfile> {
  const file = path.resolve(cwd, spec);
  let text: string;
  let source: string;
  if (existsSync(file)) {
    text = readFileSync(file, 'utf8');
    source = spec;
  } else {
    const top = await execa('git', ['rev-parse', '--show-prefix'], { cwd, reject: false });
    if (top.exitCode !== 0) throw new CliError(`"${spec}" is not a file, and ${cwd} is not inside a git repository.`, { exitCode: 2 });
    const inRepo = path.posix.join(top.stdout.trim(), LOCKFILE_NAME);
    const shown = await execa('git', ['show', `${spec}:${inRepo}`], { cwd, reject: false });
    if (shown.exitCode !== 0) {
      throw new CliError(`"${spec}" is neither a lockfile path nor a git ref with a committed ${inRepo}.`, {
        exitCode: 2,
        hint: `git said: ${shown.stderr.trim().split('\n')[0]}`,
      });
    }
    text = shown.stdout;
    source = `${spec}:${inRepo}`;
  }
  try {
    return parseLockfile(text, source);
  } catch (error) {
    if (error instanceof LockfileError) throw new CliError(error.message, { exitCode: 2 });
    throw error;
  }
}

/** `mcp-prod diff <old> <new>`: the check's comparison between two lockfiles. Exit 1 on a failure. */
export async function diff(oldSpec: string, newSpec: string, options: { cwd: string; reporter: Reporter; write(text: string): void }): Promise<void> {
  const [older, newer] = await Promise.all([readSide(oldSpec, options.cwd), readSide(newSpec, options.cwd)]);
  const plan = planBetween(older, newer, today());
  const report = buildReport(plan, { title: `${oldSpec} -> ${newSpec}` });
  // Two lockfiles can't be "stale" against each other; only failures matter here.
  options.write(render({ ...report, stale: false }, options.reporter));
  if (!plan.ok) throw new ExitError(1);
}
