import { loadContracts, today } from '../../core/contracts.js';
import { CliError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { LOCKFILE_NAME } from '../../schema-diff/lockfile.js';
import { assemblePlan, type Plan } from '../../schema-diff/plan.js';
import { buildReport } from '../check/report.js';
import { renderText } from '../check/reporters/text.js';
import { readProjectLockfile, writeProjectLockfile } from './lockfile-io.js';

export interface LockResult {
  written: boolean;
  plan: Plan;
}

/**
 * `mcp-prod lock`: records the current contracts. Refuses to record a breaking change whose
 * version was not bumped (or a version that went down, or a removal outside the deprecation
 * process) unless `force`; running it twice changes nothing the second time.
 */
export async function lock(project: Project, options: { force: boolean; write(text: string): void }): Promise<LockResult> {
  const { lock: current } = readProjectLockfile(project);
  const plan = assemblePlan(current, await loadContracts(project), { today: today() });
  if (!plan.ok && !options.force) {
    const report = buildReport(plan, { title: `Refusing to update ${LOCKFILE_NAME}`, project });
    throw new CliError(renderText(report).trimEnd(), {
      hint: 'Apply the fixes above, or pass --force to record the contracts anyway.',
    });
  }
  if (!plan.stale) {
    options.write(`${LOCKFILE_NAME} is up to date (${Object.keys(plan.nextLock.tools).length} tools); nothing to do.\n`);
    return { written: false, plan };
  }
  await writeProjectLockfile(project, plan.nextLock);
  const counts = ['added', 'changed', 'removed'].map((kind) => [kind, plan.tools.filter((t) => t.change === kind).length] as const).filter(([, n]) => n > 0);
  const summary = counts.map(([kind, n]) => `${n} ${kind}`).join(', ') || 'versions updated';
  options.write(`Wrote ${LOCKFILE_NAME}: ${Object.keys(plan.nextLock.tools).length} tools (${summary}).\n`);
  return { written: true, plan };
}
