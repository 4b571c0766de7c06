/**
 * One step of the generic cell rate algorithm (GCRA), shared by every store. The only state per
 * key is its theoretical arrival time (TAT): a call is allowed when moving the TAT one interval
 * on keeps it within one window of now. Bursts of up to `limit` pass, then one per interval.
 */
import type { RateDecision, RateRule } from './types.js';

export interface RateStep {
  decision: RateDecision;
  /** The TAT to store when the call is allowed. */
  tat?: number;
}

export function rateStep(storedTat: number | undefined, rule: RateRule, now: number): RateStep {
  const interval = rule.windowMs / rule.limit;
  const next = Math.max(storedTat ?? now, now) + interval;
  const ahead = next - now;
  if (ahead > rule.windowMs) return { decision: { allowed: false, retryAfterMs: Math.ceil(ahead - rule.windowMs) } };
  return { decision: { allowed: true, remaining: Math.floor((rule.windowMs - ahead) / interval + 1e-9) }, tat: next };
}
