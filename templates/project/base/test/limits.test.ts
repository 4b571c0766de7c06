/**
 * Rate limits and spend budgets through the whole pipeline, on the memory and SQLite stores
 * (and PostgreSQL with MCP_PROD_TEST_DATABASE_URL, Redis with MCP_PROD_TEST_REDIS_URL): refusals
 * with their codes and retry hints, replays that never count, keys freed by a refusal, exact
 * admission under concurrency, and the limits shown in tools/list and on the log line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { openAdmin } from '../src/admin.js';
import { loadConfig } from '../src/config.js';
import { localPrincipal } from '../src/platform/auth.js';
import { fixedClock } from '../src/platform/clock.js';
import { parseRate } from '../src/platform/limits.js';
import { defineTool, type AnyTool } from '../src/platform/tool.js';
import { createMemoryStore } from '../src/store/memory.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { openRedisRateCounter } from '../src/store/redis-rates.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/types.js';
import { connectClient, errorOf, newKey, testApp } from './helpers/harness.js';

const pgUrl = process.env.MCP_PROD_TEST_DATABASE_URL ?? '';
const redisUrl = process.env.MCP_PROD_TEST_REDIS_URL ?? '';
const admin = pgUrl ? new pg.Pool({ connectionString: pgUrl, max: 2 }) : undefined;
afterAll(() => admin?.end());

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const started: string[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const advance = (clock: ReturnType<typeof fixedClock>, ms: number) => clock.set(new Date(clock.now().getTime() + ms).toISOString());

const lookup = defineTool({
  name: 'lookup',
  version: '1.0.0',
  description: 'Look something up.',
  scopes: ['test:read'],
  readOnly: true,
  input: z.strictObject({ q: z.string() }),
  async handler({ q }) {
    return `found ${q}`;
  },
});

const unlimited = defineTool({
  name: 'unlimited',
  version: '1.0.0',
  description: 'Never rate limited.',
  scopes: ['test:read'],
  readOnly: true,
  rateLimit: false,
  input: z.strictObject({}),
  async handler() {
    return 'ok';
  },
});

const send = defineTool({
  name: 'send',
  version: '1.0.0',
  description: 'Send something, once per key.',
  scopes: ['test:write'],
  readOnly: false,
  rateLimit: '2/min',
  input: z.strictObject({ to: z.string() }),
  async handler({ to }) {
    return `sent to ${to}`;
  },
});

/** Costs exactly $0.10 and holds that much while it runs. */
const summarise = defineTool({
  name: 'summarise',
  version: '1.0.0',
  description: 'Summarise at a fixed price.',
  scopes: ['test:read'],
  readOnly: true,
  maxCostUsd: 0.1,
  input: z.strictObject({ id: z.string(), delayMs: z.number().default(0) }),
  async handler({ id, delayMs }, ctx) {
    started.push(id);
    await sleep(delayMs);
    ctx.cost.external({ usd: 0.1, vendor: 'summariser' });
    return `summary of ${id}`;
  },
});

const translate = defineTool({
  name: 'translate',
  version: '1.0.0',
  description: 'A tool with a budget of its own.',
  scopes: ['test:read'],
  readOnly: true,
  dailyBudgetUsd: 0.25,
  maxCostUsd: 0.1,
  input: z.strictObject({}),
  async handler(_args, ctx) {
    ctx.cost.external({ usd: 0.1 });
    return 'translated';
  },
});

const tools: AnyTool[] = [lookup, unlimited, send, summarise, translate];

type StoreFactory = () => Promise<{ store: Store; twin?: () => Store }>;

