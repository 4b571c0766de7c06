/** A latency percentile estimated from histogram counts; `above` means it lies beyond the last bound, so only a lower limit is known. */
export interface Percentile {
  ms: number;
  above: boolean;
}

/**
 * The `p` quantile (0 < p <= 1) of a latency histogram, interpolated linearly inside the bucket
 * it falls in. `counts[i]` counts calls in (bounds[i-1], bounds[i]] (from 0 for the first), and
 * `counts[bounds.length]` those above the last bound.
 * @example estimatePercentile([10, 100], [0, 10, 0], 0.5) // { ms: 55, above: false }
 */
export function estimatePercentile(bounds: readonly number[], counts: readonly number[], p: number): Percentile {
  const total = counts.reduce((a, b) => a + b, 0);
  const rank = p * total;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    const count = counts[i] ?? 0;
    if (count > 0 && below + count >= rank) {
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const ms = lower + ((rank - below) / count) * (bounds[i]! - lower);
      return { ms: Math.round(ms * 10) / 10, above: false };
    }
    below += count;
  }
  return { ms: bounds[bounds.length - 1]!, above: true };
}
