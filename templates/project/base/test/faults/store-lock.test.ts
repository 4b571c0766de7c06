/**
 * Fault: another process holds the SQLite write lock (a backup, a migration, a second server).
 * The server must keep its event loop free, keep answering read-only calls, answer mutating
 * calls with the retryable store_unavailable within the write deadline, and write the token
 * uses and cost records made meanwhile once the lock is released, losing none on close.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { issueToken } from '../../src/platform/tokens.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import { fixtureTools } from '../fixtures/tools.js';
import { captureLogs, connectClient, errorOf, newKey } from '../helpers/harness.js';
import { collectLogs, collectSecrets } from './secret-scan.js';
import { holdWriteLock, timeSqliteCalls } from './sqlite-lock.js';

const LOCK_MS = 10_000;
const DEADLINE_MS = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A server on a fresh SQLite file whose calls are authenticated by real stored tokens. */
async function server(deadlineMs = DEADLINE_MS) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fault-lock-'));
  dirs.push(dir);
  const file = path.join(dir, 'mcp.db');
  const logs = captureLogs();
  const store = openSqliteStore(file, { busyDeadlineMs: deadlineMs, onWarning: (event, details) => logs.logger.warn({ event, ...details }, event) });
  let presented = '';
  const app: App = createApp({
    config: loadConfig({ MCP_PROD_STORE: 'sqlite', MCP_PROD_DB: file, LOG_LEVEL: 'debug' }),
    store,
    logger: logs.logger,
    tools: fixtureTools,
    // As the HTTP gate does: the presented token is verified against the store on every call.
    authenticate: async () => (await app.verifier.verify(presented, new Date())).principal,
  });
  const issue = async () => {
    const { token, record } = await issueToken(store.tokens, { principal: 'alice', scopes: ['test:read', 'test:write'], now: new Date() });
    collectSecrets(token);
    return { token, id: record.id };
  };
  const connection = await connectClient(app);
  return {
    file,
    store,
    app,
    logs,
    issue,
    use: (token: string) => (presented = token),
    client: connection.client,
    async close() {
      await connection.close();
      await app.close();
      collectLogs(logs.raw.join('\n'));
    },
  };
}

/** Reads the file on a connection of its own: what is written, not what the store remembers. */
function written<T>(file: string, sql: string, ...values: unknown[]): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all(...values) as T[];
  } finally {
    db.close();
  }
}