const factories: [string, StoreFactory][] = [
  ['memory', async () => ({ store: createMemoryStore() })],
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'limits-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const file = path.join(dir, 'mcp.db');
      return { store: openSqliteStore(file), twin: () => openSqliteStore(file) };
    },
  ],
];
if (pgUrl) {
  factories.push([
    'postgres',
    async () => {
      const schema = `mcpp_limits_${randomBytes(5).toString('hex')}`;
      cleanups.push(() => admin!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
      return {
        store: openPostgresStore({ connectionString: pgUrl, schema, max: 4 }),
        twin: () => openPostgresStore({ connectionString: pgUrl, schema, max: 4 }),
      };
    },
  ]);
}

describe.each(factories)('limits on the %s store', (_kind, open) => {
  async function setup(env: Record<string, string>, options: { principal?: string; store?: Store; now?: string } = {}) {
    const store = options.store ?? (await open()).store;
    const clock = fixedClock(options.now ?? '2026-06-01T10:00:00Z');
    const { app, logs } = testApp({
      config: loadConfig({ MCP_PROD_STORE: 'memory', LOG_LEVEL: 'debug', ...env }),
      tools,
      store,
      clock,
      authenticate: localPrincipal(['test:read', 'test:write'], options.principal ?? 'alice'),
    });
    const connection = await connectClient(app);
    cleanups.push(connection.close);
    if (!options.store) cleanups.push(() => store.close());
    return { app, logs, clock, store, client: connection.client };
  }

  it('refuses the call past the rate with rate_limited, retryable, saying when to retry; another caller and another tool go on', async () => {
    const { client, logs, clock, store } = await setup({ MCP_PROD_RATE_LIMIT: '3/min' });
    for (let i = 0; i < 3; i++) expect((await client.callTool({ name: 'lookup', arguments: { q: `${i}` } })).isError).toBeFalsy();
    const refused = await client.callTool({ name: 'lookup', arguments: { q: 'x' } });
    expect(errorOf(refused)).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 20_000, limit: 3, windowSeconds: 60 });
    expect(logs.calls().map((line) => [line.status, line.error_code, line.rate_limit_remaining])).toEqual([
      ['ok', null, 2],
      ['ok', null, 1],
      ['ok', null, 0],
      ['error', 'rate_limited', null],
    ]);
    expect((await client.callTool({ name: 'unlimited', arguments: {} })).isError).toBeFalsy();

    const bob = await setup({ MCP_PROD_RATE_LIMIT: '3/min' }, { principal: 'bob', store });
    expect((await bob.client.callTool({ name: 'lookup', arguments: { q: 'b' } })).isError).toBeFalsy();

    advance(clock, 20_000);
    expect((await client.callTool({ name: 'lookup', arguments: { q: 'later' } })).isError).toBeFalsy();
    expect(errorOf(await client.callTool({ name: 'lookup', arguments: { q: 'again' } })).code).toBe('rate_limited');
  });

  it('never counts a replay, and frees the key of a call it refused', async () => {
    const { client, logs, clock } = await setup({});
    const call = (to: string, key: string) => client.callTool({ name: 'send', arguments: { to }, _meta: { 'mcp-prod/idempotencyKey': key } });
    const first = newKey();
    expect((await call('a', first)).isError).toBeFalsy();
    for (let i = 0; i < 5; i++) expect((await call('a', first))._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    expect((await call('b', newKey())).isError).toBeFalsy();
    const refusedKey = newKey();
    expect(errorOf(await call('c', refusedKey))).toMatchObject({ code: 'rate_limited', retryAfterMs: 30_000 });
    advance(clock, 30_000);
    const retried = await call('c', refusedKey);
    expect(retried.isError).toBeFalsy();
    expect(retried._meta?.['mcp-prod/idempotentReplay']).toBeUndefined();
    expect(logs.calls().map((line) => line.idempotency)).toEqual([
      'executed',
      'replayed',
      'replayed',
      'replayed',
      'replayed',
      'replayed',
      'executed',
      null,
      'executed',
    ]);
  });

  it('shows each tool its limits in tools/list', async () => {
    const { client } = await setup({ MCP_PROD_RATE_LIMIT: '60/min', MCP_PROD_DAILY_BUDGET_USD: '5' });
    const { tools: listed } = await client.listTools();
    const limits = Object.fromEntries(listed.map((tool) => [tool.name, tool._meta?.['mcp-prod/limits']]));
    expect(limits).toEqual({
      lookup: { rateLimit: { limit: 60, windowSeconds: 60 }, dailyBudgetUsd: 5 },
      unlimited: { dailyBudgetUsd: 5 },
      send: { rateLimit: { limit: 2, windowSeconds: 60 }, dailyBudgetUsd: 5 },
      summarise: { rateLimit: { limit: 60, windowSeconds: 60 }, dailyBudgetUsd: 5, maxCostUsd: 0.1 },
      translate: { rateLimit: { limit: 60, windowSeconds: 60 }, dailyBudgetUsd: 5, toolDailyBudgetUsd: 0.25, maxCostUsd: 0.1 },
    });
  });

  it('refuses with budget_exceeded once the day is spent, shows the budget on the log line, and starts again the next UTC day', async () => {
    const { client, logs, clock, store } = await setup({ MCP_PROD_DAILY_BUDGET_USD: '0.3' });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await client.callTool({ name: 'summarise', arguments: { id: `s${i}` } }));
    expect(results.map((r) => r.isError ?? false)).toEqual([false, false, false, true]);
    expect(errorOf(results[3])).toMatchObject({
      code: 'budget_exceeded',
      retryable: false,
      budgetUsd: 0.3,
      spentUsd: 0.3,
      resetsAt: '2026-06-02T00:00:00.000Z',
    });
    expect(logs.calls().map((line) => [line.budget_usd, line.budget_remaining_usd])).toEqual([
      [0.3, 0.2],
      [0.3, 0.1],
      [0.3, 0],
      [null, null],
    ]);
    await store.flush();
    expect((await store.budgets.standing('alice', '2026-06-01', [{ nanoUsd: 300_000_000n }], clock.now().getTime()))[0]!.committedNanoUsd).toBe(300_000_000n);
    advance(clock, 14 * 3_600_000);
    expect((await client.callTool({ name: 'summarise', arguments: { id: 'tomorrow' } })).isError).toBeFalsy();
  });

  it('applies a tool budget of its own beside the global one', async () => {
    const { client } = await setup({ MCP_PROD_DAILY_BUDGET_USD: '10' });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await client.callTool({ name: 'translate', arguments: {} }));
    expect(outcomes.map((r) => r.isError ?? false)).toEqual([false, false, true]);
    expect(errorOf(outcomes[2])).toMatchObject({ code: 'budget_exceeded', budgetUsd: 0.25, tool: 'translate' });
    expect((await client.callTool({ name: 'summarise', arguments: { id: 'other tool' } })).isError).toBeFalsy();
  });

  it('lets no more than K of N concurrent calls start against a budget with room for K, across two instances', async () => {
    const { store, twin } = await open();
    const second = twin?.() ?? store;
    if (second !== store) cleanups.push(() => second.close());
    const a = await setup({ MCP_PROD_DAILY_BUDGET_USD: '0.55' }, { store });
    const b = await setup({ MCP_PROD_DAILY_BUDGET_USD: '0.55' }, { store: second });
    cleanups.push(() => store.close());
    started.length = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).client.callTool({ name: 'summarise', arguments: { id: `c${i}`, delayMs: 30 } })),
    );
    expect(started).toHaveLength(5);
    expect(results.filter((r) => !r.isError)).toHaveLength(5);
    expect(results.filter((r) => r.isError).map((r) => errorOf(r).code)).toEqual(Array(15).fill('budget_exceeded'));
    await Promise.all([store.flush(), second.flush()]);
    const [row] = await store.costs.daily('2026-06-01');
    expect(row).toMatchObject({ tool: 'summarise', calls: 20, errors: 15, externalNanoUsd: 500_000_000n, errorCodes: { budget_exceeded: 15 } });
    expect(row!.latencyCounts.reduce((sum, count) => sum + count, 0)).toBe(20);
  });

  it('counts the rate across instances sharing the store', async () => {
    const { store, twin } = await open();
    const second = twin?.() ?? store;
    if (second !== store) cleanups.push(() => second.close());
    cleanups.push(() => store.close());
    const a = await setup({ MCP_PROD_RATE_LIMIT: '7/min' }, { store });
    const b = await setup({ MCP_PROD_RATE_LIMIT: '7/min' }, { store: second });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).client.callTool({ name: 'lookup', arguments: { q: `${i}` } })));
    expect(results.filter((r) => !r.isError)).toHaveLength(7);
    expect(new Set(results.filter((r) => r.isError).map((r) => errorOf(r).code))).toEqual(new Set(['rate_limited']));
  });
});

