/**
 * After a burst of requests, a quiet window gives back the memory V8 grew for it
 * (src/http/idle-memory.ts): the policy with a stand-in collection, and V8's memory-reducing
 * collection shrinking a grown young generation and a fragmented old one in a process of its own.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reclaimWhenIdle } from '../src/http/idle-memory.js';

const run = promisify(execFile);

describe('reclaimWhenIdle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects once when a quiet window follows requests, and never while they keep coming', () => {
    vi.useFakeTimers();
    const collect = vi.fn(async () => {});
    const idle = reclaimWhenIdle(1_000, collect);
    vi.advanceTimersByTime(3_000);
    expect(collect).not.toHaveBeenCalled();

    for (let window = 0; window < 5; window++) {
      idle.served();
      vi.advanceTimersByTime(1_000);
    }
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(1);

    idle.served();
    vi.advanceTimersByTime(2_000);
    expect(collect).toHaveBeenCalledTimes(2);

    idle.stop();
    idle.served();
    vi.advanceTimersByTime(5_000);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('stops trying, and throws nothing, when the collection cannot run', async () => {
    vi.useFakeTimers();
    for (const reclaim of [
      vi.fn((): Promise<void> => {
        throw new Error('Inspector is not available');
      }),
      vi.fn(async () => {
        throw new Error('refused');
      }),
    ]) {
      const idle = reclaimWhenIdle(1_000, reclaim);
      idle.served();
      await vi.advanceTimersByTimeAsync(2_000);
      expect(reclaim).toHaveBeenCalledTimes(1);
      idle.served();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(reclaim).toHaveBeenCalledTimes(1);
      idle.stop();
    }
  });
});

describe('giveBackMemory', () => {
  it('shrinks the young generation a burst grew and compacts a fragmented old one, on every supported Node', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.resolve('test/fixtures/heap-after-burst-probe.ts')]);
    type Sizes = { young: number; old: number };
    const { grown, collected } = JSON.parse(stdout) as { grown: Sizes; collected: Sizes };
    expect(grown.young).toBeGreaterThanOrEqual(8 * 2 ** 20);
    expect(grown.old).toBeGreaterThanOrEqual(16 * 2 ** 20);
    expect(collected.young).toBeLessThanOrEqual(grown.young / 4);
    expect(collected.old).toBeLessThanOrEqual(grown.old / 2);
  }, 30_000);
});
