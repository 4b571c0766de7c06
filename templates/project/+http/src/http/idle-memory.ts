/**
 * Gives back the memory a burst of requests made V8 grow, once the server has gone quiet.
 *
 * Under load V8 grows its young generation to its maximum (32 MB on Node 20 and 22, 64 MB on 24)
 * and shrinks it again only in a full collection. A request here leaves almost nothing behind that
 * outlives it, so full collections are rare, and after a burst the process would keep that memory
 * although it no longer uses it. When a whole `quietMs` window that follows requests passes
 * without another, the server gives it back (a few milliseconds of collection).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleMemory {
  /** A request arrived. */
  served(): void;
  stop(): void;
}

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** V8's gc(), as `node --expose-gc` defines it, reached without leaving that flag on for other code. */
function collector(): Collect {
  const exposed = (globalThis as { gc?: Collect }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Collect;
  setFlagsFromString('--no-expose-gc');
  return gc;
}

const LAST_RESORT = { type: 'major', execution: 'sync', flavor: 'last-resort' } as const;

/**
 * Two full collections a moment apart. Node 22 and 24 take "last resort" as a request to give back
 * what they can, and do so in the first. Node 20 ignores it and shrinks its young generation only
 * once it measures a low allocation rate, which the first collection, after a quiet window of more
 * than five seconds, lets it measure for the second.
 */
export function giveBackMemory(): Promise<void> {
  const gc = collector();
  gc(LAST_RESORT);
  return new Promise((resolve) => {
    setTimeout(() => {
      gc(LAST_RESORT);
      resolve();
    }, 100);
  });
}

export function reclaimWhenIdle(quietMs: number, reclaim: () => Promise<void> = giveBackMemory): IdleMemory {
  let served = 0;
  let seen = 0;
  let grownSinceReclaimed = false;
  const timer = setInterval(() => {
    if (served !== seen) {
      seen = served;
      grownSinceReclaimed = true;
    } else if (grownSinceReclaimed) {
      grownSinceReclaimed = false;
      void reclaim();
    }
  }, quietMs).unref();
  return {
    served: () => {
      served += 1;
    },
    stop: () => clearInterval(timer),
  };
}