describe('limits: configuration and definitions', () => {
  it('reads rates as calls per window and refuses anything else, saying what is accepted', () => {
    expect(parseRate('60/min')).toEqual({ limit: 60, windowMs: 60_000 });
    expect(parseRate('10/s')).toEqual({ limit: 10, windowMs: 1000 });
    expect(parseRate('5/10s')).toEqual({ limit: 5, windowMs: 10_000 });
    expect(parseRate('1000 / hours')).toEqual({ limit: 1000, windowMs: 3_600_000 });
    for (const bad of ['fast', '0/min', '10/fortnight', '-1/s', '10']) expect(() => parseRate(bad)).toThrow(/e\.g\. 60\/min/);
    expect(() => loadConfig({ MCP_PROD_RATE_LIMIT: 'lots' })).toThrow(/MCP_PROD_RATE_LIMIT.*e\.g\. 60\/min/s);
    expect(() => loadConfig({ MCP_PROD_DAILY_BUDGET_USD: 'ten' })).toThrow(/MCP_PROD_DAILY_BUDGET_USD.*positive amount of USD/s);
    expect(() => loadConfig({ MCP_PROD_DAILY_BUDGET_USD: '-3' })).toThrow(/MCP_PROD_DAILY_BUDGET_USD/);
    expect(loadConfig({ MCP_PROD_RATE_LIMIT: 'off' }).limits.rate).toBeUndefined();
    expect(loadConfig({ MCP_PROD_DAILY_BUDGET_USD: '2.50' }).limits.dailyBudgetNanoUsd).toBe(2_500_000_000n);
  });

  it('refuses a tool with a malformed limit when it is defined', () => {
    const base = { version: '1.0.0', description: 'x', scopes: [], readOnly: true, input: z.strictObject({}), handler: async () => 'x' };
    expect(() => defineTool({ ...base, name: 'a', rateLimit: 'often' })).toThrow(/defineTool\("a"\).*e\.g\. 60\/min/);
    expect(() => defineTool({ ...base, name: 'b', dailyBudgetUsd: 0 })).toThrow(/defineTool\("b"\).*positive amount/);
    expect(() => defineTool({ ...base, name: 'c', maxCostUsd: -1 })).toThrow(/defineTool\("c"\)/);
  });
});

