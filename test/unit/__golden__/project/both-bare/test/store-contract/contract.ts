/**
 * The store conformance suite: every behaviour the platform relies on from a `Store`, runnable
 * against any implementation. A store of your own passes it before it serves a call:
 *
 *   describeStoreContract('redis', async () => {
 *     const store = openMyStore();
 *     return { store, cleanup: () => store.close() };
 *   });
 *
 * `open` is called before every test and must return an empty store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BudgetHold, ClaimOutcome, ClaimRequest, CostRecord, IdempotencyScope, Store, TokenRecord } from '../../src/store/types.js';

export interface OpenedStore {
  store: Store;
  cleanup(): Promise<void>;
}

export interface StoreContractOptions {
  /** The store runs `tx.sql` and hides a transaction's writes from other calls until it commits. */
  sql?: boolean;
}

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const LEASE = 30_000;
const RETENTION = 86_400_000;

const claimRequest = (overrides: Partial<ClaimRequest> = {}): ClaimRequest => ({
  principalId: 'alice',
  tool: 'send_email',
  key: 'key-1',
  fingerprint: 'fingerprint-1',
  now: T0,
  leaseMs: LEASE,
  retentionMs: RETENTION,
  ...overrides,
});

const scopeOf = ({ principalId, tool, key }: IdempotencyScope): IdempotencyScope => ({ principalId, tool, key });

const token = (id: string, overrides: Partial<TokenRecord> = {}): TokenRecord => ({
  id,
  principalId: 'alice',
  name: `token ${id}`,
  scopes: ['notes:read', 'notes:write'],
  hint: `mcpp_…${id.slice(-4)}`,
  createdAt: '2026-03-01T12:00:00.000Z',
  expiresAt: '2026-04-01T12:00:00.000Z',
  revokedAt: null,
  lastUsedAt: null,
  rotatedFrom: null,
  ...overrides,
});

const costRecord = (overrides: Partial<CostRecord> = {}): CostRecord => ({
  callId: `call-${Math.random().toString(36).slice(2)}`,
  at: T0,
  tool: 'summarise',
  toolVersion: '1.0.0',
  principalId: 'alice',
  outcome: 'ok',
  items: [],
  ...overrides,
});

const llm = (nanoUsd: bigint | null) => ({
  kind: 'llm' as const,
  nanoUsd,
  model: 'model-a',
  inputTokens: 1000,
  outputTokens: 200,
  cachedInputTokens: 0,
  priceVersion: 'test-1',
});
const external = (nanoUsd: bigint) => ({ kind: 'external' as const, nanoUsd, vendor: 'maps' });

/** The latency histogram of calls that recorded no latency (12 buckets: 11 bounds and the rest). */
const noLatency = new Array<number>(12).fill(0);

const kinds = (outcomes: ClaimOutcome[]) => outcomes.map((o) => o.kind);
const countOf = (values: string[], value: string) => values.filter((v) => v === value).length;

