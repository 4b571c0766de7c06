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
