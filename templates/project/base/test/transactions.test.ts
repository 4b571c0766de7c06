import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/platform/clock.js';
import { fingerprint } from '../src/platform/idempotency.js';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/types.js';
import { countTxEffects, fixtureTools, gate, txEffect } from './fixtures/tools.js';
import { connectClient, errorOf, newKey, testApp } from './helpers/harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sqliteFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tx-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'mcp.db');
}

async function setup(options: { store?: Store; now?: string } = {}) {
  const store = options.store ?? openSqliteStore(sqliteFile());
  const clock = fixedClock(options.now ?? '2026-06-01T00:00:00.000Z');
  const { app, logs } = testApp({ tools: fixtureTools, store, clock });
  const connection = await connectClient(app);
  cleanups.push(connection.close, () => store.close());
  const call = (args: Record<string, unknown>, key: string) =>
    connection.client.callTool({ name: 'tx_effect', arguments: args, _meta: { 'mcp-prod/idempotencyKey': key } });
  return { app, logs, store: store as SqliteStore, clock, call };
}

const costRows = async (store: Store) => {
  await store.flush();
  return (await store.costs.daily('2026-01-01')).filter((row) => row.tool === 'tx_effect');
};

describe("ctx.tx: a handler's writes commit with the idempotency record and the cost record", () => {
  it('commits the write, the completed record and the cost together, and replays without writing again', async () => {
    const { store, call } = await setup();
    const label = newKey();
    const key = newKey();
    const first = await call({ label }, key);
    expect(first.isError).toBeFalsy();
    const replay = await call({ label }, key);
    expect(replay._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    expect(replay.structuredContent).toEqual(first.structuredContent);
    expect(countTxEffects(store, label)).toBe(1);
    expect(await costRows(store)).toMatchObject([{ calls: 2, replays: 1, externalNanoUsd: 10_000_000n }]);
  });

  it('stores the tool error of a transactional call and replays it, its writes rolled back', async () => {
    const { store, call } = await setup();
    const label = newKey();
    const key = newKey();
    expect(errorOf(await call({ label, fail: 'business' }, key)).code).toBe('effect_rejected');
    const again = await call({ label, fail: 'business' }, key);
    expect(again._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    expect(errorOf(again).code).toBe('effect_rejected');
    expect(countTxEffects(store, label)).toBe(0);
  });

  it.each(['business', 'crash'] as const)('rolls the write back when the handler fails (%s), and keeps the cost of the attempt', async (fail) => {
    const { store, call } = await setup();
    const label = newKey();
    const result = await call({ label, fail }, newKey());
    expect(errorOf(result).code).toBe(fail === 'business' ? 'effect_rejected' : 'internal_error');
    expect(countTxEffects(store, label)).toBe(0);
    expect(await costRows(store)).toMatchObject([{ calls: 1, errors: 1, externalNanoUsd: 10_000_000n }]);
  });

  it('runs a call again after a crash left its record behind, because nothing of it was committed', async () => {
    const { store, clock, app, call } = await setup();
    const label = newKey();
    const key = newKey();
    const args = { label, fail: 'none' as const };
    // What a process killed mid-transaction leaves: a claim, and no committed write.
    const claim = await store.idempotency.claim({
      principalId: 'local',
      tool: txEffect.name,
      key,
      fingerprint: fingerprint(txEffect, args),
      now: clock.now().getTime(),
      ...app.idempotency,
    });
    expect(claim.kind).toBe('acquired');
    expect(errorOf(await call(args, key)).code).toBe('idempotency_key_in_use');
    clock.set(new Date(clock.now().getTime() + app.idempotency.leaseMs).toISOString());
    const retried = await call(args, key);
    expect(retried.isError, JSON.stringify(retried)).toBeFalsy();
    expect(countTxEffects(store, label)).toBe(1);
    expect((await call(args, key))._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    expect(countTxEffects(store, label)).toBe(1);
  });

  it('never runs the work twice when a retry arrives after the lease ran out but before the first call committed', async () => {
    const { store, clock, app, call } = await setup();
    const label = newKey();
    const key = newKey();
    const held = `held-${key}`;
    const slow = call({ label, gate: held }, key);
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.set(new Date(clock.now().getTime() + app.idempotency.leaseMs + 1).toISOString());
    const retry = call({ label, gate: held }, key);
    await new Promise((resolve) => setTimeout(resolve, 50));
    gate(held).open();
    const outcomes = (await Promise.all([slow, retry])).map((r) =>
      r.isError ? errorOf(r).code : r._meta?.['mcp-prod/idempotentReplay'] ? 'replay' : 'executed',
    );
    // SQLite has one writer: the retry waits for the first commit and replays it. A store with
    // row locks (PostgreSQL) lets the retry take over; then the first call's commit loses the
    // lease, rolls back and answers in_use. Either way the work is done once.
    expect([
      ['executed', 'replay'],
      ['idempotency_key_in_use', 'executed'],
    ]).toContainEqual(outcomes);
    expect(countTxEffects(store, label)).toBe(1);
  });

  it('answers store_unavailable, and keeps nothing, when the commit fails', async () => {
    const file = sqliteFile();
    const real = openSqliteStore(file);
    const failing: Store = new Proxy(real, {
      get: (target, prop) =>
        prop === 'transaction'
          ? (work: Parameters<Store['transaction']>[0]) =>
              target.transaction(async (tx) => {
                await work(tx);
                throw new Error('disk I/O error');
              })
          : Reflect.get(target, prop),
    });
    const { call } = await setup({ store: failing });
    const label = newKey();
    expect(errorOf(await call({ label }, newKey()))).toMatchObject({ code: 'store_unavailable', retryable: true });
    expect(countTxEffects(real, label)).toBe(0);
  });

  it('answers a store outage inside the handler with store_unavailable, never replays it, and frees the key', async () => {
    const real = openSqliteStore(sqliteFile());
    let outage = true;
    const flaky: Store = new Proxy(real, {
      get: (target, prop) =>
        prop === 'transaction'
          ? (work: Parameters<Store['transaction']>[0]) =>
              target.transaction((tx) =>
                work(
                  outage
                    ? {
                        ...tx,
                        sql: async () => {
                          throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
                        },
                      }
                    : tx,
                ),
              )
          : Reflect.get(target, prop),
    });
    const { call } = await setup({ store: flaky });
    const label = newKey();
    const key = newKey();
    expect(errorOf(await call({ label }, key))).toMatchObject({ code: 'store_unavailable', retryable: true });
    outage = false;
    const retried = await call({ label }, key);
    expect(retried.isError, JSON.stringify(retried)).toBeFalsy();
    expect(retried._meta?.['mcp-prod/idempotentReplay']).toBeUndefined();
    expect(countTxEffects(real, label)).toBe(1);
  });

  it("keeps other calls' writes out of an open transaction, and lets them finish while it waits", async () => {
    const { store, call, app } = await setup();
    const label = newKey();
    const held = `held-${label}`;
    const inTx = call({ label, gate: held, fail: 'business' }, newKey());
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A token written while the transaction is open must survive its rollback.
    const { issueTestToken } = await import('./helpers/harness.js');
    const writing = issueTestToken(app, ['test:read']);
    gate(held).open();
    const [{ id }] = await Promise.all([writing, inTx]);
    expect(await store.tokens.get(id)).toBeDefined();
    expect(countTxEffects(store, label)).toBe(0);
  });

  it('refuses ctx.tx to a tool that is not declared transactional, and a transactional read-only tool', async () => {
    const { defineTool } = await import('../src/platform/tool.js');
    const { z } = await import('zod/v4');
    expect(() =>
      defineTool({
        name: 'x',
        version: '1.0.0',
        description: 'x',
        scopes: [],
        readOnly: true,
        transactional: true,
        input: z.object({}),
        handler: async () => 'x',
      }),
    ).toThrow(/read-only tool writes nothing/);
    const sneaky = defineTool({
      name: 'sneaky',
      version: '1.0.0',
      description: 'Uses ctx.tx without saying so.',
      scopes: [],
      readOnly: false,
      idempotency: 'none',
      input: z.object({}),
      handler: async (_input, ctx) => JSON.stringify(await ctx.tx.sql`SELECT 1`),
    });
    const { app, logs } = testApp({ tools: [sneaky], store: openSqliteStore(sqliteFile()) });
    const { client, close } = await connectClient(app);
    cleanups.push(close, () => app.store.close());
    expect(errorOf(await client.callTool({ name: 'sneaky', arguments: {} })).code).toBe('internal_error');
    expect(JSON.stringify(logs.lines)).toContain('is not declared transactional');
  });
});
