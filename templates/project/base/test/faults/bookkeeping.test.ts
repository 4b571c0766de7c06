/**
 * Fault: a store that refuses the bookkeeping written behind (token uses, cost records), for a
 * while or for good. Entries wait for the next attempt up to a bound, one bad entry never holds
 * the others back, and every loss is reported.
 */
import { describe, expect, it } from 'vitest';
import { createBookkeeping, type BookkeepingBatch } from '../../src/store/bookkeeping.js';
import type { CostRecord } from '../../src/store/types.js';
import { collectLogs } from './secret-scan.js';

const cost = (callId: string): CostRecord => ({
  callId,
  at: Date.parse('2026-03-01T12:00:00Z'),
  tool: 't',
  toolVersion: '1.0.0',
  principalId: 'p',
  outcome: 'ok',
  items: [],
});
const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store's writer that keeps what it is given, or fails as told. */
function writer() {
  const batches: BookkeepingBatch[] = [];
  const state = { fail: undefined as ((batch: BookkeepingBatch) => Error | undefined) | undefined };
  return {
    batches,
    state,
    written: () => batches.flatMap((batch) => batch.costs.map((c) => c.callId)),
    async write(batch: BookkeepingBatch) {
      const error = state.fail?.(batch);
      if (error) throw error;
      batches.push(structuredClone(batch));
    },
  };
}

function warnings() {
  const seen: { event: string; details: Record<string, unknown> }[] = [];
  return { seen, onWarning: (event: string, details: Record<string, unknown>) => seen.push({ event, details }) };
}

describe('bookkeeping written behind', () => {
  it('writes on its own, a full batch at once (long before the interval), in batches of at most flushBatchSize', async () => {
    const store = writer();
    const book = createBookkeeping(store.write, { flushIntervalMs: 10_000, flushBatchSize: 3 });
    for (const id of ['a', 'b', 'c', 'd']) book.record(cost(id));
    book.touch('tok', '2026-03-01T12:00:00.000Z');
    await sleep(20);
    expect(store.written()).toEqual(['a', 'b', 'c', 'd']);
    expect(store.batches.map((batch) => [batch.costs.length, batch.touches.length])).toEqual([
      [3, 1],
      [1, 0],
    ]);
    await book.close();
  });

  it('keeps what the store refused for the next attempt, and warns once per outage', async () => {
    const store = writer();
    const { seen, onWarning } = warnings();
    const book = createBookkeeping(store.write, { flushIntervalMs: 10, onWarning });
    store.state.fail = busy;
    book.record(cost('a'));
    book.touch('tok', '2026-03-01T12:00:00.000Z');
    await sleep(80);
    book.touch('tok', '2026-03-01T12:00:01.000Z');
    expect(book.lastUse('tok', null)).toBe('2026-03-01T12:00:01.000Z');
    await expect(book.flush()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(seen.map((w) => w.event)).toEqual(['bookkeeping_flush_failed']);
    store.state.fail = undefined;
    await book.flush();
    expect(store.written()).toEqual(['a']);
    expect(store.batches.flatMap((batch) => batch.touches)).toEqual([['tok', '2026-03-01T12:00:01.000Z']]);
    collectLogs(JSON.stringify(seen));
    await book.close();
  });

  it('drops the oldest cost records beyond maxPendingCosts, saying how many', async () => {
    const store = writer();
    const { seen, onWarning } = warnings();
    const book = createBookkeeping(store.write, { flushIntervalMs: 10_000, maxPendingCosts: 5, onWarning });
    store.state.fail = busy;
    for (let i = 0; i < 8; i++) book.record(cost(`c${i}`));
    store.state.fail = undefined;
    await book.flush();
    expect(store.written()).toEqual(['c3', 'c4', 'c5', 'c6', 'c7']);
    expect(seen).toMatchObject([{ event: 'bookkeeping_dropped', details: { dropped: 1 } }]);
    collectLogs(JSON.stringify(seen));
    await book.close();
  });

  it('writes a batch the store rejects for its content entry by entry, dropping only the bad one', async () => {
    const store = writer();
    const { seen, onWarning } = warnings();
    const book = createBookkeeping(store.write, { flushIntervalMs: 10_000, onWarning });
    store.state.fail = (batch) => (batch.costs.some((c) => c.callId === 'bad') ? Object.assign(new Error('value out of range'), { code: '22003' }) : undefined);
    for (const id of ['a', 'bad', 'b']) book.record(cost(id));
    await expect(book.flush()).rejects.toThrow(/out of range/);
    expect(store.written()).toEqual(['a', 'b']);
    expect(seen).toMatchObject([{ event: 'bookkeeping_rejected', details: { rejected: 1, call_id: 'bad' } }]);
    await expect(book.flush()).resolves.toBeUndefined();
    collectLogs(JSON.stringify(seen));
    await book.close();
  });

  it('flushes on close, reports what it could not write, and takes nothing after', async () => {
    const store = writer();
    const { seen, onWarning } = warnings();
    const book = createBookkeeping(store.write, { flushIntervalMs: 10_000, onWarning });
    book.record(cost('a'));
    store.state.fail = busy;
    await book.close();
    expect(seen).toMatchObject([{ event: 'bookkeeping_flush_failed' }, { event: 'bookkeeping_lost', details: { lost_costs: 1, lost_touches: 0 } }]);
    expect(() => book.record(cost('late'))).toThrow(/closed/);

    const healthy = writer();
    const other = createBookkeeping(healthy.write, { flushIntervalMs: 10_000 });
    other.record(cost('kept'));
    await other.close();
    expect(healthy.written()).toEqual(['kept']);
    collectLogs(JSON.stringify(seen));
  });
});
