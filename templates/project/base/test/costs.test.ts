import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localPrincipal } from '../src/platform/auth.js';
import { fixedClock } from '../src/platform/clock.js';
import { createCostMeter, priceTokens, usdToNano } from '../src/platform/cost.js';
import { utcDay } from '../src/store/cost-rollup.js';
import { createMemoryStore } from '../src/store/memory.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/types.js';
import { fixtureTools } from './fixtures/tools.js';
import { connectClient, newKey, testApp } from './helpers/harness.js';

const prices = {
  version: 'test-1',
  models: { 'model-a': { inputPerMillion: 3_000_000_000, outputPerMillion: 15_000_000_000, cachedInputPerMillion: 300_000_000 } },
};
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('cost meter', () => {
  it('keeps a million tiny amounts exact where floats drift', () => {
    const meter = createCostMeter(prices);
    let float = 0;
    for (let i = 0; i < 1_000_000; i++) {
      meter.external({ usd: 0.000000001 });
      float += 0.000000001;
    }
    expect(meter.totals().externalNanoUsd).toBe(1_000_000n);
    expect(float).not.toBe(0.001);
  });

  it('prices tokens from the table, cached input at its own rate, rounding half to even', () => {
    const meter = createCostMeter(prices);
    meter.llm({ model: 'model-a', inputTokens: 1000, cachedInputTokens: 400, outputTokens: 200 });
    // 600 x $3/M + 400 x $0.30/M + 200 x $15/M = 1800 + 120 + 3000 micro-USD
    expect(meter.totals().llmNanoUsd).toBe(4_920_000n);
    expect(priceTokens(1, 2_500_000)).toBe(2n);
    expect(priceTokens(3, 500_000)).toBe(2n);
    expect(priceTokens(1, 1_500_000)).toBe(2n);
    expect(usdToNano(0.0021, 't')).toBe(2_100_000n);
  });

  it('records an unknown model as unpriced, with a warning, never as free', () => {
    const warned: string[] = [];
    const meter = createCostMeter(prices, (model) => warned.push(model));
    meter.llm({ model: 'mystery-model', inputTokens: 10, outputTokens: 10 });
    expect(warned).toEqual(['mystery-model']);
    expect(meter.items()).toMatchObject([{ kind: 'llm', nanoUsd: null, model: 'mystery-model', priceVersion: 'test-1' }]);
    expect(meter.totals()).toEqual({ llmNanoUsd: 0n, externalNanoUsd: 0n, unpriced: 1 });
  });

  it.each([
    [{ usd: -1 }, /non-negative/],
    [{ usd: Number.NaN }, /finite/],
    [{ model: 'model-a', inputTokens: 1.5, outputTokens: 1 }, /integer/],
    [{ model: 'model-a', inputTokens: 1, outputTokens: 1, cachedInputTokens: 2 }, /cannot exceed/],
  ])('refuses nonsense %j', (spend, message) => {
    expect(() => createCostMeter(prices).llm(spend as never)).toThrow(message);
  });

  it('puts calls on their UTC day whatever the local time zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Pacific/Auckland';
    try {
      expect(utcDay(Date.parse('2026-06-01T23:59:59.999Z'))).toBe('2026-06-01');
      expect(utcDay(Date.parse('2026-06-02T00:00:00.000Z'))).toBe('2026-06-02');
    } finally {
      process.env.TZ = zone;
    }
  });
});

const stores: [string, () => Store][] = [
  ['memory', () => createMemoryStore()],
  [
    'sqlite',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'costs-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return openSqliteStore(path.join(dir, 'mcp.db'));
    },
  ],
];

