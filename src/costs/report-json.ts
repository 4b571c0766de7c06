import { usdText, type CostReport } from './aggregate.js';

/** The JSON form of a cost report: what `mcp-prod costs --json` prints and the dashboard's API serves, amounts as exact decimal strings. */
export function costReportJson(report: CostReport) {
  const amounts = (g: { llmNanoUsd: bigint; externalNanoUsd: bigint; totalNanoUsd: bigint; perCallNanoUsd: bigint }) => ({
    llmUsd: usdText(g.llmNanoUsd),
    externalUsd: usdText(g.externalNanoUsd),
    totalUsd: usdText(g.totalNanoUsd),
    perCallUsd: usdText(g.perCallNanoUsd),
    totalNanoUsd: g.totalNanoUsd.toString(),
  });
  const counts = (g: { calls: number; errors: number; replays: number; unpriced: number }) => ({
    calls: g.calls,
    errors: g.errors,
    replays: g.replays,
    unpricedItems: g.unpriced,
  });
  return {
    by: report.by,
    since: report.since,
    groups: report.groups.map((g) => ({ [report.by]: g.key, ...counts(g), ...amounts(g), share: g.share })),
    totals: { ...counts(report.totals), ...amounts(report.totals) },
    omitted: report.omitted,
  };
}
export type CostReportJson = ReturnType<typeof costReportJson>;
