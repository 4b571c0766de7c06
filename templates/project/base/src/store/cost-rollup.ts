import type { CostDailyRow, CostRecord } from './types.js';

/** Upper bounds (ms) of the roll-up's latency buckets; one more bucket holds everything slower. */
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000] as const;

const latencyBucket = (ms: number) => {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return index < 0 ? LATENCY_BOUNDS_MS.length : index;
};

/** The UTC calendar day of an instant, whatever the process's time zone. */
export const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);

/** What one call adds to its roll-up row (the same rule for every store). */
export function rollupDelta(record: CostRecord): CostDailyRow {
  let llmNanoUsd = 0n;
  let externalNanoUsd = 0n;
  let unpriced = 0;
  for (const item of record.items) {
    if (item.nanoUsd === null) unpriced++;
    else if (item.kind === 'llm') llmNanoUsd += item.nanoUsd;
    else externalNanoUsd += item.nanoUsd;
  }
  const latencyCounts = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  if (record.latencyMs !== undefined) latencyCounts[latencyBucket(record.latencyMs)] = 1;
  return {
    day: utcDay(record.at),
    tool: record.tool,
    principalId: record.principalId,
    calls: 1,
    errors: record.outcome === 'error' ? 1 : 0,
    replays: record.outcome === 'replayed' ? 1 : 0,
    llmNanoUsd,
    externalNanoUsd,
    unpriced,
    errorCodes: record.outcome === 'error' && record.errorCode ? { [record.errorCode]: 1 } : {},
    latencyCounts,
  };
}

/** Adds `delta` into `row` (`sign` -1 takes it out again). */
export function addDelta(row: CostDailyRow, delta: CostDailyRow, sign: 1 | -1 = 1): void {
  row.calls += sign * delta.calls;
  row.errors += sign * delta.errors;
  row.replays += sign * delta.replays;
  row.llmNanoUsd += BigInt(sign) * delta.llmNanoUsd;
  row.externalNanoUsd += BigInt(sign) * delta.externalNanoUsd;
  row.unpriced += sign * delta.unpriced;
  for (const [code, count] of Object.entries(delta.errorCodes)) {
    const total = (row.errorCodes[code] ?? 0) + sign * count;
    if (total === 0) delete row.errorCodes[code];
    else row.errorCodes[code] = total;
  }
  delta.latencyCounts.forEach((count, i) => {
    row.latencyCounts[i] = (row.latencyCounts[i] ?? 0) + sign * count;
  });
}

/** A row's error codes and latency buckets as (stat, count) pairs, the shape SQL stores keep them in. */
export function rowStats(row: CostDailyRow): [string, number][] {
  const stats: [string, number][] = Object.entries(row.errorCodes).map(([code, count]) => [`error:${code}`, count]);
  row.latencyCounts.forEach((count, i) => {
    if (count > 0) stats.push([`latency:${i}`, count]);
  });
  return stats;
}

/** Folds a stored (stat, count) pair back into a row. */
function applyStat(row: Pick<CostDailyRow, 'errorCodes' | 'latencyCounts'>, stat: string, count: number): void {
  const [kind, name] = [stat.slice(0, stat.indexOf(':')), stat.slice(stat.indexOf(':') + 1)];
  if (kind === 'error') row.errorCodes[name] = count;
  else if (kind === 'latency' && Number(name) < row.latencyCounts.length) row.latencyCounts[Number(name)] = count;
}

/** Stored (day, tool, principal, stat, count) rows, looked up per roll-up row. */
export function groupStats(stats: readonly { day: string; tool: string; principal_id: string; stat: string; count: number | string }[]) {
  const byRow = new Map<string, ReturnType<typeof emptyStats>>();
  for (const stat of stats) {
    const key = JSON.stringify([stat.day, stat.tool, stat.principal_id]);
    const entry = byRow.get(key) ?? emptyStats();
    applyStat(entry, stat.stat, Number(stat.count));
    byRow.set(key, entry);
  }
  return (row: { day: string; tool: string; principal_id: string }) => byRow.get(JSON.stringify([row.day, row.tool, row.principal_id])) ?? emptyStats();
}

export const emptyStats = (): Pick<CostDailyRow, 'errorCodes' | 'latencyCounts'> => ({
  errorCodes: {},
  latencyCounts: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
});

/** The roll-up rows a batch of calls adds, one per day, tool and principal, in key order (so that concurrent writers lock rows in the same order). */
export function rollupBatch(records: readonly CostRecord[]): CostDailyRow[] {
  const rows = new Map<string, CostDailyRow>();
  for (const record of records) {
    const delta = rollupDelta(record);
    const key = JSON.stringify([delta.day, delta.tool, delta.principalId]);
    const row = rows.get(key);
    if (!row) {
      rows.set(key, delta);
      continue;
    }
    addDelta(row, delta);
  }
  return [...rows.keys()].sort().map((key) => rows.get(key)!);
}
