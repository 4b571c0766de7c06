/**
 * Gives back the memory a burst of requests made V8 grow, once the server has gone quiet.
 *
 * Under load V8 grows its young generation to its maximum (32 MB on Node 20 and 22, 64 MB on 24)
 * and shrinks it again only in a full collection. A request here leaves almost nothing behind that
 * outlives it, so full collections are rare, and after a burst the process would keep that memory
 * although it no longer uses it. When a whole `quietMs` window that follows requests passes
 * without another, the server gives it back (a few milliseconds of collection).
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
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
/** What an unused young generation takes on every Node this runs on (1-2 MB). */
const SMALL_YOUNG_BYTES = 4 * 2 ** 20;
const youngBytes = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
/** About 100 KB of objects, kept for `ms` and then dropped. */
async function allocateALittle(ms: number): Promise<void> {
  const garbage = Array.from({ length: 4096 }, (_, i) => ({ i }));
  await new Promise((resolve) => setTimeout(resolve, ms));
  garbage.length = 0;
}

/**
 * Full collections a moment apart until the young generation is small again (five at most).
 * Node 22 and 24 take "last resort" as a request to give back what they can, and do so in the
 * first. Node 20 ignores it and shrinks only at an allocation rate it measures as low and not
 * zero (zero reads as unknown), so between collections the process allocates a little; even so
 * it shrinks in most tries, not all.
 */
export async function giveBackMemory(): Promise<void> {
  const gc = collector();
  for (let attempt = 0; attempt < 5 && youngBytes() > SMALL_YOUNG_BYTES; attempt++) {
    if (attempt > 0) await allocateALittle(200);
    gc(LAST_RESORT);
  }
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
      // A runtime that will not hand out gc() keeps its memory as before, and the server runs on.
      const stop = () => clearInterval(timer);
      try {
        reclaim().catch(stop);
      } catch {
        stop();
      }
    }
  }, quietMs).unref();
  return {
    served: () => {
      served += 1;
    },
    stop: () => clearInterval(timer),
  };
}
