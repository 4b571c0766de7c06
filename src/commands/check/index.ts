import { ExitError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { today } from '../../core/today.js';
import { ProjectTree } from '../../core/tree.js';
import { loadContractsAndScopes } from '../../project/contracts.js';
import { LOCKFILE_NAME, readLockfile } from '../../project/lockfile.js';
import type { CheckOptions } from './options.js';
import { buildReport, renderReport, toolsWorthLocating, type CheckReport } from '../../reporters/compat/index.js';
import { assemblePlan } from '../../schema-diff/plan.js';

/**
 * `mcp-prod check`: exit 0 when the lockfile matches the code and every change is properly
 * versioned, 1 when something must be fixed (the output says how).
 */
export async function check(project: Project, options: CheckOptions & { write(text: string): void }): Promise<CheckReport> {
  const tree = new ProjectTree(project.root);
  const { lock, exists } = readLockfile(tree);
  const { contracts, scopeRules } = await loadContractsAndScopes(project);
  const plan = assemblePlan(lock, contracts, { today: today(), scopeCovers: scopeRules.covers });
  const worthLocating = toolsWorthLocating(plan);
  // The file finder loads ts-morph; a passing check (the common case in CI) does not need it.
  const files = worthLocating.length > 0 ? (await import('../../project/tool-files.js')).findToolFiles(tree, worthLocating) : undefined;
  const report = buildReport(plan, {
    title: `${LOCKFILE_NAME} against the code`,
    ...(files ? { files } : {}),
    staleFix: exists ? `${LOCKFILE_NAME} is out of date. Run: mcp-prod lock` : `There is no ${LOCKFILE_NAME} yet. Run: mcp-prod lock`,
  });
  options.write(renderReport(report, options.reporter));
  if (!report.ok || report.stale) throw new ExitError(1);
  return report;
}