export function describeStoreContract(name: string, open: () => Promise<OpenedStore>, options: StoreContractOptions = {}): void {
  describe(`${name} store contract`, () => {
    let opened: OpenedStore | undefined;
    let store: Store;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened?.cleanup();
      opened = undefined;
    });

    const acquire = async (request: ClaimRequest): Promise<string> => {
      const outcome = await store.idempotency.claim(request);
      if (outcome.kind !== 'acquired') throw new Error(`expected to acquire ${request.key}, got ${outcome.kind}`);
      return outcome.leaseToken;
    };

    describe('tokens', () => {
      it('finds an inserted token by hash and by id, exactly as inserted', async () => {
        const plain = token('tok_plain');
        const used = token('tok_used', { scopes: [], revokedAt: '2026-03-02T00:00:00.000Z', lastUsedAt: '2026-03-01T13:00:00.123Z', rotatedFrom: 'tok_plain' });
        await store.tokens.insert(plain, 'hash-plain');
        await store.tokens.insert(used, 'hash-used');
        expect(await store.tokens.findByHash('hash-plain')).toEqual(plain);
        expect(await store.tokens.findByHash('hash-used')).toEqual(used);
        expect(await store.tokens.get('tok_used')).toEqual(used);
        expect(await store.tokens.findByHash('hash-unknown')).toBeUndefined();
        expect(await store.tokens.get('tok_unknown')).toBeUndefined();
      });

      it('refuses a second token with the same hash', async () => {
        await store.tokens.insert(token('tok_a'), 'same-hash');
        await expect(store.tokens.insert(token('tok_b'), 'same-hash')).rejects.toThrow();
        expect(await store.tokens.findByHash('same-hash')).toMatchObject({ id: 'tok_a' });
      });

      it('lists every token', async () => {
        await store.tokens.insert(token('tok_b', { createdAt: '2026-03-01T12:00:00.000Z' }), 'h-b');
        await store.tokens.insert(token('tok_a', { createdAt: '2026-03-01T12:00:00.000Z' }), 'h-a');
        await store.tokens.insert(token('tok_c', { createdAt: '2026-02-01T00:00:00.000Z' }), 'h-c');
        const listed = await store.tokens.list();
        expect(listed.map((t) => t.id).sort()).toEqual(['tok_a', 'tok_b', 'tok_c']);
        expect(listed.find((t) => t.id === 'tok_c')).toEqual(token('tok_c', { createdAt: '2026-02-01T00:00:00.000Z' }));
      });

      it('revokes a token once', async () => {
        await store.tokens.insert(token('tok_r'), 'h-r');
        expect(await store.tokens.revoke('tok_r', '2026-03-05T00:00:00.000Z')).toBe(true);
        expect(await store.tokens.revoke('tok_r', '2026-03-06T00:00:00.000Z')).toBe(false);
        expect(await store.tokens.revoke('tok_unknown', '2026-03-06T00:00:00.000Z')).toBe(false);
        expect((await store.tokens.get('tok_r'))?.revokedAt).toBe('2026-03-05T00:00:00.000Z');
      });

      it('changes the expiry and records the last use', async () => {
        await store.tokens.insert(token('tok_e'), 'h-e');
        await store.tokens.setExpiry('tok_e', '2026-03-10T00:00:00.000Z');
        await store.tokens.touch('tok_e', '2026-03-02T08:30:00.500Z');
        const expected = token('tok_e', { expiresAt: '2026-03-10T00:00:00.000Z', lastUsedAt: '2026-03-02T08:30:00.500Z' });
        expect(await store.tokens.get('tok_e')).toEqual(expected);
        await store.flush();
        expect(await store.tokens.get('tok_e')).toEqual(expected);
        await expect(store.tokens.setExpiry('tok_unknown', '2026-03-10T00:00:00.000Z')).resolves.toBeUndefined();
        await expect(store.tokens.touch('tok_unknown', '2026-03-10T00:00:00.000Z')).resolves.toBeUndefined();
        await expect(store.flush()).resolves.toBeUndefined();
      });

      it('shows a use at once, before it is flushed, and never moves the last use back', async () => {
        await store.tokens.insert(token('tok_u'), 'h-u');
        await store.tokens.touch('tok_u', '2026-03-02T10:00:00.000Z');
        await store.tokens.touch('tok_u', '2026-03-02T09:00:00.000Z');
        expect((await store.tokens.findByHash('h-u'))?.lastUsedAt).toBe('2026-03-02T10:00:00.000Z');
        expect((await store.tokens.list()).find((t) => t.id === 'tok_u')?.lastUsedAt).toBe('2026-03-02T10:00:00.000Z');
        await store.flush();
        await store.tokens.touch('tok_u', '2026-03-02T08:00:00.000Z');
        await store.flush();
        expect((await store.tokens.get('tok_u'))?.lastUsedAt).toBe('2026-03-02T10:00:00.000Z');
      });

      it('hands out copies that callers cannot use to change the store', async () => {
        await store.tokens.insert(token('tok_copy'), 'h-copy');
        const found = (await store.tokens.get('tok_copy'))!;
        found.scopes.push('admin');
        found.revokedAt = '2026-03-02T00:00:00.000Z';
        expect(await store.tokens.get('tok_copy')).toEqual(token('tok_copy'));
      });
    });

    describe('idempotency', () => {
      it('acquires a new key with a lease token of its own', async () => {
        const first = await acquire(claimRequest());
        const second = await acquire(claimRequest({ key: 'key-2' }));
        expect(first).toEqual(expect.any(String));
        expect(first).not.toBe('');
        expect(second).not.toBe(first);
      });

      it('replays the stored response byte for byte once completed', async () => {
        const request = claimRequest();
        const lease = await acquire(request);
        const response = JSON.stringify({ content: [{ type: 'text', text: 'héllo ✓ "quoted" \\ \u0000' }], big: 'x'.repeat(100_000) });
        expect(await store.idempotency.complete(scopeOf(request), lease, response, T0 + 5)).toBe(true);
        expect(await store.idempotency.claim({ ...request, now: T0 + 10 })).toEqual({ kind: 'replay', response });
      });

      it('answers mismatch to other arguments, in progress or completed, and leaves the record alone', async () => {
        const request = claimRequest();
        const lease = await acquire(request);
        expect(await store.idempotency.claim({ ...request, fingerprint: 'other', now: T0 + 1 })).toEqual({ kind: 'mismatch' });
        expect(await store.idempotency.complete(scopeOf(request), lease, '"done"', T0 + 2)).toBe(true);
        expect(await store.idempotency.claim({ ...request, fingerprint: 'other', now: T0 + 3 })).toEqual({ kind: 'mismatch' });
        expect(await store.idempotency.claim({ ...request, now: T0 + 4 })).toEqual({ kind: 'replay', response: '"done"' });
      });

      it('answers in_progress while the lease lives, saying when to retry', async () => {
        const request = claimRequest();
        await acquire(request);
        expect(await store.idempotency.claim({ ...request, now: T0 + 100 })).toEqual({ kind: 'in_progress', retryAfterMs: 1000 });
        expect(await store.idempotency.claim({ ...request, now: T0 + LEASE - 250 })).toEqual({ kind: 'in_progress', retryAfterMs: 250 });
        expect(await store.idempotency.claim({ ...request, now: T0 + 200, reclaimStale: true })).toEqual({ kind: 'in_progress', retryAfterMs: 1000 });
      });

      it('answers stale once the lease ran out, and the record stays its owner’s', async () => {
        const request = claimRequest();
        const lease = await acquire(request);
        expect(await store.idempotency.claim({ ...request, now: T0 + LEASE })).toEqual({ kind: 'stale' });
        expect(await store.idempotency.claim({ ...request, now: T0 + LEASE * 2 })).toEqual({ kind: 'stale' });
        // Nobody took it over, so the slow owner may still complete it.
        expect(await store.idempotency.complete(scopeOf(request), lease, '"late"', T0 + LEASE * 3)).toBe(true);
        expect(await store.idempotency.claim({ ...request, now: T0 + LEASE * 3 })).toEqual({ kind: 'replay', response: '"late"' });
      });

      it('with reclaimStale, takes a stale record over with a new lease; the old owner then loses', async () => {
        const request = claimRequest();
        const oldLease = await acquire(request);
        const later = T0 + LEASE + 1;
        const newLease = await acquire({ ...request, now: later, reclaimStale: true });
        expect(newLease).not.toBe(oldLease);
        expect(await store.idempotency.claim({ ...request, now: later + 1, reclaimStale: true })).toEqual({ kind: 'in_progress', retryAfterMs: 1000 });
        expect(await store.idempotency.complete(scopeOf(request), oldLease, '"old"', later + 2)).toBe(false);
        expect(await store.idempotency.complete(scopeOf(request), newLease, '"new"', later + 3)).toBe(true);
        expect(await store.idempotency.complete(scopeOf(request), oldLease, '"old"', later + 4)).toBe(false);
        expect(await store.idempotency.claim({ ...request, now: later + 5, reclaimStale: true })).toEqual({ kind: 'replay', response: '"new"' });
      });

      it('with reclaimStale, still refuses other arguments on a stale record', async () => {
        const request = claimRequest();
        await acquire(request);
        expect(await store.idempotency.claim({ ...request, fingerprint: 'other', now: T0 + LEASE + 1, reclaimStale: true })).toEqual({ kind: 'mismatch' });
      });

      it('completes only with the lease token that owns the record, and only once', async () => {
        const request = claimRequest();
        const lease = await acquire(request);
        expect(await store.idempotency.complete(scopeOf(request), 'not-the-lease', '"forged"', T0 + 1)).toBe(false);
        expect(await store.idempotency.complete(scopeOf(request), lease, '"first"', T0 + 2)).toBe(true);
        expect(await store.idempotency.complete(scopeOf(request), lease, '"second"', T0 + 3)).toBe(false);
        expect(await store.idempotency.complete({ ...scopeOf(request), key: 'never-claimed' }, lease, '"x"', T0 + 4)).toBe(false);
        expect(await store.idempotency.claim({ ...request, now: T0 + 5 })).toEqual({ kind: 'replay', response: '"first"' });
      });

      it('releases an in-progress record only for its lease owner, so the key can run again', async () => {
        const request = claimRequest();
        const lease = await acquire(request);
        expect(await store.idempotency.release(scopeOf(request), 'not-the-lease')).toBe(false);
        expect(await store.idempotency.claim({ ...request, now: T0 + 1 })).toEqual({ kind: 'in_progress', retryAfterMs: 1000 });
        expect(await store.idempotency.release(scopeOf(request), lease)).toBe(true);
        expect(await store.idempotency.release(scopeOf(request), lease)).toBe(false);
        expect(await store.idempotency.complete(scopeOf(request), lease, '"gone"', T0 + 2)).toBe(false);
        const again = await acquire({ ...request, fingerprint: 'other-arguments', now: T0 + 3 });
        expect(again).not.toBe(lease);
      });

      it('never releases a completed record', async () => {
        const request = claimRequest();
        const lease = await acquire(request);
        await store.idempotency.complete(scopeOf(request), lease, '"done"', T0 + 1);
        expect(await store.idempotency.release(scopeOf(request), lease)).toBe(false);
        expect(await store.idempotency.claim({ ...request, now: T0 + 2 })).toEqual({ kind: 'replay', response: '"done"' });
      });

      it('forgets a record when its retention has passed, even before it is purged', async () => {
        const request = claimRequest();
        const lease = await acquire(request);
        await store.idempotency.complete(scopeOf(request), lease, '"kept"', T0 + 1);
        expect(await store.idempotency.claim({ ...request, now: T0 + RETENTION - 1 })).toEqual({ kind: 'replay', response: '"kept"' });
        const fresh = await acquire({ ...request, fingerprint: 'new-arguments', now: T0 + RETENTION });
        expect(fresh).not.toBe(lease);
        expect(await store.idempotency.claim({ ...request, fingerprint: 'new-arguments', now: T0 + RETENTION + 1 })).toEqual({
          kind: 'in_progress',
          retryAfterMs: 1000,
        });
        expect(await store.idempotency.complete(scopeOf(request), lease, '"old owner"', T0 + RETENTION + 2)).toBe(false);
      });

      it('of 50 concurrent claims of one scope, exactly one acquires', async () => {
        const request = claimRequest({ key: 'contended' });
        const outcomes = await Promise.all(Array.from({ length: 50 }, () => store.idempotency.claim(request)));
        expect(countOf(kinds(outcomes), 'acquired')).toBe(1);
        expect(countOf(kinds(outcomes), 'in_progress')).toBe(49);
      });

      it('of concurrent claims with different arguments, exactly one acquires', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.idempotency.claim(claimRequest({ key: 'contended', fingerprint: `fingerprint-${i % 2}` }))),
        );
        expect(countOf(kinds(outcomes), 'acquired')).toBe(1);
        expect(kinds(outcomes).every((kind) => ['acquired', 'in_progress', 'mismatch'].includes(kind))).toBe(true);
      });

      it('of concurrent takeovers of a stale record, exactly one acquires', async () => {
        const request = claimRequest({ key: 'stale-contended' });
        await acquire(request);
        const later = { ...request, now: T0 + LEASE + 1, reclaimStale: true };
        const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.idempotency.claim(later)));
        expect(countOf(kinds(outcomes), 'acquired')).toBe(1);
        expect(countOf(kinds(outcomes), 'in_progress')).toBe(19);
      });

      it('of concurrent claims of a record past its retention, exactly one acquires', async () => {
        const request = claimRequest({ key: 'expired-contended' });
        const lease = await acquire(request);
        await store.idempotency.complete(scopeOf(request), lease, '"old"', T0 + 1);
        const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.idempotency.claim({ ...request, now: T0 + RETENTION })));
        expect(countOf(kinds(outcomes), 'acquired')).toBe(1);
        expect(countOf(kinds(outcomes), 'in_progress')).toBe(19);
      });

      it('keeps keys apart per principal and per tool', async () => {
        const alice = claimRequest({ principalId: 'alice', tool: 'send_email' });
        const bob = claimRequest({ principalId: 'bob', tool: 'send_email' });
        const otherTool = claimRequest({ principalId: 'alice', tool: 'send_sms' });
        const aliceLease = await acquire(alice);
        await acquire(bob);
        await acquire({ ...otherTool, fingerprint: 'different-too' });
        await store.idempotency.complete(scopeOf(alice), aliceLease, '"alice only"', T0 + 1);
        expect(await store.idempotency.claim({ ...alice, now: T0 + 2 })).toEqual({ kind: 'replay', response: '"alice only"' });
        expect(await store.idempotency.claim({ ...bob, now: T0 + 2 })).toEqual({ kind: 'in_progress', retryAfterMs: 1000 });
        expect(await store.idempotency.claim({ ...otherTool, fingerprint: 'different-too', now: T0 + 2 })).toEqual({ kind: 'in_progress', retryAfterMs: 1000 });
        expect(await store.idempotency.complete(scopeOf(bob), aliceLease, '"cross"', T0 + 3)).toBe(false);
      });

      it('purges exactly the records past their retention', async () => {
        for (let i = 0; i < 3; i++) await acquire(claimRequest({ key: `short-${i}`, retentionMs: 1000 }));
        const keptLease = await acquire(claimRequest({ key: 'long', retentionMs: 10_000 }));
        await store.idempotency.complete(scopeOf(claimRequest({ key: 'long' })), keptLease, '"long"', T0 + 1);
        expect(await store.idempotency.purgeExpired(T0 + 999)).toBe(0);
        expect(await store.idempotency.purgeExpired(T0 + 1000)).toBe(3);
        expect(await store.idempotency.purgeExpired(T0 + 1000)).toBe(0);
        expect(await store.idempotency.claim(claimRequest({ key: 'long', retentionMs: 10_000, now: T0 + 1001 }))).toEqual({
          kind: 'replay',
          response: '"long"',
        });
        await acquire(claimRequest({ key: 'short-0', fingerprint: 'anything', now: T0 + 1001 }));
        expect(await store.idempotency.purgeExpired(T0 + 10_000)).toBe(1);
      });
    });

    describe('costs', () => {
      it('rolls a call into its UTC day, tool and principal, keeping unpriced items apart', async () => {
        await store.costs.record(costRecord({ items: [llm(1500n), external(250n), llm(null)] }));
        await store.flush();
        expect(await store.costs.daily('2026-03-01')).toEqual([
          {
            day: '2026-03-01',
            tool: 'summarise',
            principalId: 'alice',
            calls: 1,
            errors: 0,
            replays: 0,
            llmNanoUsd: 1500n,
            externalNanoUsd: 250n,
            unpriced: 1,
            errorCodes: {},
            latencyCounts: noLatency,
          },
        ]);
      });

      it('counts every call, its errors and its replays (which cost nothing)', async () => {
        await store.costs.record(costRecord({ items: [llm(100n)] }));
        await store.costs.record(costRecord({ outcome: 'error', items: [llm(40n), external(2n)] }));
        await store.costs.record(costRecord({ outcome: 'replayed' }));
        await store.costs.record(costRecord({ items: [] }));
        await store.flush();
        expect(await store.costs.daily('2026-03-01')).toEqual([
          {
            day: '2026-03-01',
            tool: 'summarise',
            principalId: 'alice',
            calls: 4,
            errors: 1,
            replays: 1,
            llmNanoUsd: 140n,
            externalNanoUsd: 2n,
            unpriced: 0,
            errorCodes: {},
            latencyCounts: noLatency,
          },
        ]);
      });

      it('adds a batch spanning days, tools and principals onto the rows earlier batches wrote', async () => {
        const DAY = 86_400_000;
        const batch = (round: number) =>
          [
            costRecord({ items: [llm(BigInt(10 * round))], latencyMs: 3 }),
            costRecord({ principalId: 'bob', outcome: 'error', errorCode: 'rate_limited', latencyMs: 30 }),
            costRecord({ tool: 'other', items: [external(7n)], latencyMs: 3 }),
            costRecord({ at: T0 + DAY, items: [llm(1n)], latencyMs: 600 }),
            costRecord({ items: [llm(BigInt(round))], outcome: 'replayed', latencyMs: 3 }),
          ] as const;
        for (const round of [1, 2]) {
          for (const record of batch(round)) await store.costs.record(record);
          await store.flush();
        }
        const rows = await store.costs.daily('2026-03-01');
        const summary = rows.map(({ day, tool, principalId, calls, errors, replays, llmNanoUsd, externalNanoUsd, errorCodes, latencyCounts }) => ({
          key: `${day} ${tool} ${principalId}`,
          calls,
          errors,
          replays,
          llmNanoUsd,
          externalNanoUsd,
          errorCodes,
          buckets: latencyCounts.flatMap((count, i) => (count > 0 ? [`${i}:${count}`] : [])),
        }));
        expect(summary).toEqual([
          { key: '2026-03-01 other alice', calls: 2, errors: 0, replays: 0, llmNanoUsd: 0n, externalNanoUsd: 14n, errorCodes: {}, buckets: ['0:2'] },
          { key: '2026-03-01 summarise alice', calls: 4, errors: 0, replays: 2, llmNanoUsd: 33n, externalNanoUsd: 0n, errorCodes: {}, buckets: ['0:4'] },
          {
            key: '2026-03-01 summarise bob',
            calls: 2,
            errors: 2,
            replays: 0,
            llmNanoUsd: 0n,
            externalNanoUsd: 0n,
            errorCodes: { rate_limited: 2 },
            buckets: ['3:2'],
          },
          { key: '2026-03-02 summarise alice', calls: 2, errors: 0, replays: 0, llmNanoUsd: 2n, externalNanoUsd: 0n, errorCodes: {}, buckets: ['7:2'] },
        ]);
      });

      it('counts failed calls by error code and every call in its latency bucket', async () => {
        const timed = (latencyMs: number, errorCode?: string) => costRecord({ latencyMs, ...(errorCode ? { outcome: 'error' as const, errorCode } : {}) });
        for (const record of [timed(3), timed(5), timed(7, 'rate_limited'), timed(80, 'rate_limited'), timed(80, 'note_not_found'), timed(99_000)])
          await store.costs.record(record);
        await store.costs.record(costRecord({ tool: 'other', latencyMs: 1, outcome: 'error', errorCode: 'internal_error' }));
        await store.flush();
        const [other, summarise] = await store.costs.daily('2026-03-01');
        expect(summarise).toMatchObject({
          tool: 'summarise',
          calls: 6,
          errors: 3,
          errorCodes: { rate_limited: 2, note_not_found: 1 },
          latencyCounts: [2, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1],
        });
        expect(other).toMatchObject({ tool: 'other', errorCodes: { internal_error: 1 }, latencyCounts: [1, ...noLatency.slice(1)] });
      });

      it('keeps sums exact past 2^53 nano-USD', async () => {
        const big = 2n ** 53n + 1n;
        const bigger = 2n ** 60n + 3n;
        for (let i = 0; i < 3; i++) await store.costs.record(costRecord({ items: [llm(big), external(bigger), llm(1n)] }));
        await store.flush();
        const [row] = await store.costs.daily('2026-03-01');
        expect(row?.llmNanoUsd).toBe(3n * big + 3n);
        expect(row?.externalNanoUsd).toBe(3n * bigger);
        expect(typeof row?.llmNanoUsd).toBe('bigint');
      });

      it('splits rows by UTC day, tool and principal, sorted, from the given day on', async () => {
        const lastMs = Date.parse('2026-03-01T23:59:59.999Z');
        const next = Date.parse('2026-03-02T00:00:00.000Z');
        await store.costs.record(costRecord({ at: next, tool: 'b_tool', principalId: 'bob', items: [external(1n)] }));
        await store.costs.record(costRecord({ at: next, tool: 'a_tool', principalId: 'bob', items: [external(2n)] }));
        await store.costs.record(costRecord({ at: next, tool: 'a_tool', principalId: 'alice', items: [external(3n)] }));
        await store.costs.record(costRecord({ at: lastMs, tool: 'b_tool', principalId: 'alice', items: [external(4n)] }));
        await store.flush();
        const all = await store.costs.daily('0000-01-01');
        expect(all.map((r) => [r.day, r.tool, r.principalId, r.externalNanoUsd])).toEqual([
          ['2026-03-01', 'b_tool', 'alice', 4n],
          ['2026-03-02', 'a_tool', 'alice', 3n],
          ['2026-03-02', 'a_tool', 'bob', 2n],
          ['2026-03-02', 'b_tool', 'bob', 1n],
        ]);
        expect((await store.costs.daily('2026-03-02')).map((r) => r.day)).toEqual(['2026-03-02', '2026-03-02', '2026-03-02']);
        expect(await store.costs.daily('2026-03-03')).toEqual([]);
      });

      it('loses no update under 100 concurrent records and flushes', async () => {
        await Promise.all(
          Array.from({ length: 100 }, async (_, i) => {
            await store.costs.record(
              costRecord({ tool: i % 2 ? 'odd' : 'even', outcome: i % 10 === 0 ? 'error' : 'ok', items: [llm(7n), external(BigInt(i))] }),
            );
            if (i % 7 === 0) await store.flush();
          }),
        );
        await store.flush();
        const rows = await store.costs.daily('2026-03-01');
        expect(rows.map((r) => [r.tool, r.calls, r.errors, r.llmNanoUsd])).toEqual([
          ['even', 50, 10, 350n],
          ['odd', 50, 0, 350n],
        ]);
        expect(rows.reduce((sum, r) => sum + r.externalNanoUsd, 0n)).toBe(4950n);
      });
    });

    describe('rate counters', () => {
      const rule = { limit: 3, windowMs: 60_000 };
      it('lets a burst of the limit through, then one call per interval, per key', async () => {
        const take = (key: string, now: number) => store.rates.take(key, rule, now);
        expect(await take('alice:search', T0)).toEqual({ allowed: true, remaining: 2 });
        expect(await take('alice:search', T0)).toEqual({ allowed: true, remaining: 1 });
        expect(await take('alice:search', T0)).toEqual({ allowed: true, remaining: 0 });
        expect(await take('alice:search', T0)).toEqual({ allowed: false, retryAfterMs: 20_000 });
        expect(await take('alice:search', T0 + 5_000)).toEqual({ allowed: false, retryAfterMs: 15_000 });
        expect(await take('bob:search', T0)).toEqual({ allowed: true, remaining: 2 });
        expect(await take('alice:search', T0 + 20_000)).toEqual({ allowed: true, remaining: 0 });
        expect(await take('alice:search', T0 + 120_000)).toEqual({ allowed: true, remaining: 2 });
      });

      it('allows exactly the limit of many concurrent steps', async () => {
        const decisions = await Promise.all(Array.from({ length: 25 }, () => store.rates.take('alice:burst', { limit: 10, windowMs: 1000 }, T0)));
        expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
      });
    });

    describe('budget holds', () => {
      const day = '2026-03-01';
      const limit = { nanoUsd: 1_000n };
      const hold = (callId: string, nanoUsd: bigint, overrides: Partial<BudgetHold> = {}) =>
        store.budgets.hold({ callId, principalId: 'alice', tool: 'summarise', day, nanoUsd, expiresAt: T0 + 60_000, ...overrides }, [limit], T0);

      it('admits holds while they fit, refuses the rest with what was committed, and a cost record ends its hold', async () => {
        expect(await hold('c1', 400n)).toEqual({ admitted: true, standings: [{ limit, committedNanoUsd: 400n }] });
        expect(await hold('c2', 400n)).toEqual({ admitted: true, standings: [{ limit, committedNanoUsd: 800n }] });
        expect(await hold('c3', 400n)).toEqual({ admitted: false, refusedBy: { limit, committedNanoUsd: 800n } });
        await store.costs.record(costRecord({ callId: 'c1', items: [external(100n)] }));
        await store.flush();
        expect(await store.budgets.standing('alice', day, [limit], T0)).toEqual([{ limit, committedNanoUsd: 500n }]);
        expect((await hold('c3', 400n)).admitted).toBe(true);
        expect(await store.budgets.standing('bob', day, [limit], T0)).toEqual([{ limit, committedNanoUsd: 0n }]);
      });

      it('refuses even a call that holds nothing once the budget is used up', async () => {
        await store.costs.record(costRecord({ callId: 'spent', at: T0, items: [external(1_000n)] }));
        await store.flush();
        expect(await hold('free', 0n)).toEqual({ admitted: false, refusedBy: { limit, committedNanoUsd: 1_000n } });
      });

      it('counts per tool when the limit names a tool', async () => {
        const toolLimit = { nanoUsd: 500n, tool: 'summarise' };
        const take = (callId: string, tool: string) =>
          store.budgets.hold({ callId, principalId: 'alice', tool, day, nanoUsd: 300n, expiresAt: T0 + 60_000 }, [toolLimit], T0);
        expect((await take('t1', 'summarise')).admitted).toBe(true);
        expect((await take('t2', 'translate')).admitted).toBe(true);
        expect((await take('t3', 'summarise')).admitted).toBe(false);
      });

      it('admits at most K of N concurrent holds', async () => {
        const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => hold(`k${i}`, 300n)));
        expect(decisions.filter((d) => d.admitted)).toHaveLength(3);
      });

      it('stops counting a hold once it expires, and purges it and old rate counters', async () => {
        await hold('old', 900n, { expiresAt: T0 + 1_000 });
        expect((await hold('new', 300n)).admitted).toBe(false);
        await store.rates.take('alice:x', { limit: 1, windowMs: 1000 }, T0);
        const later = T0 + 2_000;
        expect(
          (await store.budgets.hold({ callId: 'new', principalId: 'alice', tool: 'summarise', day, nanoUsd: 300n, expiresAt: later + 60_000 }, [limit], later))
            .admitted,
        ).toBe(true);
        expect(await store.budgets.purgeExpired(later)).toBe(2);
        expect(await store.budgets.standing('alice', day, [limit], later)).toEqual([{ limit, committedNanoUsd: 300n }]);
      });
    });

    describe('transactions', () => {
      it('commits what the work wrote when it resolves, and returns its value', async () => {
        const value = await store.transaction(async (tx) => {
          await tx.costs.record(costRecord({ items: [llm(11n)] }));
          return { answer: 42 };
        });
        expect(value).toEqual({ answer: 42 });
        expect(await store.costs.daily('2026-03-01')).toMatchObject([{ calls: 1, llmNanoUsd: 11n }]);
      });

      it('rolls back everything the work wrote when it throws, and rethrows the same error', async () => {
        const request = claimRequest();
        const lease = await acquire(request);
        const failure = new Error('handler failed');
        await expect(
          store.transaction(async (tx) => {
            expect(await tx.idempotency.complete(scopeOf(request), lease, '"never kept"', T0 + 1)).toBe(true);
            await tx.costs.record(costRecord({ items: [llm(5n)] }));
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await store.costs.daily('2026-03-01')).toEqual([]);
        // The completion was undone: the record is in progress again, and still its owner's.
        expect(await store.idempotency.claim({ ...request, now: T0 + 2 })).toEqual({ kind: 'in_progress', retryAfterMs: 1000 });
        expect(await store.idempotency.complete(scopeOf(request), lease, '"kept"', T0 + 3)).toBe(true);
        expect(await store.idempotency.claim({ ...request, now: T0 + 4 })).toEqual({ kind: 'replay', response: '"kept"' });
      });

      it('completes the idempotency record with the work, on the same lease rules', async () => {
        const request = claimRequest();
        const lease = await acquire(request);
        await store.transaction(async (tx) => {
          expect(await tx.idempotency.complete(scopeOf(request), 'not-the-lease', '"forged"', T0 + 1)).toBe(false);
          expect(await tx.idempotency.complete(scopeOf(request), lease, '"committed"', T0 + 1)).toBe(true);
        });
        expect(await store.idempotency.claim({ ...request, now: T0 + 2 })).toEqual({ kind: 'replay', response: '"committed"' });
      });

      it('cannot complete a record another call took over', async () => {
        const request = claimRequest();
        const oldLease = await acquire(request);
        const newLease = await acquire({ ...request, now: T0 + LEASE + 1, reclaimStale: true });
        const completed = await store.transaction((tx) => tx.idempotency.complete(scopeOf(request), oldLease, '"old"', T0 + LEASE + 2));
        expect(completed).toBe(false);
        expect(await store.idempotency.complete(scopeOf(request), newLease, '"new"', T0 + LEASE + 3)).toBe(true);
      });

      it('keeps concurrent transactions apart: one rolling back does not undo the other', async () => {
        const failure = new Error('second fails');
        const results = await Promise.allSettled([
          store.transaction(async (tx) => {
            await tx.costs.record(costRecord({ tool: 'kept', items: [llm(1n)] }));
            await new Promise((resolve) => setTimeout(resolve, 20));
          }),
          store.transaction(async (tx) => {
            await tx.costs.record(costRecord({ tool: 'dropped', items: [llm(2n)] }));
            await new Promise((resolve) => setTimeout(resolve, 10));
            throw failure;
          }),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
        expect((await store.costs.daily('2026-03-01')).map((r) => r.tool)).toEqual(['kept']);
      });

      if (options.sql) {
        it('runs parameterised SQL on the transaction, committed or rolled back with it', async () => {
          await store.transaction((tx) => tx.sql`CREATE TABLE contract_scratch (id TEXT PRIMARY KEY, v TEXT NOT NULL)`);
          const tricky = 'o\'brien"; DROP TABLE contract_scratch; --';
          await expect(
            store.transaction(async (tx) => {
              await tx.sql`INSERT INTO contract_scratch (id, v) VALUES (${'rolled'}, ${tricky})`;
              expect(await tx.sql`SELECT v FROM contract_scratch WHERE id = ${'rolled'}`).toEqual([{ v: tricky }]);
              throw new Error('undo');
            }),
          ).rejects.toThrow('undo');
          await store.transaction((tx) => tx.sql`INSERT INTO contract_scratch (id, v) VALUES (${'kept'}, ${tricky})`);
          const rows = await store.transaction((tx) => tx.sql<{ id: string; v: string }>`SELECT id, v FROM contract_scratch ORDER BY id`);
          expect(rows).toEqual([{ id: 'kept', v: tricky }]);
        });

        it('hides a transaction’s writes from other calls until it commits', async () => {
          let seenDuring: unknown;
          await store.transaction(async (tx) => {
            await tx.costs.record(costRecord({ items: [llm(3n)] }));
            seenDuring = await store.costs.daily('2026-03-01');
          });
          expect(seenDuring).toEqual([]);
          expect(await store.costs.daily('2026-03-01')).toMatchObject([{ calls: 1, llmNanoUsd: 3n }]);
        });
      } else {
        it('refuses tx.sql, having no SQL', async () => {
          await expect(store.transaction((tx) => tx.sql`SELECT 1`)).rejects.toThrow();
        });
      }
    });
  });
}