const echoCalls = (file: string) =>
  written<{ calls: number }>(file, "SELECT calls FROM cost_daily WHERE tool = 'echo' AND principal_id = 'alice'")[0]?.calls ?? 0;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe(`a write lock held by another process for ${LOCK_MS / 1000} s`, () => {
  const seen = {
    longestSqliteCall: { ms: 0, sql: '' },
    eventLoopMaxMs: 0,
    eventLoopP99Ms: 0,
    readLatencies: [] as number[],
    readFailures: [] as unknown[],
    mutating: [] as { code: string; retryable: unknown; ms: number }[],
    transactionMs: 0,
    transactionError: undefined as unknown,
    readinessError: undefined as unknown,
    callsBeforeLock: 0,
    callsDuringLock: 0,
    writtenDuringLock: 0,
    coldTokenLastUse: null as string | null,
    coldTokenLastUseAfter: null as string | null,
    msToWriteAfterRelease: 0,
  };

  beforeAll(async () => {
    const s = await server();
    try {
      const warm = await s.issue();
      const cold = await s.issue();
      s.use(warm.token);
      for (let i = 0; i < 20; i++) await s.client.callTool({ name: 'echo', arguments: { text: 'warm' } });
      await s.store.flush();
      seen.callsBeforeLock = echoCalls(s.file);

      const lock = await holdWriteLock(s.file, LOCK_MS + 20_000);
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const sqliteCalls = timeSqliteCalls();
      const lockedAt = performance.now();
      s.use(cold.token);

      const reader = async () => {
        while (performance.now() - lockedAt < LOCK_MS) {
          try {
            const { value, ms } = await timed(() => s.client.callTool({ name: 'echo', arguments: { text: 'still here' } }));
            if (value.isError) seen.readFailures.push(value);
            else seen.readLatencies.push(ms);
          } catch (error) {
            seen.readFailures.push(error);
          }
          await sleep(5);
        }
      };
      const mutate = async (name: string, args: Record<string, unknown>) => {
        await sleep(500);
        const key = newKey();
        collectSecrets(key);
        const { value, ms } = await timed(() => s.client.callTool({ name, arguments: args, _meta: { 'mcp-prod/idempotencyKey': key } }));
        const error = errorOf(value);
        seen.mutating.push({ code: error.code, retryable: error.retryable, ms });
      };
      const direct = async () => {
        await sleep(3000);
        const transaction = await timed(() => s.store.transaction(async () => 'ran').catch((error: unknown) => error));
        seen.transactionMs = transaction.ms;
        seen.transactionError = transaction.value;
        seen.readinessError = await s.store.checkWritable().catch((error: unknown) => error);
      };
      await Promise.all([reader(), mutate('append_effect', { label: 'during-lock', delayMs: 0 }), mutate('tx_effect', { label: 'during-lock' }), direct()]);
      seen.callsDuringLock = seen.readLatencies.length;
      seen.writtenDuringLock = echoCalls(s.file) - seen.callsBeforeLock;
      seen.coldTokenLastUse = written<{ last_used_at: string | null }>(s.file, 'SELECT last_used_at FROM tokens WHERE id = ?', cold.id)[0]!.last_used_at;

      await lock.release();
      const releasedAt = performance.now();
      // No explicit flush: the store's own timer writes what waited.
      while (echoCalls(s.file) < seen.callsBeforeLock + seen.callsDuringLock && performance.now() - releasedAt < 5000) await sleep(20);
      seen.msToWriteAfterRelease = performance.now() - releasedAt;
      loop.disable();
      sqliteCalls.stop();
      seen.longestSqliteCall = { ...sqliteCalls.longest };
      seen.eventLoopMaxMs = loop.max / 1e6;
      seen.eventLoopP99Ms = loop.percentile(99) / 1e6;
      seen.coldTokenLastUseAfter = written<{ last_used_at: string | null }>(s.file, 'SELECT last_used_at FROM tokens WHERE id = ?', cold.id)[0]!.last_used_at;
      const sorted = [...seen.readLatencies].sort((a, b) => a - b);
      const p99 = sorted[Math.ceil(sorted.length * 0.99) - 1] ?? NaN;
      console.info(
        `store lock ${LOCK_MS} ms: longest SQLite call ${seen.longestSqliteCall.ms.toFixed(1)} ms (${seen.longestSqliteCall.sql}); ` +
          `event loop delay p99 ${seen.eventLoopP99Ms.toFixed(1)} ms, max ${seen.eventLoopMaxMs.toFixed(1)} ms; ${sorted.length} read-only calls, p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms; ` +
          `store_unavailable after ${seen.mutating.map((m) => m.ms.toFixed(0)).join(' and ')} ms; written ${seen.msToWriteAfterRelease.toFixed(0)} ms after release`,
      );
    } finally {
      await s.close();
    }
  }, LOCK_MS + 30_000);

  // Each SQLite call blocks the event loop for its whole length, so the longest one bounds what the
  // store can stall. The loop's own delay also holds GC and the scheduling of a loaded machine
  // (an idle process showed 80 ms there), so it is only held to "never seconds".
  it('never blocks the event loop for more than a few milliseconds', () => {
    expect(seen.longestSqliteCall.ms).toBeGreaterThan(0);
    expect(seen.longestSqliteCall.ms).toBeLessThan(50);
    expect(seen.eventLoopMaxMs).toBeLessThan(1000);
  });

  it('keeps answering read-only calls, p99 under 100 ms, with a cold token whose use cannot be written', () => {
    expect(seen.readFailures).toEqual([]);
    expect(seen.readLatencies.length).toBeGreaterThan(100);
    const sorted = [...seen.readLatencies].sort((a, b) => a - b);
    expect(sorted[Math.ceil(sorted.length * 0.99) - 1]).toBeLessThan(100);
  });

  it('answers mutating calls with the retryable store_unavailable within the write deadline', () => {
    expect(seen.mutating).toHaveLength(2);
    for (const call of seen.mutating) {
      expect(call).toMatchObject({ code: 'store_unavailable', retryable: true });
      expect(call.ms).toBeGreaterThan(DEADLINE_MS - 100);
      expect(call.ms).toBeLessThan(DEADLINE_MS + 1000);
    }
  });

  it('fails a transaction and the readiness probe with SQLITE_BUSY at the deadline', () => {
    expect(seen.transactionError).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(seen.transactionMs).toBeGreaterThan(DEADLINE_MS - 100);
    expect(seen.transactionMs).toBeLessThan(DEADLINE_MS + 1000);
    expect(seen.readinessError).toMatchObject({ code: 'SQLITE_BUSY' });
  });

  it('writes the token use and the cost records made during the lock once it is released', () => {
    expect(seen.writtenDuringLock).toBe(0);
    expect(seen.coldTokenLastUse).toBeNull();
    expect(seen.msToWriteAfterRelease).toBeLessThan(2000);
    expect(seen.coldTokenLastUseAfter).not.toBeNull();
  });
});

describe('closing while another process holds the write lock', () => {
  it('waits for the lock within the deadline and loses no cost record or token use', async () => {
    const s = await server();
    const { token, id } = await s.issue();
    s.use(token);
    const lock = await holdWriteLock(s.file);
    try {
      for (let i = 0; i < 30; i++) await s.client.callTool({ name: 'echo', arguments: { text: 'before close' } });
      expect(echoCalls(s.file)).toBe(0);
      setTimeout(() => void lock.release(), 500);
      const { ms } = await timed(() => s.close());
      expect(ms).toBeLessThan(DEADLINE_MS);
    } finally {
      await lock.release();
    }
    expect(echoCalls(s.file)).toBe(30);
    expect(written<{ last_used_at: string | null }>(s.file, 'SELECT last_used_at FROM tokens WHERE id = ?', id)[0]!.last_used_at).not.toBeNull();
    expect(s.logs.events('bookkeeping_lost')).toEqual([]);
  });

  it('reports what it could not write when the lock outlasts the deadline', async () => {
    const s = await server(300);
    const { token } = await s.issue();
    s.use(token);
    const lock = await holdWriteLock(s.file);
    try {
      for (let i = 0; i < 3; i++) await s.client.callTool({ name: 'echo', arguments: { text: 'lost' } });
      await s.close();
    } finally {
      await lock.release();
    }
    expect(s.logs.events('bookkeeping_lost')).toMatchObject([{ level: 'warn', lost_costs: 3, lost_touches: 1 }]);
    expect((s.store as SqliteStore).db.open).toBe(false);
  });
});
