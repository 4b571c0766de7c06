import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/store/memory.js';
import { migrate, openSqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/types.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDbPath(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'store-test-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'mcp.db');
}

describe('SQLite store', () => {
  it('creates the file (and its directory) in WAL mode with synchronous=FULL', async () => {
    const store = openSqliteStore(tempDbPath());
    stores.push(store);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it("gives the connection of transactions SQLite's 2 MB page cache, not the 16 MB better-sqlite3 gives every connection", async () => {
    const store = openSqliteStore(tempDbPath());
    stores.push(store);
    // Every connection of a process would otherwise keep up to 16 MB of pages it wrote once (three of them: 48 MB).
    const [row] = await store.transaction((tx) => tx.sql<{ cache_size: number }>`PRAGMA cache_size`);
    expect(row).toEqual({ cache_size: -2000 });
    // Reads keep the driver's larger cache.
    expect(store.db.pragma('cache_size', { simple: true })).toBe(-16000);
  });

  it('holds the claim of a transactional call in the open group for its outcome, then commits it flushed for everyone to see', async () => {
    const file = tempDbPath();
    const store = openSqliteStore(file, { busyDeadlineMs: 200 });
    stores.push(store);
    const request = {
      principalId: 'alice',
      tool: 'create_note',
      key: 'k1',
      fingerprint: 'f',
      now: Date.now(),
      leaseMs: 60_000,
      retentionMs: 86_400_000,
      reclaimStale: true,
      durableWithOutcome: true,
      sharesOutcomeCommit: true,
    };
    expect(await store.idempotency.claim(request)).toMatchObject({ kind: 'acquired' });
    // Until the event loop turns, the group stays open for the call's outcome: nobody sees the claim yet.
    const other = new Database(file);
    const status = other.prepare<[string], string>('SELECT status FROM idempotency_records WHERE idem_key = ?').pluck();
    expect(status.get('k1')).toBeUndefined();
    // No outcome joined, so the group committed the claim alone, and another process's duplicate sees it in progress.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(status.get('k1')).toBe('in_progress');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    // One that cannot share its outcome's commit commits at once, left for that commit to flush.
    expect(await store.idempotency.claim({ ...request, key: 'k0', sharesOutcomeCommit: false })).toMatchObject({ kind: 'acquired' });
    expect(status.get('k0')).toBe('in_progress');
    // A claim that cannot get the file's lock before its deadline fails, and leaves the store usable.
    other.exec('BEGIN IMMEDIATE');
    await expect(store.idempotency.claim({ ...request, key: 'k2' })).rejects.toThrow(/locked|busy/i);
    other.exec('ROLLBACK');
    other.close();
    expect(await store.idempotency.claim({ ...request, key: 'k2' })).toMatchObject({ kind: 'acquired' });
  });

  it('runs migrations once; rerunning them is a no-op', () => {
    const db = new Database(':memory:');
    const migrations = [
      { id: '0001_a', sql: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { id: '0002_b', sql: 'CREATE TABLE b (y INTEGER) STRICT;' },
    ];
    expect(migrate(db, migrations)).toEqual(['0001_a', '0002_b']);
    expect(migrate(db, migrations)).toEqual([]);
    expect(migrate(db, [...migrations, { id: '0003_c', sql: 'CREATE TABLE c (z INTEGER) STRICT;' }])).toEqual(['0003_c']);
    db.close();
  });

  it('rolls back a failing migration entirely', () => {
    const db = new Database(':memory:');
    const broken = [{ id: '0001_bad', sql: 'CREATE TABLE ok (x INTEGER); CREATE TABLE broken (' }];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'ok'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database written by a newer version', () => {
    const db = new Database(':memory:');
    migrate(db, [
      { id: '0001_a', sql: 'SELECT 1;' },
      { id: '0099_future', sql: 'SELECT 1;' },
    ]);
    expect(() => migrate(db, [{ id: '0001_a', sql: 'SELECT 1;' }])).toThrow(/0099_future.*newer version/);
    db.close();
  });
});

describe('memory store', () => {
  it('refuses work after close', async () => {
    const store = createMemoryStore();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
  });
});
