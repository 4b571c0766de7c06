import type { CheckReport } from './report.js';

/** The documented machine-readable shape (SPEC section 5), plus `stale` and per-tool `problem`/`fix`. */
export function renderJson(report: CheckReport): string {
  return `${JSON.stringify(
    {
      ok: report.ok,
      stale: report.stale,
      tools: report.tools.map(({ plan, fix }) => ({
        name: plan.name,
        change: plan.change,
        requiredBump: plan.requiredBump,
        from: plan.from,
        to: plan.to,
        result: plan.result,
        findings: plan.findings.map(({ pointer, rule, verdict, message, undecided }) => ({
          pointer,
          rule,
          verdict,
          message,
          ...(undecided ? { undecided } : {}),
        })),
        ...(plan.problem ? { problem: plan.problem } : {}),
        ...(fix ? { fix } : {}),
      })),
    },
    null,
    2,
  )}\n`;
}