describe('limits: what the operator sees (src/admin.ts)', () => {
  it('reports the limits in force and, per principal, each budget with what is spent and left', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'limits-admin-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'mcp.db');
    const store = openSqliteStore(file);
    const day = new Date().toISOString().slice(0, 10);
    await store.costs.record({
      callId: 'c1',
      at: Date.now(),
      tool: 'anything',
      toolVersion: '1.0.0',
      principalId: 'alice',
      outcome: 'ok',
      items: [{ kind: 'external', nanoUsd: 250_000_000n }],
    });
    await store.close();
    const admin = openAdmin({ MCP_PROD_STORE: 'sqlite', MCP_PROD_DB: file, MCP_PROD_DAILY_BUDGET_USD: '1', MCP_PROD_RATE_LIMIT: '30/min' });
    cleanups.push(() => admin.close());
    expect(admin.budgets.settings()).toMatchObject({ dailyBudgetUsd: 1, rateLimit: '30/min' });
    expect(await admin.budgets.standing(day)).toEqual([{ principalId: 'alice', tool: null, budgetUsd: 1, committedUsd: 0.25, remainingUsd: 0.75 }]);
    expect(admin.latencyBoundsMs).toHaveLength(11);
  });
});

describe.runIf(redisUrl)('rate counters in Redis', () => {
  it('share one rate between instances whose stores share nothing, and fall back to the store when Redis is away', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const openCounter = (store: Store) => {
      const counter = openRedisRateCounter(redisUrl, store.rates, () => undefined);
      cleanups.push(() => counter.close());
      return counter;
    };
    const [storeA, storeB] = [createMemoryStore(), createMemoryStore()];
    const [a, b] = [openCounter(storeA), openCounter(storeB)];
    await Promise.all([a.ready(), b.ready()]);
    const rule = { limit: 5, windowMs: 60_000 };
    const now = Date.now();
    const decisions = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).take(`${prefix}:alice`, rule, now)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.find((d) => !d.allowed)).toEqual({ allowed: false, retryAfterMs: 12_000 });

    const away = openRedisRateCounter('redis://127.0.0.1:1', storeA.rates, () => undefined);
    cleanups.push(() => away.close());
    expect(await away.take(`${prefix}:bob`, rule, now)).toEqual({ allowed: true, remaining: 4 });
    expect(await storeA.rates.take(`${prefix}:bob`, rule, now)).toEqual({ allowed: true, remaining: 3 });
  });
});
