import { CliError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { today } from '../../core/today.js';
import { commitTree, ProjectTree } from '../../core/tree.js';
import { loadContractsAndScopes } from '../../project/contracts.js';
import { LOCKFILE_NAME, readLockfile, writeLockfile } from '../../project/lockfile.js';
import { findToolFiles } from '../../project/tool-files.js';
import { buildReport, renderText, toolsWorthLocating } from '../../reporters/compat/index.js';
import { assemblePlan, type Plan } from '../../schema-diff/plan.js';
import type { LockOptions } from './options.js';

export interface LockResult {
  written: boolean;
  plan: Plan;
}

/**
 * `mcp-prod lock`: records the current contracts. Refuses to record a breaking change whose
 * version was not bumped (or a version that went down, or a removal outside the deprecation
 * process) unless `force`; running it twice changes nothing the second time.
 */
export async function lock(project: Project, options: LockOptions & { write(text: string): void }): Promise<LockResult> {
  const tree = new ProjectTree(project.root);
  const { lock: current } = readLockfile(tree);
  const { contracts, scopeRules } = await loadContractsAndScopes(project);
  const plan = assemblePlan(current, contracts, { today: today(), scopeCovers: scopeRules.covers });
  if (!plan.ok && !options.force) {
    const report = buildReport(plan, { title: `Refusing to update ${LOCKFILE_NAME}`, files: findToolFiles(tree, toolsWorthLocating(plan)) });
    throw new CliError(renderText(report).trimEnd(), {
      hint: 'Apply the fixes above, or pass --force to record the contracts anyway.',
    });
  }
  if (!plan.stale) {
    options.write(`${LOCKFILE_NAME} is up to date (${Object.keys(plan.nextLock.tools).length} tools); nothing to do.\n`);
    return { written: false, plan };
  }
  writeLockfile(tree, plan.nextLock);
  await commitTree(tree, { dryRun: options.dryRun, write: options.write });
  if (options.dryRun) return { written: false, plan };
  const counts = ['added', 'changed', 'removed'].map((kind) => [kind, plan.tools.filter((t) => t.change === kind).length] as const).filter(([, n]) => n > 0);
  const summary = counts.map(([kind, n]) => `${n} ${kind}`).join(', ') || 'versions updated';
  options.write(`Wrote ${LOCKFILE_NAME}: ${Object.keys(plan.nextLock.tools).length} tools (${summary}).\n`);
  return { written: true, plan };
}
