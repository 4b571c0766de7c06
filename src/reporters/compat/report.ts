import type { Plan, ToolPlan } from '../../schema-diff/plan.js';
import { fixFor } from './fixes.js';

export type Reporter = 'text' | 'json' | 'github';
export const reporters = ['text', 'json', 'github'] as const satisfies readonly Reporter[];

export interface ReportedTool {
  plan: ToolPlan;
  file: string | undefined;
  fix: string | undefined;
}

/** One comparison of tool contracts (`check`, `lock`'s refusal, `diff`), ready for any reporter. */
export interface CheckReport {
  title: string;
  ok: boolean;
  stale: boolean;
  /** What to run when the only problem is an out-of-date lockfile. */
  staleFix: string | undefined;
  tools: ReportedTool[];
}

/** The tools a report names a file for: those that changed or need a fix. */
export function toolsWorthLocating(plan: Plan): string[] {
  return plan.tools.filter((tool) => tool.change !== 'unchanged' || tool.from !== tool.to || tool.result !== 'pass').map((tool) => tool.name);
}

/** @param options.files where each tool is defined, for the tools `toolsWorthLocating` names. */
export function buildReport(plan: Plan, options: { title: string; files?: ReadonlyMap<string, string>; staleFix?: string }): CheckReport {
  return {
    title: options.title,
    ok: plan.ok,
    stale: plan.stale,
    staleFix: options.staleFix,
    tools: plan.tools.map((tool) => {
      const file = options.files?.get(tool.name);
      return { plan: tool, file, fix: fixFor(tool, file) };
    }),
  };
}
