/**
 * Bookkeeping written behind: the "last used" time of tokens and the cost ledger with its daily
 * roll-up leave the request path. A call hands them over and goes on; the store writes them in
 * batches, one transaction each, every flush interval or as soon as a batch is full. While the
 * store refuses them (locked, unreachable) they wait here for the next attempt, up to a bound;
 * `close()` flushes, so a clean shutdown loses nothing and a crash at most one interval's worth.
 */
import type { CostRecord } from './types.js';
import { isStoreUnavailable } from './unavailable.js';

/** How a store reports what it cannot tell a caller about (it has no logger of its own). */
export type StoreWarning = (event: string, details: Record<string, unknown>) => void;

export interface BookkeepingOptions {
  /** How often pending entries are written (default 250 ms). */
  flushIntervalMs?: number;
  /** Entries per transaction; this many pending cost records start a flush at once (default 200). */
  flushBatchSize?: number;
  /** Cost records kept while the store refuses them; beyond it the oldest are dropped (default 10 000). */
  maxPendingCosts?: number;
  onWarning?: StoreWarning;
}

export interface BookkeepingBatch {
  /** Token id and the ISO time of its latest use. */
  touches: [string, string][];
  costs: CostRecord[];
}

export interface Bookkeeping {
  touch(id: string, at: string): void;
  record(cost: CostRecord): void;
  /** The latest use of a token: `stored`, or a newer one not written yet. */
  lastUse(id: string, stored: string | null): string | null;
  /** Writes everything pending now; rejects if something could not be written (kept or dropped). */
  flush(): Promise<void>;
  /** Flushes and stops; whatever cannot be written then is reported lost. */
  close(): Promise<void>;
}

const WARN_EVERY_MS = 30_000;

const newer = (at: string, than: string | null | undefined): boolean => than === null || than === undefined || at > than;

export function createBookkeeping(write: (batch: BookkeepingBatch) => Promise<void>, options: BookkeepingOptions = {}): Bookkeeping {
  const intervalMs = options.flushIntervalMs ?? 250;
  const batchSize = options.flushBatchSize ?? 200;
  const maxPending = options.maxPendingCosts ?? 10_000;
  const touches = new Map<string, string>();
  const writing = new Map<string, string>();
  let costs: CostRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Infinity;
  let running: Promise<void> | undefined;
  let failing = false;
  let dropped = 0;
  let closed: Promise<void> | undefined;
  const lastWarned = new Map<string, number>();

  const warn = (event: string, details: Record<string, unknown>, throttle = true) => {
    const now = Date.now();
    if (throttle && now - (lastWarned.get(event) ?? -Infinity) < WARN_EVERY_MS) return;
    lastWarned.set(event, now);
    options.onWarning?.(event, details);
  };

  const pending = () => touches.size + costs.length;

  const dropOldest = () => {
    const excess = costs.length - maxPending;
    if (excess <= 0) return;
    costs.splice(0, excess);
    dropped += excess;
    warn('bookkeeping_dropped', { dropped, pending: costs.length, reason: 'the store has refused cost records for too long' });
  };

  const schedule = () => {
    if (closed || pending() === 0) return;
    // A full batch goes at once, unless the store is failing: then the next try waits its turn.
    const delay = costs.length >= batchSize && !failing ? 0 : intervalMs;
    if (timer && timerDue <= Date.now() + delay) return;
    clearTimeout(timer);
    timerDue = Date.now() + delay;
    timer = setTimeout(() => {
      timer = undefined;
      timerDue = Infinity;
      if (!running) flush().catch(() => undefined);
    }, delay);
    timer.unref();
  };

  const take = (): BookkeepingBatch => {
    const batch: BookkeepingBatch = { touches: [], costs: costs.splice(0, batchSize) };
    for (const entry of touches) {
      if (batch.touches.length >= batchSize) break;
      batch.touches.push(entry);
      writing.set(...entry);
      touches.delete(entry[0]);
    }
    return batch;
  };

  const putBack = (batch: BookkeepingBatch) => {
    for (const [id, at] of batch.touches) if (newer(at, touches.get(id))) touches.set(id, at);
    costs = batch.costs.concat(costs);
    dropOldest();
  };

  /** A batch the store rejected for what it holds, not for being down: each entry alone, so one bad entry cannot block the rest. */
  const writeOneByOne = async (batch: BookkeepingBatch): Promise<unknown> => {
    const entries: BookkeepingBatch[] = [
      ...batch.touches.map((touch) => ({ touches: [touch], costs: [] })),
      ...batch.costs.map((cost) => ({ touches: [], costs: [cost] })),
    ];
    const rejected: { entry: BookkeepingBatch; error: unknown }[] = [];
    for (const [index, entry] of entries.entries()) {
      try {
        await write(entry);
      } catch (error) {
        if (isStoreUnavailable(error)) {
          for (const rest of entries.slice(index)) putBack(rest);
          throw error;
        }
        rejected.push({ entry, error });
      }
    }
    const first = rejected[0];
    if (!first) return undefined;
    const example = first.entry.costs[0] ? { call_id: first.entry.costs[0].callId } : { token_id: first.entry.touches[0]![0] };
    warn('bookkeeping_rejected', { rejected: rejected.length, ...example, err: first.error }, false);
    return first.error;
  };

  const drain = async () => {
    let rejected: unknown;
    try {
      for (let first = true; pending() > 0; first = false) {
        // A backlog goes out batch by batch, with the event loop free in between.
        if (!first) await new Promise((resolve) => setImmediate(resolve));
        const batch = take();
        try {
          await write(batch);
        } catch (error) {
          if (isStoreUnavailable(error)) {
            putBack(batch);
            throw error;
          }
          rejected ??= await writeOneByOne(batch);
        } finally {
          writing.clear();
        }
      }
    } catch (error) {
      // The first failure of a run is always reported, the rest at most every WARN_EVERY_MS.
      warn('bookkeeping_flush_failed', { err: error, pending: pending(), retry_in_ms: intervalMs }, failing);
      failing = true;
      throw error;
    }
    failing = false;
    if (rejected) throw rejected;
  };

  const flush = async (): Promise<void> => {
    while (running) await running.catch(() => undefined);
    if (pending() === 0) return;
    running = drain().finally(() => {
      running = undefined;
      schedule();
    });
    await running;
  };

  return {
    touch(id, at) {
      if (closed) throw new Error('The store is closed.');
      if (newer(at, touches.get(id))) touches.set(id, at);
      schedule();
    },
    record(cost) {
      if (closed) throw new Error('The store is closed.');
      costs.push(cost);
      dropOldest();
      schedule();
    },
    lastUse(id, stored) {
      const candidates = [touches.get(id), writing.get(id)].filter((at): at is string => at !== undefined && newer(at, stored));
      return candidates.sort().at(-1) ?? stored;
    },
    flush,
    close() {
      closed ??= (async () => {
        clearTimeout(timer);
        try {
          await flush();
        } catch (error) {
          if (pending() > 0) warn('bookkeeping_lost', { err: error, lost_costs: costs.length, lost_touches: touches.size }, false);
        }
      })();
      return closed;
    },
  };
}
