/**
 * Group commit on a real SQLite file: transactions that queue up share one commit, each in a
 * savepoint of its own, and none hears its outcome before that commit is on disk.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createGroupCommit } from '../src/store/group-commit.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { ClaimOutcome, ClaimRequest, Store, StoreTransaction } from '../src/store/types.js';
import { createWriteLock } from '../src/store/write-lock.js';
import { fixtureTools, gate, handlerRuns } from './fixtures/tools.js';
import { connectClient, errorOf, newKey, testApp } from './helpers/harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function openStore() {
  const dir = mkdtempSync(path.join(tmpdir(), 'group-commit-'));
  const file = path.join(dir, 'mcp.db');
  // A group takes members for a second rather than 20 ms: a pause of the test runner must not split one.
  const store = openSqliteStore(file, { groupOpenMs: 1000 });
  // Another connection, as another process would see the file: it reads committed data only.
  const observer = new Database(file, { readonly: true });
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => store.close(),
    () => {
      observer.close();
    },
  );
  return { store, file, observer };
}

const insert = (tx: StoreTransaction, label: string) => tx.sql`INSERT INTO scratch (label) VALUES (${label})`;
const labelsIn = (db: Database.Database) => (db.prepare('SELECT label FROM scratch ORDER BY label').pluck().all() as string[]).sort();
/** Frames appended to the write-ahead log: every commit writes each page it changed once more. */
const walFrames = (file: string) => (statSync(`${file}-wal`).size - 32) / (4096 + 24);

