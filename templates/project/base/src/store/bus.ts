/**
 * Messages between instances (REDIS_URL): what one instance or `mcp-prod` changed that others
 * keep in memory, such as a revoked token in their verification caches. Redis pub/sub delivers
 * at most once and only to instances connected at that moment, so nothing that must not be lost
 * travels here: idempotency records, tokens and the cost ledger stay in the database, and a
 * listener is told when its subscription drops so it can stop trusting what it cached.
 */
import { createClient } from './redis-client.js';

export interface BusListener {
  message(payload: unknown): void;
  /** The subscription went down (false) or is back (true); messages sent meanwhile are lost. */
  connected(up: boolean): void;
}

export interface Bus {
  readonly enabled: boolean;
  publish(channel: string, payload: unknown): Promise<void>;
  subscribe(channel: string, listener: BusListener): Promise<void>;
  close(): Promise<void>;
}

/** No REDIS_URL: a single instance, or instances that share nothing in memory. */
export const noBus: Bus = {
  enabled: false,
  async publish() {},
  async subscribe() {},
  async close() {},
};

export function openRedisBus(url: string, onError: (error: Error) => void): Bus {
  const options = { url, socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000) } };
  const publisher = createClient(options);
  const subscriber = createClient(options);
  const listeners = new Set<BusListener>();
  publisher.on('error', onError);
  subscriber.on('error', onError);
  const tell = (up: boolean) => {
    for (const listener of listeners) listener.connected(up);
  };
  subscriber.on('ready', () => tell(true));
  subscriber.on('end', () => tell(false));
  subscriber.on('reconnecting', () => tell(false));
  let connecting: Promise<unknown> | undefined;
  const connect = () => (connecting ??= Promise.all([publisher.connect(), subscriber.connect()]));

  return {
    enabled: true,
    async publish(channel, payload) {
      await connect();
      await publisher.publish(channel, JSON.stringify(payload));
    },
    async subscribe(channel, listener) {
      await connect();
      listeners.add(listener);
      await subscriber.subscribe(channel, (message) => {
        try {
          listener.message(JSON.parse(message));
        } catch (error) {
          onError(error as Error);
        }
      });
      listener.connected(subscriber.isReady);
    },
    async close() {
      listeners.clear();
      if (connecting) await Promise.allSettled([publisher.close(), subscriber.close()]);
    },
  };
}

export const TOKEN_CHANNEL = 'mcp-prod:tokens';
