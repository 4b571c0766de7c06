import type { DailyCostRow } from '../../project/interface.js';

/**
 * Daily rows rebuilt from the server's JSON log lines (`"event":"tool_call"`), for deployments
 * whose logs go to a pipeline rather than the store being at hand. Calls refused before a tool
 * and a user were known carry no cost and are left out, as in the store.
 */
export function rowsFromLog(text: string): { rows: DailyCostRow[]; calls: number; skipped: number; ignored: number } {
  const byKey = new Map<string, DailyCostRow>();
  let skipped = 0;
  let ignored = 0;
  let calls = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (!line.trim().startsWith('{')) {
      ignored++;
      continue;
    }
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      skipped++;
      continue;
    }
    if (entry.event !== 'tool_call') continue;
    calls++;
    if (typeof entry.user_id !== 'string' || entry.tool_version === null || typeof entry.time !== 'string') continue;
    const day = new Date(entry.time).toISOString().slice(0, 10);
    const tool = String(entry.tool_name);
    const key = JSON.stringify([day, tool, entry.user_id]);
    const row = byKey.get(key) ?? { day, tool, principalId: entry.user_id, calls: 0, errors: 0, replays: 0, llmNanoUsd: 0n, externalNanoUsd: 0n, unpriced: 0 };
    row.calls += 1;
    if (entry.status === 'error') row.errors += 1;
    if (entry.idempotency === 'replayed') row.replays += 1;
    row.llmNanoUsd += BigInt(typeof entry.llm_cost_nano_usd === 'string' ? entry.llm_cost_nano_usd : 0);
    row.externalNanoUsd += BigInt(typeof entry.external_cost_nano_usd === 'string' ? entry.external_cost_nano_usd : 0);
    row.unpriced += typeof entry.unpriced_llm_items === 'number' ? entry.unpriced_llm_items : 0;
    byKey.set(key, row);
  }
  return { rows: [...byKey.values()], calls, skipped, ignored };
}
