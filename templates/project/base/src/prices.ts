/**
 * The LLM price table `ctx.cost.llm({ model, inputTokens, outputTokens })` prices against.
 * Prices are integer nano-USD per million tokens ($1.00 per million = 1_000_000_000), so no
 * rounding happens until a call's cost is computed. Edit it when your provider's prices change,
 * and change `version`: every cost record keeps the version it was priced with.
 *
 * The entries below are EXAMPLES; check them against your provider's current price list.
 */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
  /** Cached (prompt-cache) input; defaults to the input price. */
  cachedInputPerMillion?: number;
}

export const priceTable: { version: string; models: Record<string, ModelPrice> } = {
  version: '2026-11-01',
  models: {
    'example-small': { inputPerMillion: 250_000_000, outputPerMillion: 1_250_000_000, cachedInputPerMillion: 25_000_000 },
    'example-large': { inputPerMillion: 3_000_000_000, outputPerMillion: 15_000_000_000, cachedInputPerMillion: 300_000_000 },
  },
};