describe('group commit', () => {
  it('gives transactions that queue up together one commit, and one that fails undoes only its own writes', async () => {
    const { store, file, observer } = openStore();
    await store.transaction((tx) => tx.sql`CREATE TABLE scratch (label TEXT PRIMARY KEY)`);
    const labels = Array.from({ length: 16 }, (_, i) => `row-${String(i).padStart(2, '0')}`);

    const beforeOne = walFrames(file);
    for (const label of labels) await store.transaction((tx) => insert(tx, `one-by-one-${label}`));
    const oneByOne = walFrames(file) - beforeOne;

    const beforeGroup = walFrames(file);
    const outcomes = await Promise.allSettled(
      labels.map((label, i) =>
        store.transaction(async (tx) => {
          await insert(tx, label);
          if (i === 5) throw new Error('this call fails after its write');
          return label;
        }),
      ),
    );
    const grouped = walFrames(file) - beforeGroup;

    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.message)).toEqual([
      'this call fails after its write',
    ]);
    expect(labelsIn(observer).filter((label) => !label.startsWith('one-by-one'))).toEqual(labels.filter((_, i) => i !== 5));
    // Sixteen commits of the same table and index pages against one.
    expect(oneByOne).toBeGreaterThanOrEqual(16);
    expect(grouped).toBeLessThan(oneByOne / 4);
  });

  it('tells no member its outcome before the commit that makes it durable', async () => {
    const { store, observer } = openStore();
    await store.transaction((tx) => tx.sql`CREATE TABLE scratch (label TEXT PRIMARY KEY)`);
    const seenAtResolution = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.transaction((tx) => insert(tx, `r${i}`)).then(() => labelsIn(observer).includes(`r${i}`))),
    );
    expect(seenAtResolution).toEqual(Array(8).fill(true));
  });

  it('fails every member of a group whose commit fails, keeps none of their writes, and commits the next group', async () => {
    const { store, observer } = openStore();
    await store.transaction((tx) => tx.sql`CREATE TABLE scratch (label TEXT PRIMARY KEY)`);
    await createDeferredReference(store);
    const outcomes = await Promise.allSettled([
      store.transaction((tx) => insert(tx, 'innocent')),
      store.transaction(orphan),
      store.transaction(async (tx) => {
        await insert(tx, 'failed-itself');
        throw new Error('its own failure');
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const outcome of outcomes) expect((outcome as PromiseRejectedResult).reason.message).toMatch(/FOREIGN KEY constraint failed/);
    expect(labelsIn(observer)).toEqual([]);

    await store.transaction((tx) => insert(tx, 'after'));
    expect(labelsIn(observer)).toEqual(['after']);
  });
});

/** Tables whose foreign key is checked at COMMIT: the way to make a real commit fail. */
const createDeferredReference = (store: Store) =>
  store.transaction(async (tx) => {
    await tx.sql`CREATE TABLE IF NOT EXISTS parent (id TEXT PRIMARY KEY)`;
    await tx.sql`CREATE TABLE IF NOT EXISTS child (parent_id TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`;
  });
const orphan = (tx: StoreTransaction) => tx.sql`INSERT INTO child (parent_id) VALUES (${'missing'})`;

describe('group commit: faults', () => {
  it('fails the member whose connection cannot be opened and serves the next one', async () => {
    let opened = 0;
    const db = new Database(':memory:');
    cleanups.push(() => {
      db.close();
    });
    const grouped = createGroupCommit(
      () => {
        opened += 1;
        if (opened === 1) throw new Error('unable to open database file');
        return db;
      },
      createWriteLock(),
      { begin: async (connection) => connection.exec('BEGIN IMMEDIATE'), busyDeadlineMs: 1000 },
    );
    const outcomes = await Promise.allSettled([grouped(() => 'first'), grouped(() => 'second')]);
    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { message: 'unable to open database file' } });
    expect(outcomes[1]).toEqual({ status: 'fulfilled', value: 'second' });
    expect(opened).toBe(2);
  });

  it('refuses transaction control in ctx.tx.sql, which would commit the other calls of its group half-done', async () => {
    const { store, observer } = openStore();
    await store.transaction((tx) => tx.sql`CREATE TABLE scratch (label TEXT PRIMARY KEY)`);
    const outcomes = await Promise.allSettled([
      store.transaction(async (tx) => {
        await insert(tx, 'innocent');
        await new Promise((resolve) => setTimeout(resolve, 10));
        await insert(tx, 'innocent-later');
      }),
      ...['COMMIT', 'END', 'ROLLBACK', 'BEGIN', 'RELEASE grouped_call', ' savepoint mine'].map((statement) =>
        store.transaction(async (tx) => {
          await insert(tx, `before ${statement}`);
          await tx.sql([statement] as unknown as TemplateStringsArray);
          await insert(tx, `after ${statement}`);
        }),
      ),
    ]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: undefined });
    for (const outcome of outcomes.slice(1))
      expect(outcome).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/^ctx\.tx\.sql cannot run/) } });
    expect(labelsIn(observer)).toEqual(['innocent', 'innocent-later']);
  });

  it('refuses ctx.tx work after SQLite rolled the transaction back on its own, which would otherwise commit alone', async () => {
    const { store, observer } = openStore();
    await store.transaction((tx) => tx.sql`CREATE TABLE scratch (label TEXT PRIMARY KEY, filler BLOB)`);
    const outcome = store.transaction(async (tx) => {
      // A full disk, as SQLite sees it: past this many pages, a write fails with SQLITE_FULL and
      // SQLite rolls back the whole transaction.
      const [row] = await tx.sql<{ pages: number }>`SELECT page_count AS pages FROM pragma_page_count()`;
      await tx.sql([`PRAGMA max_page_count = ${row!.pages + 2}`] as unknown as TemplateStringsArray);
      const full = await (async () => {
        for (let i = 0; i < 50; i++) await tx.sql`INSERT INTO scratch (label, filler) VALUES (${`big-${i}`}, randomblob(3000))`;
      })().catch((error: { code?: string }) => error.code);
      expect(full).toBe('SQLITE_FULL');
      // A handler that carries on after the error.
      await insert(tx, 'after-full');
    });
    await expect(outcome).rejects.toThrow(/transaction has ended/);
    expect(labelsIn(observer)).toEqual([]);
    // A member that finished before SQLite's rollback hears that it was lost too.
    const innocent = store.transaction((tx) => insert(tx, 'innocent'));
    const filling = store.transaction(async (tx) => {
      await tx.sql`INSERT INTO scratch (label, filler) VALUES (${'big'}, randomblob(30000))`;
    });
    await expect(filling).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    await expect(innocent).rejects.toThrow(/SQLITE_FULL|database or disk is full/);
    expect(labelsIn(observer)).toEqual([]);
  });

  it('replaces the connection of a group that failed to roll back, so the next group is served', async () => {
    const connections: { exec(sql: string): void; inTransaction: boolean; statements: string[] }[] = [];
    const fake = (failRollback: boolean) => {
      const connection = {
        inTransaction: false,
        statements: [] as string[],
        exec(sql: string) {
          connection.statements.push(sql);
          if (sql === 'ROLLBACK' && failRollback) throw new Error('disk I/O error');
          if (sql.startsWith('BEGIN')) connection.inTransaction = true;
          if (sql === 'COMMIT' || sql === 'ROLLBACK') connection.inTransaction = false;
        },
      };
      connections.push(connection);
      return connection;
    };
    let current = fake(true);
    const discarded: unknown[] = [];
    const grouped = createGroupCommit(() => current, createWriteLock(), {
      begin: async (connection) => connection.exec('BEGIN IMMEDIATE'),
      busyDeadlineMs: 1000,
      discard: (error) => {
        discarded.push(error);
        current = fake(false);
      },
    });
    // A commit that fails, then a ROLLBACK that fails too.
    const failing = current;
    failing.exec = ((exec) => (sql: string) => {
      if (sql === 'COMMIT') throw new Error('disk I/O error');
      exec(sql);
    })(failing.exec);
    await expect(grouped(() => 'lost')).rejects.toThrow('disk I/O error');
    expect(discarded).toHaveLength(1);
    expect(await grouped(() => 'served')).toBe('served');
    expect(connections).toHaveLength(2);
    expect(connections[1]!.statements).toEqual(['BEGIN IMMEDIATE', 'SAVEPOINT grouped_call', 'RELEASE grouped_call', 'COMMIT']);
  });

  it('refuses transactions and claims once the store is closed, rather than opening the file again', async () => {
    const { store } = openStore();
    await store.close();
    await expect(store.transaction(async () => 'ran')).rejects.toThrow(/is closed/);
    const claim: ClaimRequest = {
      principalId: 'alice',
      tool: 'tx_effect',
      key: newKey(),
      fingerprint: 'f',
      now: Date.now(),
      leaseMs: 60_000,
      retentionMs: 86_400_000,
      durableWithOutcome: true,
      sharesOutcomeCommit: true,
    };
    await expect(store.idempotency.claim(claim)).rejects.toThrow(/is closed/);
  });

  it('tells a claim answered before its commit that its group failed, and the call then runs nothing', async () => {
    const { store, observer } = openStore();
    await createDeferredReference(store);
    let sabotage = true;
    // The first claim shares its group with a transaction whose commit fails.
    const claim = store.idempotency.claim.bind(store.idempotency);
    const sabotaged: Store = Object.create(store, {
      idempotency: {
        value: {
          ...store.idempotency,
          claim: async (request: ClaimRequest): Promise<ClaimOutcome> => {
            const outcome = await claim(request);
            if (sabotage) {
              sabotage = false;
              await expect(store.transaction(orphan)).rejects.toThrow(/FOREIGN KEY/);
            }
            return outcome;
          },
        },
      },
    });
    const { app } = testApp({ tools: fixtureTools, store: sabotaged });
    const connection = await connectClient(app);
    cleanups.push(connection.close);
    const key = newKey();
    const call = () => connection.client.callTool({ name: 'tx_effect', arguments: { label: 'once' }, _meta: { 'mcp-prod/idempotencyKey': key } });
    const runsBefore = handlerRuns.get('tx_effect') ?? 0;

    const first = await call();
    expect(errorOf(first)).toMatchObject({ code: 'store_unavailable', retryable: true });
    expect(handlerRuns.get('tx_effect') ?? 0).toBe(runsBefore);
    expect(observer.prepare('SELECT count(*) FROM idempotency_records').pluck().get()).toBe(0);

    const retry = await call();
    expect(retry.isError).toBeFalsy();
    expect(handlerRuns.get('tx_effect')).toBe(runsBefore + 1);
    expect(observer.prepare("SELECT count(*) FROM test_tx_effects WHERE label = 'once'").pluck().get()).toBe(1);
  });
});

