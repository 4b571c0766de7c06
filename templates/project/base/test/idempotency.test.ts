import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localPrincipal } from '../src/platform/auth.js';
import { canonicalJson } from '../src/platform/canonical-json.js';
import { fixedClock } from '../src/platform/clock.js';
import { fingerprint } from '../src/platform/idempotency.js';
import { createMemoryStore } from '../src/store/memory.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/types.js';
import { countEffects, fixtureTools, handlerRuns } from './fixtures/tools.js';
import { connectClient, errorOf, newKey, rawCall, testApp } from './helpers/harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const stores: [string, () => Store][] = [
  ['memory', () => createMemoryStore()],
  [
    'sqlite',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'idem-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return openSqliteStore(path.join(dir, 'mcp.db'));
    },
  ],
];

describe.each(stores)('idempotency keys on the %s store', (_kind, openStore) => {
  async function setup(options: { principal?: string; now?: string } = {}) {
    const store = openStore();
    const clock = fixedClock(options.now ?? '2026-06-01T00:00:00Z');
    const { app, logs } = testApp({
      tools: fixtureTools,
      store,
      clock,
      authenticate: localPrincipal(['test:admin'], options.principal ?? 'alice'),
    });
    const connection = await connectClient(app);
    cleanups.push(connection.close, () => store.close());
    const call = (label: string, key: string | undefined, extra: Record<string, unknown> = {}) =>
      connection.client.callTool({
        name: 'append_effect',
        arguments: { label, delayMs: 0, ...extra },
        ...(key ? { _meta: { 'mcp-prod/idempotencyKey': key } } : {}),
      });
    return { app, logs, clock, store, client: connection.client, call };
  }

  it('runs the first call and replays its result for a retry with the same key and arguments', async () => {
    const { call, store, logs } = await setup();
    const label = newKey();
    const key = newKey();
    const first = await call(label, key);
    const retry = await call(label, key);
    expect(countEffects(store, label)).toBe(1);
    expect(retry.structuredContent).toEqual(first.structuredContent);
    expect(retry._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    expect(first._meta?.['mcp-prod/idempotentReplay']).toBeUndefined();
    const [ran, replayed] = logs.calls();
    expect(ran).toMatchObject({ idempotency: 'executed', external_cost_usd: 0.01 });
    expect(replayed).toMatchObject({ idempotency: 'replayed', external_cost_usd: 0, status: 'ok' });
    expect(replayed!.idempotency_key_hash).toBe(ran!.idempotency_key_hash);
  });

  it('replays a stored tool error too', async () => {
    const { call, store } = await setup();
    const label = newKey();
    const key = newKey();
    const first = await call(label, key, { fail: true });
    const retry = await call(label, key, { fail: true });
    expect(errorOf(first).code).toBe('effect_rejected');
    expect(errorOf(retry).code).toBe('effect_rejected');
    expect(retry._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    expect(countEffects(store, label)).toBe(1);
  });

  it('refuses the same key with other arguments and leaves the record alone', async () => {
    const { call, store } = await setup();
    const label = newKey();
    const key = newKey();
    await call(label, key);
    expect(errorOf(await call(`${label}-other`, key))).toMatchObject({ code: 'idempotency_key_reused', retryable: false });
    expect(countEffects(store, `${label}-other`)).toBe(0);
    expect((await call(label, key))._meta?.['mcp-prod/idempotentReplay']).toBe(true);
  });

  it('treats arguments that mean the same thing as the same request', async () => {
    const { client, store } = await setup();
    const label = newKey();
    const key = newKey();
    const meta = { 'mcp-prod/idempotencyKey': key };
    await client.callTool({ name: 'append_effect', arguments: { label, delayMs: 0 }, _meta: meta });
    const reordered = await client.callTool({ name: 'append_effect', arguments: { delayMs: 0.0, label }, _meta: meta });
    const defaulted = await client.callTool({ name: 'append_effect', arguments: { label, delayMs: 0, fail: false }, _meta: meta });
    expect(reordered._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    expect(defaulted._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    expect(countEffects(store, label)).toBe(1);
  });

  it('tells a duplicate that arrives while the first call runs to retry, then replays', async () => {
    const { call, store } = await setup();
    const label = newKey();
    const key = newKey();
    const first = call(label, key, { delayMs: 300 });
    await vi.waitFor(() => expect(countEffects(store, label)).toBe(1));
    const duplicate = await call(label, key, { delayMs: 300 });
    expect(errorOf(duplicate)).toMatchObject({ code: 'idempotency_key_in_use', retryable: true });
    expect(errorOf(duplicate).retryAfterMs).toBeGreaterThan(0);
    await first;
    expect((await call(label, key, { delayMs: 300 }))._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    expect(countEffects(store, label)).toBe(1);
  });

  it('runs 50 concurrent identical calls exactly once', async () => {
    const { call, store } = await setup();
    const label = newKey();
    const key = newKey();
    const results = await Promise.all(Array.from({ length: 50 }, () => call(label, key, { delayMs: 50 })));
    expect(countEffects(store, label)).toBe(1);
    const outcomes = results.map((r) => (r.isError ? errorOf(r).code : r._meta?.['mcp-prod/idempotentReplay'] ? 'replay' : 'executed'));
    expect(outcomes.filter((o) => o === 'executed')).toHaveLength(1);
    expect(outcomes.every((o) => ['executed', 'replay', 'idempotency_key_in_use'].includes(o as string))).toBe(true);
  });

  it('reports a call abandoned mid-way (its lease ran out) as an unknown outcome, never running it again', async () => {
    const { call, store, clock, app } = await setup();
    const label = newKey();
    const key = newKey();
    const args = { label, delayMs: 0, fail: false };
    const claim = await store.idempotency.claim({
      principalId: 'alice',
      tool: 'append_effect',
      key,
      fingerprint: fingerprint({ name: 'append_effect', version: '1.0.0' }, args),
      now: clock.now().getTime(),
      ...app.idempotency,
    });
    expect(claim.kind).toBe('acquired');
    expect(errorOf(await call(label, key)).code).toBe('idempotency_key_in_use');
    clock.set(new Date(clock.now().getTime() + app.idempotency.leaseMs).toISOString());
    expect(errorOf(await call(label, key))).toMatchObject({ code: 'idempotency_outcome_unknown', retryable: false });
    expect(countEffects(store, label)).toBe(0);
  });

  it('keeps a record for at least 24 hours, then forgets it', async () => {
    const { call, store, clock } = await setup({ now: '2026-06-01T00:00:00.000Z' });
    const label = newKey();
    const key = newKey();
    await call(label, key);
    clock.set('2026-06-01T23:59:59.999Z');
    expect((await call(label, key))._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    clock.set('2026-06-02T00:00:00.000Z');
    expect((await call(label, key))._meta?.['mcp-prod/idempotentReplay']).toBeUndefined();
    expect(countEffects(store, label)).toBe(2);
    expect(await store.idempotency.purgeExpired(Date.parse('2026-06-03T00:00:01Z'))).toBe(1);
  });

  it("never replays one principal's result to another", async () => {
    const alice = await setup({ principal: 'alice' });
    const label = newKey();
    const key = newKey();
    await alice.call(label, key);
    const bob = testApp({ tools: fixtureTools, store: alice.store, clock: alice.clock, authenticate: localPrincipal(['test:admin'], 'bob') });
    const bobConnection = await connectClient(bob.app);
    cleanups.push(bobConnection.close);
    const bobs = await bobConnection.client.callTool({ name: 'append_effect', arguments: { label, delayMs: 0 }, _meta: { 'mcp-prod/idempotencyKey': key } });
    expect(bobs._meta?.['mcp-prod/idempotentReplay']).toBeUndefined();
    expect(countEffects(alice.store, label)).toBe(2);
  });

  it('keeps keys separate per tool', async () => {
    const { client, call, store } = await setup();
    const key = newKey();
    const label = newKey();
    await call(label, key);
    const other = await client.callTool({ name: 'write_thing', arguments: { value: 'x' }, _meta: { 'mcp-prod/idempotencyKey': key } });
    expect(other.isError).toBeFalsy();
    expect(other._meta?.['mcp-prod/idempotentReplay']).toBeUndefined();
    expect(countEffects(store, label)).toBe(1);
  });

  it('stores nothing when a call is refused before it runs, so the corrected call can reuse the key', async () => {
    const { call, store } = await setup();
    const label = newKey();
    const key = newKey();
    expect(errorOf(await call(label, key, { delayMs: -1 })).code).toBe('validation_failed');
    const corrected = await call(label, key);
    expect(corrected.isError).toBeFalsy();
    expect(corrected._meta?.['mcp-prod/idempotentReplay']).toBeUndefined();
    expect(countEffects(store, label)).toBe(1);
  });

  it('does not run the tool when the store is down', async () => {
    const { call, store } = await setup();
    const label = newKey();
    vi.spyOn(store.idempotency, 'claim').mockRejectedValueOnce(new Error('disk I/O error'));
    const before = handlerRuns.get('append_effect') ?? 0;
    expect(errorOf(await call(label, newKey()))).toMatchObject({ code: 'store_unavailable', retryable: true });
    expect(handlerRuns.get('append_effect') ?? 0).toBe(before);
  });
});

describe('idempotency key sources and rules', () => {
  async function setup() {
    const { app, logs } = testApp({ tools: fixtureTools });
    const connection = await connectClient(app);
    cleanups.push(connection.close);
    return { app, logs, client: connection.client };
  }

  it('requires a key for a tool that demands one', async () => {
    const { client } = await setup();
    const result = await client.callTool({ name: 'append_effect', arguments: { label: newKey() } });
    expect(errorOf(result)).toMatchObject({ code: 'idempotency_key_required' });
    expect(errorOf(result).message).toContain('idempotencyKey');
  });

  it('runs an optional-key tool without a key', async () => {
    const { client, logs } = await setup();
    expect((await client.callTool({ name: 'write_thing', arguments: { value: 'x' } })).isError).toBeFalsy();
    expect(logs.calls()[0]).toMatchObject({ idempotency: 'no_key', idempotency_key_hash: null });
  });

  it('accepts the key as an argument, and offers that argument with retry guidance in tools/list', async () => {
    const { client, app } = await setup();
    const { tools } = await client.listTools();
    const property = (tools.find((t) => t.name === 'append_effect')!.inputSchema.properties as Record<string, { description: string }>).idempotencyKey!;
    expect(property.description).toMatch(/SAME key again whenever you retry/);
    expect(property.description).toMatch(/NEW key only for a different operation/);
    expect(tools.find((t) => t.name === 'echo')!.inputSchema.properties).not.toHaveProperty('idempotencyKey');

    const label = newKey();
    const key = newKey();
    await client.callTool({ name: 'append_effect', arguments: { label, delayMs: 0, idempotencyKey: key } });
    const viaMeta = await client.callTool({ name: 'append_effect', arguments: { label, delayMs: 0 }, _meta: { 'mcp-prod/idempotencyKey': key } });
    expect(viaMeta._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    expect(countEffects(app.store, label)).toBe(1);
  });

  it('accepts a top-level params.idempotencyKey (the SEP-3182 shape) without reporting drift', async () => {
    const { app, logs } = await setup();
    const label = newKey();
    const key = newKey();
    const call = (id: number) =>
      rawCall(app, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'append_effect', arguments: { label, delayMs: 0 }, idempotencyKey: key } });
    const first = await call(1);
    const second = await call(2);
    expect(first.message.result.isError).toBeFalsy();
    expect(second.message.result._meta['mcp-prod/idempotentReplay']).toBe(true);
    expect(countEffects(app.store, label)).toBe(1);
    expect(logs.events('schema_drift')).toEqual([]);
  });

  it('refuses a params.idempotencyKey that differs from the _meta key', async () => {
    const { app } = await setup();
    const { message } = await rawCall(app, {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'append_effect', arguments: { label: newKey() }, idempotencyKey: 'one', _meta: { 'mcp-prod/idempotencyKey': 'two' } },
    });
    expect(errorOf(message.result)).toMatchObject({ code: 'idempotency_key_invalid', sources: ['_meta', 'params.idempotencyKey'] });
  });

  it('refuses two different keys in one call', async () => {
    const { client } = await setup();
    const result = await client.callTool({
      name: 'append_effect',
      arguments: { label: newKey(), idempotencyKey: 'one' },
      _meta: { 'mcp-prod/idempotencyKey': 'two' },
    });
    expect(errorOf(result)).toMatchObject({ code: 'idempotency_key_invalid' });
  });

  it.each([
    ['an empty key', ''],
    ['a key of 256 characters', 'k'.repeat(256)],
    ['a space', 'has space'],
    ['a line break', 'a\r\nb'],
    ['a NUL byte', 'a\u0000b'],
    ['non-ASCII', 'ключ'],
    ['a number', 42],
  ])('refuses %s before touching the store', async (_label, key) => {
    const { client, app } = await setup();
    const claims = vi.spyOn(app.store.idempotency, 'claim');
    const result = await client.callTool({ name: 'append_effect', arguments: { label: newKey() }, _meta: { 'mcp-prod/idempotencyKey': key } });
    expect(errorOf(result).code).toBe('idempotency_key_invalid');
    expect(claims).not.toHaveBeenCalled();
  });
});

describe('request fingerprint', () => {
  it('ignores key order and number spelling, and changes with the arguments or the major version', () => {
    const tool = { name: 't', version: '1.2.0' };
    expect(fingerprint(tool, { a: 1, b: [1, { y: 2, x: 1 }] })).toBe(fingerprint(tool, JSON.parse('{"b":[1.0,{"x":1,"y":2e0}],"a":1}')));
    expect(fingerprint(tool, { a: 1 })).not.toBe(fingerprint(tool, { a: 2 }));
    expect(fingerprint(tool, { a: 1 })).toBe(fingerprint({ name: 't', version: '1.9.3' }, { a: 1 }));
    expect(fingerprint(tool, { a: 1 })).not.toBe(fingerprint({ name: 't', version: '2.0.0' }, { a: 1 }));
  });

  it('serialises canonically (RFC 8785 ordering and number form)', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'é'], '\u00e9': 1e21, c: 0.1 })).toBe('{"a":[true,null,"é"],"b":1,"c":0.1,"é":1e+21}');
  });
});
