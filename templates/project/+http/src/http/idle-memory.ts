/**
 * Gives back the memory a burst of requests made V8 grow, once the server has gone quiet.
 *
 * Under load V8 grows its young generation to its maximum (32 MB on Node 20 and 22, more on 24)
 * and shrinks it again only in a full collection. A request here leaves almost nothing behind that
 * outlives it, so full collections are rare, and after a burst the process would keep that memory
 * although it no longer uses it. When a whole `quietMs` window that follows requests passes
 * without another, the server gives it back: one collection of some tens of milliseconds, while
 * nothing waits.
 */
export interface IdleMemory {
  /** A request arrived. */
  served(): void;
  stop(): void;
}

/**
 * One full collection in V8's memory-reducing mode, the one it runs on a low-memory notification:
 * it compacts the old generation, shrinks the young one and unmaps what it freed. The in-process
 * inspector asks for it the same way on Node 20, 22 and 24, with no command-line flag. `gc()` from
 * --expose-gc collects in the ordinary mode on Node 20: after a burst the young generation shrank
 * only sometimes there, and the old one stayed at twice its live size.
 */
export async function giveBackMemory(): Promise<void> {
  // Loaded here, not at start-up: it is needed only once the server is idle, and a Node built
  // without the inspector then rejects instead of failing to start.
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.collectGarbage');
  } finally {
    session.disconnect();
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
      // A runtime without the inspector keeps its memory as before, and the server runs on.
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
