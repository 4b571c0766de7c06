/**
 * Pattern 6: per-tool cost.
 *
 * Handlers report what a call spent through `ctx.cost` (or by returning `__meta` with
 * `llm_cost_usd` / `external_cost_usd` beside their result). LLM usage is priced from the
 * project's price table; a model missing from it is recorded as unpriced with a warning, never
 * as free. Amounts are integer nano-USD held in BigInt, so sums never drift, and every call's
 * items land on its log line and in the store's ledger and daily roll-up.
 */
import type { ModelPrice } from '../prices.js';

export interface CostItem {
  kind: 'llm' | 'external';
  /** nano-USD; null when the model had no price. */
  nanoUsd: bigint | null;
  model?: string;
  vendor?: string;
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  priceVersion?: string;
}

export interface LlmUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** Part of inputTokens served from a prompt cache, priced at the cached rate. */
  cachedInputTokens?: number;
}

export interface CostMeter {
  /** An LLM call made inside the tool: its token usage (priced here) or an amount already known. */
  llm(spend: LlmUsage | { usd: number; model?: string }): void;
  /** Money spent on any other paid API. */
  external(spend: { usd: number; vendor?: string }): void;
}

export interface CostTotals {
  llmNanoUsd: bigint;
  externalNanoUsd: bigint;
  /** LLM items whose model is missing from the price table. */
  unpriced: number;
}

export interface PriceTable {
  version: string;
  models: Record<string, ModelPrice>;
}

const NANO_PER_USD = 1_000_000_000n;
const MILLION = 1_000_000n;

/** usd given as a JS number, converted through its decimal text so 0.0021 is exactly 2_100_000. */
export function usdToNano(usd: number, what: string): bigint {
  if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`${what}: usd must be a finite, non-negative number (got ${usd})`);
  const [whole, fraction = ''] = usd.toFixed(12).split('.');
  const nanos = `${fraction}000000000`.slice(0, 9);
  const rest = fraction.slice(9);
  const base = BigInt(whole!) * NANO_PER_USD + BigInt(nanos);
  return rest !== '' && Number(`0.${rest}`) >= 0.5 ? base + 1n : base;
}

/** tokens x price-per-million, rounded half to even at the nano-USD. */
export function priceTokens(tokens: number, perMillion: number): bigint {
  const product = BigInt(tokens) * BigInt(perMillion);
  const quotient = product / MILLION;
  const remainder = product % MILLION;
  if (remainder * 2n > MILLION || (remainder * 2n === MILLION && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

function assertTokens(value: number | undefined, name: string): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0))
    throw new RangeError(`ctx.cost.llm: ${name} must be a non-negative integer (got ${value})`);
}

export function createCostMeter(prices: PriceTable, onUnpriced: (model: string) => void = () => {}): CostMeter & { totals(): CostTotals; items(): CostItem[] } {
  const items: CostItem[] = [];
  return {
    llm(spend) {
      if ('usd' in spend) {
        items.push({ kind: 'llm', nanoUsd: usdToNano(spend.usd, 'ctx.cost.llm'), ...(spend.model ? { model: spend.model } : {}) });
        return;
      }
      assertTokens(spend.inputTokens, 'inputTokens');
      assertTokens(spend.outputTokens, 'outputTokens');
      assertTokens(spend.cachedInputTokens, 'cachedInputTokens');
      const cached = spend.cachedInputTokens ?? 0;
      if (cached > spend.inputTokens) throw new RangeError('ctx.cost.llm: cachedInputTokens is part of inputTokens and cannot exceed it');
      const usage = { model: spend.model, inputTokens: spend.inputTokens, outputTokens: spend.outputTokens, ...(cached ? { cachedInputTokens: cached } : {}) };
      const price = prices.models[spend.model];
      if (!price) {
        onUnpriced(spend.model);
        items.push({ kind: 'llm', nanoUsd: null, ...usage, priceVersion: prices.version });
        return;
      }
      const nanoUsd =
        priceTokens(spend.inputTokens - cached, price.inputPerMillion) +
        priceTokens(cached, price.cachedInputPerMillion ?? price.inputPerMillion) +
        priceTokens(spend.outputTokens, price.outputPerMillion);
      items.push({ kind: 'llm', nanoUsd, ...usage, priceVersion: prices.version });
    },
    external(spend) {
      items.push({ kind: 'external', nanoUsd: usdToNano(spend.usd, 'ctx.cost.external'), ...(spend.vendor ? { vendor: spend.vendor } : {}) });
    },
    totals() {
      let llmNanoUsd = 0n;
      let externalNanoUsd = 0n;
      let unpriced = 0;
      for (const item of items) {
        if (item.nanoUsd === null) unpriced++;
        else if (item.kind === 'llm') llmNanoUsd += item.nanoUsd;
        else externalNanoUsd += item.nanoUsd;
      }
      return { llmNanoUsd, externalNanoUsd, unpriced };
    },
    items: () => [...items],
  };
}

/** The seed article's style: a handler may return `{ ...result, __meta: { llm_cost_usd, external_cost_usd } }`. */
export function takeReturnedCost(output: unknown, meter: CostMeter): unknown {
  if (typeof output !== 'object' || output === null || !('__meta' in output)) return output;
  const { __meta: meta, ...rest } = output as { __meta?: { llm_cost_usd?: number; external_cost_usd?: number } };
  if (meta?.llm_cost_usd) meter.llm({ usd: meta.llm_cost_usd });
  if (meta?.external_cost_usd) meter.external({ usd: meta.external_cost_usd });
  return rest;
}

export function nanoToUsd(nano: bigint): number {
  return Number(nano) / 1e9;
}
