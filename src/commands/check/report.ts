import type { Project } from '../../core/project.js';
import { locateToolFile } from '../../core/contracts.js';
import type { Plan, ToolPlan } from '../../schema-diff/plan.js';
import { fixFor } from './fixes.js';

export interface ReportedTool {
  plan: ToolPlan;
  file: string | undefined;
  fix: string | undefined;
}

export interface CheckReport {
  title: string;
  ok: boolean;
  stale: boolean;
  /** What to run when the only problem is an out-of-date lockfile. */
  staleFix: string | undefined;
  tools: ReportedTool[];
}

export function buildReport(plan: Plan, options: { title: string; project?: Project; staleFix?: string }): CheckReport {
  return {
    title: options.title,
    ok: plan.ok,
    stale: plan.stale,
    staleFix: options.staleFix,
    tools: plan.tools.map((tool) => {
      const file = options.project ? locateToolFile(options.project, tool.name) : undefined;
      return { plan: tool, file, fix: fixFor(tool, file) };
    }),
  };
}
