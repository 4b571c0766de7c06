import type { CostDailyRow, CostRecord } from './types.js';

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
  };
}

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
    row.calls += delta.calls;
    row.errors += delta.errors;
    row.replays += delta.replays;
    row.llmNanoUsd += delta.llmNanoUsd;
    row.externalNanoUsd += delta.externalNanoUsd;
    row.unpriced += delta.unpriced;
  }
  return [...rows.keys()].sort().map((key) => rows.get(key)!);
}
