import { describe, expect, it } from 'vitest';
import { rowsFromLog } from '../../../src/commands/costs/from-log.js';
import { renderCostTable, renderJson } from '../../../src/commands/costs/index.js';
import { aggregateCosts, usdText, type DailyCostRow } from '../../../src/costs/aggregate.js';
import { sinceDay } from '../../../src/costs/period.js';

const row = (day: string, tool: string, principalId: string, nano: bigint, extra: Partial<DailyCostRow> = {}): DailyCostRow => ({
  day,
  tool,
  principalId,
  calls: 1,
  errors: 0,
  replays: 0,
  llmNanoUsd: nano,
  externalNanoUsd: 0n,
  unpriced: 0,
  ...extra,
});

const rows = [
  row('2026-06-01', 'search', 'alice', 3_000_000n, { calls: 3 }),
  row('2026-06-02', 'search', 'bob', 1_000_000n, { calls: 1, errors: 1 }),
  row('2026-06-02', 'rerank', 'alice', 16_000_000n, { calls: 2, replays: 1, externalNanoUsd: 4_000_000n }),
  row('2026-05-31', 'search', 'alice', 99_000_000n),
];

describe('aggregateCosts', () => {
  it('groups by tool, most expensive first, with calls, errors, replays, per-call cost and share', () => {
    const report = aggregateCosts(rows, { by: 'tool', since: '2026-06-01' });
    expect(report.groups.map((g) => [g.key, g.calls, g.errors, g.replays, g.totalNanoUsd, g.perCallNanoUsd, g.share])).toEqual([
      ['rerank', 2, 0, 1, 20_000_000n, 10_000_000n, 0.833333],
      ['search', 4, 1, 0, 4_000_000n, 1_000_000n, 0.166666],
    ]);
    expect(report.totals).toMatchObject({ calls: 6, totalNanoUsd: 24_000_000n });
  });

  it('groups by user and by day (in date order), and --top keeps the most expensive', () => {
    expect(aggregateCosts(rows, { by: 'user', since: '2026-06-01' }).groups.map((g) => g.key)).toEqual(['alice', 'bob']);
    const days = aggregateCosts(rows, { by: 'day', since: '2026-05-01', top: 2 });
    expect(days.groups.map((g) => g.key)).toEqual(['2026-05-31', '2026-06-02']);
    expect(days.omitted).toBe(1);
  });

  it('adds totals beyond 2^53 nano-USD exactly', () => {
    const big = 2n ** 53n + 1n;
    const report = aggregateCosts([row('2026-06-01', 't', 'u', big), row('2026-06-01', 't', 'u', big)], { by: 'tool', since: '2026-06-01' });
    expect(report.totals.totalNanoUsd).toBe(2n * big);
    expect(renderJson(report)).toContain(`"totalNanoUsd": "${2n * big}"`);
  });
});

describe('output', () => {
  it('prints exact USD text', () => {
    expect(usdText(2_100_000n)).toBe('0.002100000');
    expect(usdText(1_234_567_891n, 6)).toBe('1.234567');
  });

  it('renders a table with a total line and the unpriced warning', () => {
    const table = renderCostTable(aggregateCosts([...rows, row('2026-06-02', 'x', 'u', 0n, { unpriced: 2 })], { by: 'tool', since: '2026-06-01' }));
    expect(table).toMatch(/^TOOL\s+CALLS\s+ERRORS\s+REPLAYS\s+LLM \$\s+EXTERNAL \$\s+TOTAL \$\s+\$\/CALL\s+SHARE$/m);
    expect(table).toMatch(/^rerank\s+2\s+0\s+1\s+0\.016000\s+0\.004000\s+0\.020000\s+0\.010000\s+83\.3%$/m);
    expect(table).toMatch(/^TOTAL\s+7\s+1\s+1\s+/m);
    expect(table).toContain('2 LLM item(s) had no price');
  });
});

describe('sinceDay', () => {
  it('reads a number of UTC days (today included) or a date', () => {
    expect(sinceDay('7d', '2026-06-07')).toBe('2026-06-01');
    expect(sinceDay('1d', '2026-06-07')).toBe('2026-06-07');
    expect(sinceDay('2026-01-02', '2026-06-07')).toBe('2026-01-02');
    expect(() => sinceDay('last week', '2026-06-07')).toThrow(/neither a number of days/);
  });
});

describe('rowsFromLog', () => {
  it('rebuilds daily rows from tool_call lines, exactly, skipping calls without a user or tool', () => {
    const line = (fields: Record<string, unknown>) =>
      JSON.stringify({
        level: 'info',
        event: 'tool_call',
        time: '2026-06-01T23:59:59.999Z',
        tool_name: 'search',
        tool_version: '1.0.0',
        user_id: 'alice',
        status: 'ok',
        idempotency: 'not_applicable',
        llm_cost_nano_usd: '2100000',
        external_cost_nano_usd: '0',
        unpriced_llm_items: 0,
        ...fields,
      });
    const text = [
      line({}),
      line({ time: '2026-06-02T00:00:00.000Z', status: 'error', llm_cost_nano_usd: '1' }),
      line({ idempotency: 'replayed', llm_cost_nano_usd: '0' }),
      line({ user_id: null, error_code: 'unauthorized' }),
      JSON.stringify({ event: 'schema_drift' }),
      'not json at all {',
      '{"broken":',
    ].join('\n');
    const { rows: rebuilt, skipped } = rowsFromLog(text);
    expect(skipped).toBe(1);
    expect(rebuilt).toEqual([
      { day: '2026-06-01', tool: 'search', principalId: 'alice', calls: 2, errors: 0, replays: 1, llmNanoUsd: 2_100_000n, externalNanoUsd: 0n, unpriced: 0 },
      { day: '2026-06-02', tool: 'search', principalId: 'alice', calls: 1, errors: 1, replays: 0, llmNanoUsd: 1n, externalNanoUsd: 0n, unpriced: 0 },
    ]);
  });
});
