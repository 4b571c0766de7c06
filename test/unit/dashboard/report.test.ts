import { describe, expect, it } from 'vitest';
import { estimatePercentile } from '../../../src/commands/dashboard/percentiles.js';
import { buildDashboard, type DashboardInputs } from '../../../src/commands/dashboard/report.js';
import { aggregateCosts } from '../../../src/costs/aggregate.js';
import { costReportJson } from '../../../src/costs/report-json.js';
import { CONTRACTS, LATENCY_BOUNDS_MS, SEED_ROWS, TODAY } from '../../helpers/dashboard-data.js';

const inputs = (overrides: Partial<DashboardInputs> = {}): DashboardInputs => ({
  rows: SEED_ROWS,
  period: { from: '2026-06-24', to: TODAY, days: 7 },
  today: TODAY,
  latencyBoundsMs: LATENCY_BOUNDS_MS,
  contracts: CONTRACTS,
  budgets: null,
  ...overrides,
});

describe('estimatePercentile', () => {
  it('interpolates inside the bucket the rank falls in', () => {
    expect(estimatePercentile([10, 100], [0, 10, 0], 0.5)).toEqual({ ms: 55, above: false });
    expect(estimatePercentile([10, 25, 50], [0, 6, 4, 0], 0.5)).toEqual({ ms: 22.5, above: false });
    expect(estimatePercentile([10, 25, 50], [0, 6, 4, 0], 0.95)).toEqual({ ms: 46.9, above: false });
    expect(estimatePercentile([10, 25, 50], [0, 6, 4, 0], 0.99)).toEqual({ ms: 49.4, above: false });
  });

  it('counts the first bucket from 0 and says when the percentile lies above the last bound', () => {
    expect(estimatePercentile([10, 100], [4, 0, 0], 0.5)).toEqual({ ms: 5, above: false });
    expect(estimatePercentile([10, 100], [1, 0, 9], 0.5)).toEqual({ ms: 100, above: true });
  });
});

describe('buildDashboard', () => {
  it('serves the cost tables of `mcp-prod costs --json` for the same period', () => {
    const data = buildDashboard(inputs());
    const since = '2026-06-24';
    expect(data.costs.byTool).toEqual(costReportJson(aggregateCosts(SEED_ROWS, { by: 'tool', since })));
    expect(data.costs.byUser).toEqual(costReportJson(aggregateCosts(SEED_ROWS, { by: 'user', since })));
    expect(data.costs.byDay).toEqual(costReportJson(aggregateCosts(SEED_ROWS, { by: 'day', since })));
    expect(data.costs.byTool.totals).toMatchObject({ calls: 16, errors: 3, replays: 1, unpricedItems: 2, totalUsd: '1.554000000' });
  });

  it('leaves out days after `to` in a from-to period', () => {
    const data = buildDashboard(inputs({ period: { from: '2026-06-01', to: '2026-06-28', days: null } }));
    expect(data.costs.byTool.totals).toMatchObject({ calls: 11, totalUsd: '2.004000000' });
    expect(data.stacks.days).toHaveLength(28);
  });

  it('stacks cost by day and by user per tool, every day of the period present', () => {
    const { stacks } = buildDashboard(inputs());
    expect(stacks.tools).toEqual(['create_note', 'search_notes', 'delete_note']);
    expect(stacks.days).toEqual(['2026-06-24', '2026-06-25', '2026-06-26', '2026-06-27', '2026-06-28', '2026-06-29', '2026-06-30']);
    expect(stacks.byDay.search_notes).toEqual(['0', '0', '0', '0', '0', '20000000', '30000000']);
    expect(stacks.users).toEqual(['alice', 'bob', 'carol']);
    expect(stacks.byUser.create_note).toEqual(['1500000000', '0', '0']);
  });

  it('gives error rates, error codes and latency percentiles by tool, and "not recorded" (null) where rows lack them', () => {
    const { tools } = buildDashboard(inputs());
    const search = tools.find((t) => t.tool === 'search_notes')!;
    expect(search).toMatchObject({ calls: 10, errors: 2, errorRate: 0.2, errorCodes: { upstream_timeout: 1, invalid_input: 1 }, replays: 1 });
    expect(search.latency).toEqual({ recordedCalls: 10, p50: { ms: 22.5, above: false }, p95: { ms: 46.9, above: false }, p99: { ms: 49.4, above: false } });
    expect(tools.find((t) => t.tool === 'create_note')).toMatchObject({ unpricedItems: 2, errorCodes: { budget_exceeded: 1 }, latency: { p50: { ms: 1750 } } });
    expect(tools.find((t) => t.tool === 'delete_note')).toMatchObject({ errorCodes: null, latency: null });
  });

  it('shows no latency for a project without latency bounds, nor for histograms counted with other bounds', () => {
    expect(buildDashboard(inputs({ latencyBoundsMs: null })).tools.every((t) => t.latency === null)).toBe(true);
    expect(buildDashboard(inputs({ latencyBoundsMs: [10, 100] })).tools.every((t) => t.latency === null)).toBe(true);
  });

  it('lists who still calls a deprecated tool and how many days are left before calls are refused', () => {
    const { deprecations } = buildDashboard(inputs());
    expect(deprecations.tools).toEqual([
      {
        tool: 'delete_note',
        replacement: 'search_notes',
        reason: null,
        since: '2026-06-01',
        refuseAfter: '2026-07-12',
        removeAfter: '2026-08-11',
        phase: 'deprecated',
        daysToRefuse: 12,
        callers: [{ principalId: 'carol', calls: 2, lastDay: '2026-06-27' }],
      },
    ]);
    expect(buildDashboard(inputs({ today: '2026-07-12' })).deprecations.tools[0]).toMatchObject({ phase: 'refused', daysToRefuse: 0 });
    expect(buildDashboard(inputs({ contracts: { error: 'src/tools/x.ts: boom' } })).deprecations).toEqual({ error: 'src/tools/x.ts: boom', tools: [] });
  });

  it('passes budgets through with their day, and null for a project that reports none', () => {
    expect(buildDashboard(inputs()).budgets).toBeNull();
    const settings = { dailyBudgetUsd: 5, rateLimit: null, tools: {} };
    const standing = [{ principalId: 'alice', tool: null, budgetUsd: 5, committedUsd: 1, remainingUsd: 4 }];
    expect(buildDashboard(inputs({ budgets: { settings, standing } })).budgets).toEqual({ day: TODAY, settings, standing });
  });
});
