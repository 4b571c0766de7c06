/**
 * Rate counters in Redis (REDIS_URL): the same GCRA step as the stores' (store/rate-cell.ts),
 * run as one Lua script so that the read and the write are atomic on the Redis server, with
 * keys that expire once they no longer limit anything. When Redis cannot answer, the step runs
 * on the store instead (still shared by every instance), so an outage neither lifts the limits
 * nor refuses every call.
 */
import { createClient } from './redis-client.js';
import type { RateCounter } from './types.js';

const GCRA = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local nxt = tat + interval
if nxt - now > window then return {0, tostring(nxt - now - window)} end
redis.call('SET', KEYS[1], tostring(nxt), 'PX', math.ceil(nxt - now))
return {1, tostring(nxt)}
`;

const PREFIX = 'mcp-prod:rate:';

export interface RedisRateCounter extends RateCounter {
  /** Resolves once Redis is connected (steps taken before then run on the store). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export function openRedisRateCounter(url: string, fallback: RateCounter, onError: (error: Error) => void): RedisRateCounter {
  const client = createClient({
    url,
    // Commands fail at once while Redis is away instead of queueing: the store answers meanwhile.
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000) },
  });
  client.on('error', onError);
  const connected = client.connect().then(
    () => undefined,
    (error: Error) => onError(error),
  );
  return {
    async take(key, rule, now) {
      if (!client.isReady) return fallback.take(key, rule, now);
      const interval = rule.windowMs / rule.limit;
      let reply: [number, string];
      try {
        reply = (await client.eval(GCRA, { keys: [PREFIX + key], arguments: [String(now), String(interval), String(rule.windowMs)] })) as [number, string];
      } catch (error) {
        onError(error as Error);
        return fallback.take(key, rule, now);
      }
      const [allowed, value] = reply;
      if (allowed === 1) return { allowed: true, remaining: Math.floor((rule.windowMs - (Number(value) - now)) / interval + 1e-9) };
      return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(Number(value))) };
    },
    ready: () => connected,
    async close() {
      try {
        if (client.isReady) await client.close();
        else if (client.isOpen) client.destroy();
      } catch (error) {
        onError(error as Error);
      }
    },
  };
}