describe.each(stores)('cost ledger and daily roll-up on the %s store', (_kind, open) => {
  async function setup(now = '2026-06-01T12:00:00Z') {
    const store = open();
    const clock = fixedClock(now);
    const { app, logs } = testApp({ tools: fixtureTools, store, clock, prices, authenticate: localPrincipal(['test:admin'], 'alice') });
    const connection = await connectClient(app);
    cleanups.push(connection.close, () => store.close());
    return { store, clock, logs, client: connection.client };
  }

  it('records each call once, by UTC day, tool and verified user; arguments cannot change the user', async () => {
    const { client, store, clock, logs } = await setup('2026-06-01T23:59:59.999Z');
    await client.callTool({ name: 'summarize', arguments: { model: 'model-a', inputTokens: 1000, outputTokens: 200, user_id: 'mallory' } });
    clock.set('2026-06-02T00:00:00.000Z');
    await client.callTool({ name: 'summarize', arguments: { model: 'model-a', inputTokens: 1000, outputTokens: 200 } });
    await store.flush();
    const rows = await store.costs.daily('2026-06-01');
    expect(rows.map((r) => [r.day, r.tool, r.principalId, r.calls])).toEqual([
      ['2026-06-01', 'summarize', 'alice', 1],
      ['2026-06-02', 'summarize', 'alice', 1],
    ]);
    // $3/M x 1000 + $15/M x 200 = 6000 micro-USD of LLM, and 400 micro-USD returned in __meta.
    expect(rows[0]).toMatchObject({ llmNanoUsd: 6_000_000n, externalNanoUsd: 400_000n, unpriced: 0 });
    expect(logs.calls()[0]).toMatchObject({ llm_cost_nano_usd: '6000000', external_cost_nano_usd: '400000', llm_cost_usd: 0.006 });
  });

  it('counts unpriced calls in the roll-up and says so on the log line', async () => {
    const { client, store, logs } = await setup();
    await client.callTool({ name: 'summarize', arguments: { model: 'mystery-model', inputTokens: 5, outputTokens: 5 } });
    await store.flush();
    expect(await store.costs.daily('2026-06-01')).toMatchObject([{ calls: 1, unpriced: 1, llmNanoUsd: 0n }]);
    expect(logs.calls()[0]).toMatchObject({ unpriced_llm_items: 1 });
    expect(logs.events('cost_unpriced')).toMatchObject([{ model: 'mystery-model', price_version: 'test-1' }]);
  });

  it('adds nothing for a replay and keeps what a failed call spent', async () => {
    const { client, store } = await setup();
    const key = newKey();
    const label = newKey();
    const once = () => client.callTool({ name: 'append_effect', arguments: { label, delayMs: 0 }, _meta: { 'mcp-prod/idempotencyKey': key } });
    await once();
    await once();
    await client.callTool({ name: 'append_effect', arguments: { label: newKey(), delayMs: 0, fail: true }, _meta: { 'mcp-prod/idempotencyKey': newKey() } });
    await store.flush();
    expect(await store.costs.daily('2026-06-01')).toMatchObject([{ tool: 'append_effect', calls: 3, replays: 1, errors: 1, externalNanoUsd: 20_000_000n }]);
  });

  it('counts 100 concurrent calls exactly 100 times', async () => {
    const { client, store } = await setup();
    await Promise.all(Array.from({ length: 100 }, () => client.callTool({ name: 'priced', arguments: {} })));
    await store.flush();
    const [row] = await store.costs.daily('2026-06-01');
    expect(row).toMatchObject({ tool: 'priced', calls: 100, llmNanoUsd: 210_000_000n, externalNanoUsd: 1_500_000_000n });
  });

  it('sums beyond 2^53 nano-USD exactly', async () => {
    const store = open();
    cleanups.push(() => store.close());
    const big = 2n ** 53n + 1n;
    for (const callId of ['a', 'b', 'c']) {
      await store.costs.record({
        callId,
        at: Date.parse('2026-06-01T00:00:00Z'),
        tool: 't',
        toolVersion: '1.0.0',
        principalId: 'p',
        outcome: 'ok',
        items: [{ kind: 'external', nanoUsd: big }],
      });
    }
    await store.flush();
    expect((await store.costs.daily('2026-06-01'))[0]!.externalNanoUsd).toBe(3n * big);
  });
});
