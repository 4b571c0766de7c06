/**
 * Cost roll-ups for `mcp-prod costs` and `mcp-prod dashboard`: pure functions over daily rows,
 * whether the rows come from the project's store or from the server's log lines. Amounts stay
 * integer nano-USD (BigInt) until they are printed.
 */
import type { DailyCostRow } from '../project/interface.js';

export type { DailyCostRow };

export type CostGrouping = 'tool' | 'user' | 'day';

export interface CostGroup {
  key: string;
  calls: number;
  errors: number;
  replays: number;
  unpriced: number;
  llmNanoUsd: bigint;
  externalNanoUsd: bigint;
  totalNanoUsd: bigint;
  /** Cost per call, rounded down to the nano-USD. */
  perCallNanoUsd: bigint;
  /** Share of the total cost, 0 to 1. */
  share: number;
}

export interface CostReport {
  by: CostGrouping;
  since: string;
  groups: CostGroup[];
  totals: Omit<CostGroup, 'key' | 'share'>;
  /** Groups left out by --top. */
  omitted: number;
}

const keyOf = (row: DailyCostRow, by: CostGrouping) => (by === 'tool' ? row.tool : by === 'user' ? row.principalId : row.day);

function summarize(rows: DailyCostRow[]) {
  const sum = { calls: 0, errors: 0, replays: 0, unpriced: 0, llmNanoUsd: 0n, externalNanoUsd: 0n };
  for (const row of rows) {
    sum.calls += row.calls;
    sum.errors += row.errors;
    sum.replays += row.replays;
    sum.unpriced += row.unpriced;
    sum.llmNanoUsd += row.llmNanoUsd;
    sum.externalNanoUsd += row.externalNanoUsd;
  }
  const totalNanoUsd = sum.llmNanoUsd + sum.externalNanoUsd;
  return { ...sum, totalNanoUsd, perCallNanoUsd: sum.calls > 0 ? totalNanoUsd / BigInt(sum.calls) : 0n };
}

/** Groups rows on/after `since`, most expensive first (days in date order); `top` keeps the N most expensive. */
export function aggregateCosts(rows: DailyCostRow[], options: { by: CostGrouping; since: string; top?: number }): CostReport {
  const kept = rows.filter((row) => row.day >= options.since);
  const byKey = new Map<string, DailyCostRow[]>();
  for (const row of kept) byKey.set(keyOf(row, options.by), [...(byKey.get(keyOf(row, options.by)) ?? []), row]);
  const totals = summarize(kept);
  const groups = [...byKey.entries()]
    .map(([key, group]) => {
      const sum = summarize(group);
      return { key, ...sum, share: totals.totalNanoUsd > 0n ? Number((sum.totalNanoUsd * 1_000_000n) / totals.totalNanoUsd) / 1_000_000 : 0 };
    })
    .sort((a, b) => (b.totalNanoUsd > a.totalNanoUsd ? 1 : b.totalNanoUsd < a.totalNanoUsd ? -1 : a.key.localeCompare(b.key)));
  const shown = options.top ? groups.slice(0, options.top) : groups;
  // Days read best in calendar order, even when --top picked the most expensive ones.
  if (options.by === 'day') shown.sort((a, b) => a.key.localeCompare(b.key));
  return { by: options.by, since: options.since, groups: shown, totals, omitted: groups.length - shown.length };
}

/** Exact decimal USD text for a nano-USD amount, e.g. 2_100_000n -> "0.002100000". */
export function usdText(nano: bigint, decimals = 9): string {
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  const whole = abs / 1_000_000_000n;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, '0').slice(0, decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}