describe('group commit of keyed transactional calls', () => {
  async function setup(env: Record<string, string> = {}) {
    const { store, observer } = openStore();
    const { app } = testApp({ tools: fixtureTools, store, config: loadConfig({ MCP_PROD_STORE: 'memory', LOG_LEVEL: 'debug', ...env }) });
    const connection = await connectClient(app);
    cleanups.push(() => app.close(), connection.close);
    const call = (args: Record<string, unknown>, key: string) =>
      connection.client.callTool({ name: 'tx_effect', arguments: args, _meta: { 'mcp-prod/idempotencyKey': key } });
    const records = () => observer.prepare('SELECT status FROM idempotency_records').pluck().all() as string[];
    return { call, records, observer, store };
  }

  it('commits the claim on its own, unflushed, when a rate or a budget is checked between it and the outcome', async () => {
    const cases: [Record<string, string>, boolean][] = [
      [{}, true],
      [{ MCP_PROD_DAILY_BUDGET_USD: '5' }, false],
      [{ MCP_PROD_RATE_LIMIT: '100/min' }, false],
    ];
    // Counted in Redis, the rate is a round trip that outlasts the claim's open group.
    if (process.env.MCP_PROD_TEST_REDIS_URL) cases.push([{ MCP_PROD_RATE_LIMIT: '100/min', REDIS_URL: process.env.MCP_PROD_TEST_REDIS_URL }, false]);
    for (const [env, shared] of cases) {
      const { call, records, store } = await setup(env);
      const claim = vi.spyOn(store.idempotency, 'claim');
      const name = `gate-${newKey()}`;
      const pending = call({ label: 'gated', gate: name }, newKey());
      await vi.waitFor(() => expect(claim).toHaveBeenCalled());
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(claim.mock.calls[0]![0]).toMatchObject({ durableWithOutcome: true, sharesOutcomeCommit: shared });
      // Shared, the claim is in the open group; on its own, another process sees the call running.
      expect(records()).toEqual(shared ? [] : ['in_progress']);
      gate(name).open();
      expect((await pending).isError).toBeFalsy();
      expect(records()).toEqual(['completed']);
    }
  });

  it('commits the claim with the outcome: a running call leaves no record another process could see', async () => {
    const { call, records, observer } = await setup();
    const name = `gate-${newKey()}`;
    const pending = call({ label: 'gated', gate: name }, newKey());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(records()).toEqual([]);
    gate(name).open();
    expect((await pending).isError).toBeFalsy();
    expect(records()).toEqual(['completed']);
    expect(observer.prepare("SELECT count(*) FROM test_tx_effects WHERE label = 'gated'").pluck().get()).toBe(1);
  });

  it('runs a burst of keyed calls once each and replays every one of them', async () => {
    const { call, observer } = await setup();
    const keys = Array.from({ length: 12 }, () => newKey());
    const first = await Promise.all(keys.map((key, i) => call({ label: `burst-${i}` }, key)));
    const again = await Promise.all(keys.map((key, i) => call({ label: `burst-${i}` }, key)));
    expect(first.every((result) => !result.isError)).toBe(true);
    expect(again.map((result) => result.structuredContent)).toEqual(first.map((result) => result.structuredContent));
    expect(again.every((result) => result._meta?.['mcp-prod/idempotentReplay'] === true)).toBe(true);
    expect(observer.prepare("SELECT count(*) FROM test_tx_effects WHERE label LIKE 'burst-%'").pluck().get()).toBe(12);
  });

  it('keeps the stored error of a call whose handler failed, while the group commits the others', async () => {
    const { call, observer } = await setup();
    const key = newKey();
    const [failed, kept] = await Promise.all([call({ label: 'rejected', fail: 'business' }, key), call({ label: 'kept' }, newKey())]);
    expect(errorOf(failed)).toMatchObject({ code: 'effect_rejected' });
    expect(kept.isError).toBeFalsy();
    const replayed = await call({ label: 'rejected', fail: 'business' }, key);
    expect(errorOf(replayed)).toMatchObject({ code: 'effect_rejected' });
    expect(replayed._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    expect(observer.prepare('SELECT label FROM test_tx_effects ORDER BY label').pluck().all()).toEqual(['kept']);
  });
});
