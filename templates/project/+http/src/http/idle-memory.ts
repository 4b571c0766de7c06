/**
 * Gives back the memory a burst of requests made V8 grow, once the server has gone quiet.
 *
 * Under load V8 grows its young generation to its maximum (two halves of 16 MB on 64-bit Node)
 * and shrinks it again only in a full collection. A request here leaves almost nothing behind that
 * outlives it, so full collections are rare, and after a burst the process would keep about 30 MB
 * it no longer uses. When a whole `quietMs` window that follows requests passes without another,
 * one full collection (a few milliseconds with this heap) hands that memory back to the system.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleMemory {
  /** A request arrived. */
  served(): void;
  stop(): void;
}

/** V8's full collection, the `gc()` that `node --expose-gc` defines, reached without that flag. */
export function fullCollection(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export function reclaimWhenIdle(quietMs: number, collect: () => void = fullCollection()): IdleMemory {
  let served = 0;
  let seen = 0;
  let grownSinceCollected = false;
  const timer = setInterval(() => {
    if (served !== seen) {
      seen = served;
      grownSinceCollected = true;
    } else if (grownSinceCollected) {
      grownSinceCollected = false;
      collect();
    }
  }, quietMs).unref();
  return {
    served: () => {
      served += 1;
    },
    stop: () => clearInterval(timer),
  };
}
