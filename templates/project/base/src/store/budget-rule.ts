/**
 * The budget rule every store applies inside its own atomic step: a call is admitted when what
 * is recorded and held for the day, plus what it holds itself, stays within each limit, and
 * something is left before it starts (a call that holds nothing may not run on an empty budget).
 */
import type { BudgetLimit, BudgetStanding } from './types.js';

export function judgeBudgets(
  limits: readonly BudgetLimit[],
  committed: (limit: BudgetLimit) => bigint,
  hold: { tool: string; nanoUsd: bigint },
): { admitted: true; standings: BudgetStanding[] } | { admitted: false; refusedBy: BudgetStanding } {
  const standings: BudgetStanding[] = [];
  for (const limit of limits) {
    // A limit on another tool does not apply to this call.
    if (limit.tool && limit.tool !== hold.tool) continue;
    const before = committed(limit);
    const amount = hold.nanoUsd;
    if (before >= limit.nanoUsd || before + amount > limit.nanoUsd) return { admitted: false, refusedBy: { limit, committedNanoUsd: before } };
    standings.push({ limit, committedNanoUsd: before + amount });
  }
  return { admitted: true, standings };
}
