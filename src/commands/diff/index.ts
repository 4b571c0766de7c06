import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { CliError, ExitError } from '../../core/errors.js';
import { findProject } from '../../core/project.js';
import { today } from '../../core/today.js';
import { loadScopeRules } from '../../project/scopes.js';
import { LOCKFILE_NAME, parseLockfileText } from '../../project/lockfile.js';
import { buildReport, renderReport } from '../../reporters/compat/index.js';
import type { Lockfile } from '../../schema-diff/lockfile.js';
import { planBetween } from '../../schema-diff/plan.js';
import type { DiffOptions } from './options.js';

const SIDE_HINT = `Give a lockfile path, or a git ref (a branch, tag or commit) whose ${LOCKFILE_NAME} is committed, e.g. mcp-prod diff main ${LOCKFILE_NAME}`;

/** A lockfile path, or a git ref whose committed lockfile (at the project's path) is used. */
async function readSide(spec: string, cwd: string): Promise<Lockfile> {
  const file = path.resolve(cwd, spec);
  if (existsSync(file)) return parseLockfileText(readFileSync(file, 'utf8'), spec, `Pass another lockfile, or restore ${spec} from git.`);
  const top = await execa('git', ['rev-parse', '--show-prefix'], { cwd, reject: false });
  if (top.exitCode !== 0) throw new CliError(`"${spec}" is not a file, and ${cwd} is not inside a git repository.`, { hint: SIDE_HINT });
  const inRepo = path.posix.join(top.stdout.trim(), LOCKFILE_NAME);
  const shown = await execa('git', ['show', `${spec}:${inRepo}`], { cwd, reject: false });
  if (shown.exitCode !== 0) {
    throw new CliError(`"${spec}" is neither a lockfile path nor a git ref with a committed ${inRepo} (git said: ${shown.stderr.trim().split('\n')[0]}).`, {
      hint: SIDE_HINT,
    });
  }
  return parseLockfileText(shown.stdout, `${spec}:${inRepo}`, `The lockfile committed at ${spec} is damaged; compare against another ref.`);
}

/** `mcp-prod diff <old> <new>`: the check's comparison between two lockfiles. Exit 1 on a failure. */
export async function diff(options: DiffOptions & { write(text: string): void }): Promise<void> {
  const [older, newer] = await Promise.all([readSide(options.old, options.cwd), readSide(options.new, options.cwd)]);
  // Scopes are compared by the hierarchy of the project the lockfiles belong to.
  const { covers } = await loadScopeRules(findProject(options.cwd));
  const plan = planBetween(older, newer, today(), covers);
  const report = buildReport(plan, { title: `${options.old} -> ${options.new}` });
  // Two lockfiles can't be "stale" against each other; only failures matter here.
  options.write(renderReport({ ...report, stale: false }, options.reporter));
  if (!plan.ok) throw new ExitError(1);
}
