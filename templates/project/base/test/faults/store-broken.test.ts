/**
 * Fault: a store that answers reads but cannot serve (a database file the server may not write,
 * a full disk, damaged pages, a PostgreSQL role or session that cannot write). The startup
 * check refuses to serve from it with a message naming the store and the problem, instead of a
 * server that starts and fails every request.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkStoreAtStart, openStore } from '../../src/store/index.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { collectLogs, collectSecrets } from './secret-scan.js';
import { holdWriteLock } from './sqlite-lock.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const startCheck = fileURLToPath(new URL('./fixtures/start-check.ts', import.meta.url));

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A healthy store file, closed: what a server finds when it starts. */
async function existingStore(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fault-broken-'));
  dirs.push(dir);
  const file = path.join(dir, 'mcp.db');
  const store = openSqliteStore(file);
  await store.tokens.insert(
    {
      id: 'tok_1',
      principalId: 'alice',
      name: 'one',
      scopes: [],
      hint: 'h',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2099-01-01T00:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
      rotatedFrom: null,
    },
    'hash-1',
  );
  await store.close();
  return file;
}

/** The startup check as a process of its own, started through `prefix` (another user, a limit). */
function refusalFrom(prefix: string[], file: string): string | null {
  const command = [...prefix, process.execPath, '--import', 'tsx', startCheck, file];
  const output = execFileSync(command[0]!, command.slice(1), { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  collectLogs(output);
  return (JSON.parse(output.trim().split('\n').at(-1)!) as { refusal: string | null }).refusal;
}

async function refusalInProcess(file: string): Promise<string | undefined> {
  const store = openStore({ store: 'sqlite', dbPath: file, postgres: undefined });
  try {
    return await checkStoreAtStart(store);
  } finally {
    await store.close();
  }
}

const isRoot = process.getuid?.() === 0;
// Root writes whatever the permissions say. In a user namespace that maps only root, a file
// owned by another user is out of its reach: there it is a user like any other.
const asOtherUser = isRoot ? ['unshare', '--user', '--map-root-user'] : [];
const canDropRoot = !isRoot || spawnSync('unshare', ['--user', '--map-root-user', 'true']).status === 0;

describe('a SQLite store the server cannot use', () => {
  it('starts from a healthy file', async () => {
    expect(await refusalInProcess(await existingStore())).toBeUndefined();
  });

  it.skipIf(!canDropRoot)('refuses a database file it may not write, naming the file', async () => {
    const file = await existingStore();
    if (isRoot) chownSync(file, 65534, 65534);
    chmodSync(file, 0o444);
    const refusal = refusalFrom(asOtherUser, file);
    expect(refusal).toContain(`The SQLite store at ${file} cannot be written`);
    expect(refusal).toMatch(/readonly|read-only|permission|denied/i);
  });

  // A full disk, as a process that may not grow files any further (RLIMIT_FSIZE): writes fail as
  // they would with no space left. Node ignores the SIGXFSZ that would otherwise kill it.
  it('refuses a disk it cannot write to', async () => {
    const file = await existingStore();
    const refusal = refusalFrom(['sh', '-c', 'ulimit -f 128 && exec "$@"', 'sh'], file);
    expect(refusal).toContain(`The SQLite store at ${file} cannot be written`);
    expect(refusal).toMatch(/EFBIG|ENOSPC|too large|no space/i);
  });

  it('refuses a file with damaged pages, quoting what PRAGMA quick_check found', async () => {
    const file = await existingStore();
    const before = openSqliteStore(file);
    const { rootpage } = before.db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'tokens'").get() as { rootpage: number };
    const pageSize = before.db.pragma('page_size', { simple: true }) as number;
    await before.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, randomBytes(pageSize - 100), 0, pageSize - 100, (rootpage - 1) * pageSize + 100);
    closeSync(fd);
    const refusal = await refusalInProcess(file).catch((error: Error) => error.message);
    collectLogs(String(refusal));
    expect(refusal).toMatch(new RegExp(`SQLite store at ${file}.*(damaged|malformed)`));
  });

  it('starts, with a warning, while another process holds the write lock: a lock that passes is no reason to refuse', async () => {
    const file = await existingStore();
    const warnings: string[] = [];
    const lock = await holdWriteLock(file);
    try {
      const store = openSqliteStore(file, { busyDeadlineMs: 200, onWarning: (event) => warnings.push(event) });
      expect(await checkStoreAtStart(store)).toBeUndefined();
      await store.close();
    } finally {
      await lock.release();
    }
    expect(warnings).toEqual(['store_locked_at_start']);
  });

  it('creates the database file for its user alone (0600, directory 0700)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fault-modes-'));
    dirs.push(dir);
    const file = path.join(dir, 'nested', 'data', 'mcp.db');
    const store = openSqliteStore(file);
    await store.tokens.touch('nobody', new Date().toISOString());
    await store.flush();
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(path.join(dir, 'nested'))).toBe(0o700);
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    for (const companion of [`${file}-wal`, `${file}-shm`]) if (existsSync(companion)) expect(mode(companion)).toBe(0o600);
    await store.close();
    expect(readFileSync(file).subarray(0, 15).toString()).toBe('SQLite format 3');
  });
});

const url = process.env.MCP_PROD_TEST_DATABASE_URL ?? '';

describe.skipIf(!url)('a PostgreSQL store the server cannot write', () => {
  const admin = url ? new pg.Pool({ connectionString: url, max: 2 }) : undefined;
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => admin?.end());

  async function migratedSchema(): Promise<string> {
    const schema = `mcpp_fault_${randomBytes(5).toString('hex')}`;
    const owner = openPostgresStore({ connectionString: url, schema });
    await owner.ready();
    await owner.close();
    cleanups.push(() => admin!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    return schema;
  }

  async function refusal(connectionString: string, schema: string): Promise<string | undefined> {
    const store = openPostgresStore({ connectionString, schema });
    try {
      const refused = await checkStoreAtStart(store);
      collectLogs(String(refused));
      return refused;
    } finally {
      await store.close();
    }
  }

  it('starts on a role that may write', async () => {
    expect(await refusal(url, await migratedSchema())).toBeUndefined();
  });

  it('refuses a read-only session (a replica, or default_transaction_read_only)', async () => {
    const schema = await migratedSchema();
    const readOnly = new URL(url);
    readOnly.searchParams.set('options', '-c default_transaction_read_only=on');
    expect(await refusal(readOnly.toString(), schema)).toMatch(/cannot be written: the PostgreSQL session is read-only/);
  });

  it('refuses a role that may read but not write, naming what it lacks', async () => {
    const schema = await migratedSchema();
    const role = `mcpp_reader_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    collectSecrets(password);
    await admin!.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    cleanups.push(() => admin!.query(`DROP ROLE IF EXISTS ${role}`));
    await admin!.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
    cleanups.push(() => admin!.query(`DROP OWNED BY ${role}`));
    const asReader = new URL(url);
    asReader.username = role;
    asReader.password = password;
    const refused = await refusal(asReader.toString(), schema);
    expect(refused).toMatch(
      /cannot be written: the PostgreSQL role may not write what the server writes \(missing UPDATE on tokens, INSERT on idempotency_records/,
    );
    expect(refused).not.toContain(password);
  });
});
