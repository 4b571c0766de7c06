/**
 * One writer at a time, without blocking the event loop. SQLite allows a single writer per
 * file; a transaction that spans a handler's awaits holds that lock for a while, and any other
 * write from this process must wait for it asynchronously (a synchronous busy wait would stop
 * the very event loop the transaction needs to finish).
 */
export type Serialize = <T>(work: () => T | Promise<T>) => Promise<T>;

export function createWriteLock(): Serialize {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };
}
