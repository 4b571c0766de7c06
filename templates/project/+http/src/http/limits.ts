/**
 * What one client address may cost the server without a valid token: a token bucket per
 * address for failed authentications (the 429 once it is empty), and a quiet log that writes
 * one line per address and kind of refusal per window, counting the ones it left out.
 */
import type { Logger } from '../platform/logger.js';

/** Keys kept at most: an attacker rotating addresses must not grow these maps without bound. */
const MAX_KEYS = 10_000;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= MAX_KEYS) map.delete(map.keys().next().value!);
  map.set(key, value);
}

export interface AddressBuckets {
  /** Spends one failure for `address`: 0 when it had one to spend, else the seconds until it will. */
  take(address: string, now?: number): number;
}

export function addressBuckets(perMinute: number): AddressBuckets {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  return {
    take(address, now = Date.now()) {
      const last = buckets.get(address);
      const tokens = last ? Math.min(perMinute, last.tokens + (now - last.at) * perMs) : perMinute;
      if (tokens < 1) {
        buckets.set(address, { tokens, at: now });
        return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
      }
      remember(buckets, address, { tokens: tokens - 1, at: now });
      return 0;
    },
  };
}

export type QuietLog = (level: 'info' | 'warn' | 'error', key: string, fields: { event: string } & Record<string, unknown>, now?: number) => void;

/**
 * A logger for refusals a client can repeat at will: the first line for `key` is written, the
 * next ones within `quietMs` are only counted, and the next line written carries `suppressed`.
 */
export function quietLog(logger: Logger, quietMs: number): QuietLog {
  const windows = new Map<string, { until: number; suppressed: number }>();
  return (level, key, fields, now = Date.now()) => {
    const open = windows.get(key);
    if (open && open.until > now) {
      open.suppressed += 1;
      return;
    }
    remember(windows, key, { until: now + quietMs, suppressed: 0 });
    logger[level]({ ...fields, ...(open?.suppressed ? { suppressed: open.suppressed } : {}) }, fields.event);
  };
}
