/**
 * Pattern 6: per-tool cost.
 *
 * Handlers report what a call spent through `ctx.cost`; the amounts are kept as integer
 * nano-USD (BigInt) so that sums never drift, and land on the call's log line.
 */
export interface CostMeter {
  /** Money spent on LLM calls made inside the tool. */
  llm(spend: { usd: number; model?: string }): void;
  /** Money spent on any other paid API. */
  external(spend: { usd: number; vendor?: string }): void;
}

export interface CostTotals {
  llmNanoUsd: bigint;
  externalNanoUsd: bigint;
}

const NANO_PER_USD = 1_000_000_000;

function toNanoUsd(usd: number, what: string): bigint {
  if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`ctx.cost.${what}: usd must be a finite, non-negative number (got ${usd})`);
  return BigInt(Math.round(usd * NANO_PER_USD));
}

export function createCostMeter(): CostMeter & { totals(): CostTotals } {
  let llmNanoUsd = 0n;
  let externalNanoUsd = 0n;
  return {
    llm(spend) {
      llmNanoUsd += toNanoUsd(spend.usd, 'llm');
    },
    external(spend) {
      externalNanoUsd += toNanoUsd(spend.usd, 'external');
    },
    totals: () => ({ llmNanoUsd, externalNanoUsd }),
  };
}

export function nanoToUsd(nano: bigint): number {
  return Number(nano) / NANO_PER_USD;
}
