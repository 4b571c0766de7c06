/**
 * What the dashboard shows, computed from the project's daily roll-up rows: pure, so the API's
 * numbers can be checked without a server. The cost tables are `mcp-prod costs --json`'s own
 * (same aggregation, same JSON), so the two never disagree for the same period.
 */
import { aggregateCosts, type CostGrouping } from '../../costs/aggregate.js';
import { costReportJson, type CostReportJson } from '../../costs/report-json.js';
import type { BudgetSettings, BudgetStanding, DailyCostRow, ProjectToolContract } from '../../project/interface.js';
import { estimatePercentile, type Percentile } from './percentiles.js';

/** A span of whole UTC days, both ends included; `days` is set when it is "the last N days". */
export interface Period {
  from: string;
  to: string;
  days: number | null;
}

export interface DashboardInputs {
  rows: readonly DailyCostRow[];
  period: Period;
  today: string;
  latencyBoundsMs: readonly number[] | null;
  contracts: Record<string, ProjectToolContract> | { error: string };
  budgets: { settings: BudgetSettings; standing: BudgetStanding } | { error: string } | null;
}

export interface ToolHealth {
  tool: string;
  calls: number;
  errors: number;
  /** errors / calls, 0 to 1. */
  errorRate: number;
  /** Failed calls by code; null when no row of the period recorded codes. */
  errorCodes: Record<string, number> | null;
  replays: number;
  unpricedItems: number;
  /** Null when no row of the period recorded a latency histogram. */
  latency: { recordedCalls: number; p50: Percentile; p95: Percentile; p99: Percentile } | null;
}

export interface DeprecatedTool {
  tool: string;
  replacement: string;
  reason: string | null;
  since: string;
  refuseAfter: string;
  removeAfter: string;
  /** As the project's pipeline decides it today: calls are refused from refuseAfter (00:00Z). */
  phase: 'announced' | 'deprecated' | 'refused' | 'removable';
  /** Whole days from today to refuseAfter; 0 or less once calls are refused. */
  daysToRefuse: number;
  /** Who called it in the period, most calls first. */
  callers: { principalId: string; calls: number; lastDay: string }[];
}

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;

/** Every day from `from` to `to`, both included. */
export function daysOf(period: Period): string[] {
  const days: string[] = [];
  for (let n = dayNumber(period.from); n <= dayNumber(period.to); n++) days.push(new Date(n * DAY_MS).toISOString().slice(0, 10));
  return days;
}

/** `matrix[series][i]`: total nano-USD of `series` (a tool) at `keys[i]` (a day or a user), as decimal strings. */
function stack(rows: readonly DailyCostRow[], keyOf: (row: DailyCostRow) => string, keys: string[], series: string[]): Record<string, string[]> {
  const index = new Map(keys.map((key, i) => [key, i]));
  const sums = Object.fromEntries(series.map((tool) => [tool, keys.map(() => 0n)]));
  for (const row of rows) {
    const i = index.get(keyOf(row));
    if (i !== undefined) sums[row.tool]![i]! += row.llmNanoUsd + row.externalNanoUsd;
  }
  return Object.fromEntries(Object.entries(sums).map(([tool, values]) => [tool, values.map(String)]));
}

