/**
 * Waiting for SQLite's lock without stopping the event loop. better-sqlite3 is synchronous, so
 * SQLite's busy timeout is a sleep of the whole thread: waits happen here instead, between
 * attempts, on timers, until a deadline.
 */

/**
 * SQLite's own wait per attempt (busy_timeout). None: its sleeps of a few milliseconds were
 * measured at over 30 ms on a loaded machine, and a timer costs the event loop nothing.
 */
export const BUSY_TIMEOUT_MS = 0;

/** How long a write waits for the lock, from the moment it was asked for, by default. */
export const BUSY_DEADLINE_MS = 2000;

const MAX_PAUSE_MS = 25;

export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** The error a wait ends with: still SQLITE_BUSY, which callers answer with store_unavailable. */
export class StoreBusyError extends Error {
  override name = 'StoreBusyError';
  readonly code = 'SQLITE_BUSY';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it gets past SQLITE_BUSY or `deadline` (epoch ms) passes. An attempt that
 * failed with SQLITE_BUSY had no effect, so running it again is safe. A caller whose deadline
 * passed while it queued behind other writers fails without trying: its turn came too late.
 */
export async function retryWhileBusy<T>(attempt: () => T, deadline: number, location: string): Promise<T> {
  let lastError: unknown;
  for (let pause = 1; Date.now() < deadline; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    try {
      return attempt();
    } catch (error) {
      if (!isBusy(error)) throw error;
      lastError = error;
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(pause, left));
  }
  throw new StoreBusyError(`The SQLite store at ${location} stayed locked by another writer until this write's deadline.`, {
    ...(lastError ? { cause: lastError } : {}),
  });
}
