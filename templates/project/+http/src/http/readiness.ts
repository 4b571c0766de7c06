/**
 * Readiness (/readyz): can the store take a write right now? Unlike liveness (/healthz, which
 * never touches the store), it says "not ready" while the store is down, locked or slow, so a
 * load balancer sends traffic elsewhere. Probes arriving together share one check, so that
 * hammering the endpoint does not queue writes.
 */
import type { Store } from '../store/types.js';
import type { QuietLog } from './limits.js';

/** A probe that waits longer than this on the store answers not ready. */
const TIMEOUT_MS = 2_000;

/** Resolves undefined when ready, else the reason: `store_unavailable` or `store_timeout`. */
export function readinessCheck(store: Store, quiet: QuietLog): () => Promise<string | undefined> {
  let running: Promise<string | undefined> | undefined;
  const check = () =>
    new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve('store_timeout'), TIMEOUT_MS);
      store
        .checkWritable()
        .then(
          () => resolve(undefined),
          (error: unknown) => {
            quiet('warn', 'not_ready', { event: 'not_ready', err: error });
            resolve('store_unavailable');
          },
        )
        .finally(() => clearTimeout(timer));
    });
  return () => {
    running ??= check().finally(() => (running = undefined));
    return running;
  };
}