function toolHealth(tool: string, rows: readonly DailyCostRow[], bounds: readonly number[] | null): ToolHealth {
  let calls = 0;
  let errors = 0;
  let replays = 0;
  let unpricedItems = 0;
  let errorCodes: Record<string, number> | null = null;
  let histogram: number[] | null = null;
  for (const row of rows) {
    calls += row.calls;
    errors += row.errors;
    replays += row.replays;
    unpricedItems += row.unpriced;
    if (row.errorCodes) {
      errorCodes ??= {};
      for (const [code, count] of Object.entries(row.errorCodes)) errorCodes[code] = (errorCodes[code] ?? 0) + count;
    }
    // A histogram is only meaningful against the bounds it was counted with.
    if (bounds && row.latencyCounts?.length === bounds.length + 1) {
      histogram ??= bounds.map(() => 0).concat(0);
      for (const [i, count] of row.latencyCounts.entries()) histogram[i]! += count;
    }
  }
  const recordedCalls = histogram?.reduce((a, b) => a + b, 0) ?? 0;
  const latency =
    bounds && histogram && recordedCalls > 0
      ? {
          recordedCalls,
          p50: estimatePercentile(bounds, histogram, 0.5),
          p95: estimatePercentile(bounds, histogram, 0.95),
          p99: estimatePercentile(bounds, histogram, 0.99),
        }
      : null;
  return { tool, calls, errors, errorRate: calls > 0 ? errors / calls : 0, errorCodes, replays, unpricedItems, latency };
}

function deprecations(contracts: Record<string, ProjectToolContract>, rows: readonly DailyCostRow[], today: string): DeprecatedTool[] {
  return Object.entries(contracts)
    .flatMap(([tool, contract]) => (contract.deprecated ? [{ tool, notice: contract.deprecated }] : []))
    .map(({ tool, notice }) => {
      const callers = new Map<string, { principalId: string; calls: number; lastDay: string }>();
      for (const row of rows.filter((r) => r.tool === tool)) {
        const caller = callers.get(row.principalId) ?? { principalId: row.principalId, calls: 0, lastDay: row.day };
        caller.calls += row.calls;
        if (row.day > caller.lastDay) caller.lastDay = row.day;
        callers.set(row.principalId, caller);
      }
      const phase = today >= notice.removeAfter ? 'removable' : today >= notice.refuseAfter ? 'refused' : today >= notice.since ? 'deprecated' : 'announced';
      return {
        tool,
        replacement: notice.replacement,
        reason: notice.reason ?? null,
        since: notice.since,
        refuseAfter: notice.refuseAfter,
        removeAfter: notice.removeAfter,
        phase,
        daysToRefuse: dayNumber(notice.refuseAfter) - dayNumber(today),
        callers: [...callers.values()].sort((a, b) => b.calls - a.calls || a.principalId.localeCompare(b.principalId)),
      } satisfies DeprecatedTool;
    })
    .sort((a, b) => a.refuseAfter.localeCompare(b.refuseAfter) || a.tool.localeCompare(b.tool));
}

export function buildDashboard(inputs: DashboardInputs) {
  const { period } = inputs;
  const rows = inputs.rows.filter((row) => row.day >= period.from && row.day <= period.to);
  const report = (by: CostGrouping) => aggregateCosts(rows, { by, since: period.from });
  const byTool = report('tool');
  const byUser = report('user');
  const tools = byTool.groups.map((group) => group.key);
  const users = byUser.groups.map((group) => group.key);
  const days = daysOf(period);
  const costs: Record<'byTool' | 'byUser' | 'byDay', CostReportJson> = {
    byTool: costReportJson(byTool),
    byUser: costReportJson(byUser),
    byDay: costReportJson(report('day')),
  };
  return {
    period: { ...period, today: inputs.today },
    costs,
    stacks: {
      tools,
      days,
      byDay: stack(rows, (row) => row.day, days, tools),
      users,
      byUser: stack(rows, (row) => row.principalId, users, tools),
    },
    tools: tools.map((tool) =>
      toolHealth(
        tool,
        rows.filter((row) => row.tool === tool),
        inputs.latencyBoundsMs,
      ),
    ),
    latencyBoundsMs: inputs.latencyBoundsMs,
    budgets: inputs.budgets && 'error' in inputs.budgets ? { error: inputs.budgets.error } : inputs.budgets ? { day: inputs.today, ...inputs.budgets } : null,
    deprecations:
      'error' in inputs.contracts ? { error: String(inputs.contracts.error), tools: [] } : { tools: deprecations(inputs.contracts, rows, inputs.today) },
  };
}
export type DashboardData = ReturnType<typeof buildDashboard>;
