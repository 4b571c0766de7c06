import { loadContracts, today } from '../../core/contracts.js';
import { ExitError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { assemblePlan } from '../../schema-diff/plan.js';
import { LOCKFILE_NAME } from '../../schema-diff/lockfile.js';
import { readProjectLockfile } from '../lock/lockfile-io.js';
import { buildReport, type CheckReport } from './report.js';
import { renderGithub } from './reporters/github.js';
import { renderJson } from './reporters/json.js';
import { renderText } from './reporters/text.js';

export type Reporter = 'text' | 'json' | 'github';

export function render(report: CheckReport, reporter: Reporter): string {
  return reporter === 'json' ? renderJson(report) : reporter === 'github' ? renderGithub(report) + renderText(report) : renderText(report);
}

/**
 * `mcp-prod check`: exit 0 when the lockfile matches the code and every change is properly
 * versioned, 1 when something must be fixed (the output says how), 2 when it could not run.
 */
export async function check(project: Project, options: { reporter: Reporter; write(text: string): void }): Promise<CheckReport> {
  const { lock, exists } = readProjectLockfile(project);
  const contracts = await loadContracts(project);
  const plan = assemblePlan(lock, contracts, { today: today() });
  const report = buildReport(plan, {
    title: `${LOCKFILE_NAME} against the code`,
    project,
    staleFix: exists ? `${LOCKFILE_NAME} is out of date. Run: mcp-prod lock` : `There is no ${LOCKFILE_NAME} yet. Run: mcp-prod lock`,
  });
  options.write(render(report, options.reporter));
  if (!report.ok || report.stale) throw new ExitError(1);
  return report;
}
