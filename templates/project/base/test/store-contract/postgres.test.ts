/**
 * The PostgreSQL store against a real server: the store contract, then what only a networked,
 * multi-instance store has to get right (racing migrations, several instances on one schema,
 * connections that die or never answer, credentials kept out of messages).
 *
 *   MCP_PROD_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx vitest run test/store-contract
 *
 * Every test works in a schema of its own, dropped afterwards, so runs never collide.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres.js';
import { postgresMigrations } from '../../src/store/postgres-migrations.js';
import { describeStoreContract } from './contract.js';

const url = process.env.MCP_PROD_TEST_DATABASE_URL ?? '';

const SKIPPED =
  'MCP_PROD_TEST_DATABASE_URL is not set, so the PostgreSQL store tests are skipped (set it, e.g. postgres://postgres@127.0.0.1:5432/postgres, to run them).';
if (!url && process.env.CI) {
  describe('PostgreSQL store', () => {
    it('is tested in CI', () => {
      throw new Error(
        'MCP_PROD_TEST_DATABASE_URL is not set, so the PostgreSQL store went untested. Give the CI job a PostgreSQL service and set it, e.g. postgres://postgres:postgres@127.0.0.1:5432/postgres.',
      );
    });
  });
} else if (!url) {
  console.warn(SKIPPED);
}

const suite = url ? describe : describe.skip;
const admin = url ? new pg.Pool({ connectionString: url, max: 3 }) : undefined;
afterAll(() => admin?.end());

const newSchema = () => `mcpp_test_${randomBytes(6).toString('hex')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Times a promise that must fail, returning its error and how long it took. */
/**
 * Handles `promise` at once, so that a rejection arriving while the test does other things is
 * never reported as unhandled, and notes when it settled.
 */
function watch(promise: Promise<unknown>): Promise<{ error: Error | undefined; at: number }> {
  return promise.then(
    () => ({ error: undefined, at: Date.now() }),
    (error: Error) => ({ error, at: Date.now() }),
  );
}

async function failure(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error: error as Error, ms: Date.now() - started };
  }
  throw new Error('expected the call to fail');
}

suite(url ? 'PostgreSQL store' : `PostgreSQL store: ${SKIPPED}`, () => {
  describeStoreContract(
    'postgres',
    async () => {
      const schema = newSchema();
      const store = openPostgresStore({ connectionString: url, schema });
      return {
        store,
        async cleanup() {
          await store.close();
          await admin!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        },
      };
    },
    { sql: true },
  );

  describe('PostgreSQL specifics', () => {
    const stores: PostgresStore[] = [];
    const schemas: string[] = [];
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close();
      for (const schema of schemas.splice(0)) await admin!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });

    function open(options: Partial<PostgresStoreOptions> = {}): PostgresStore {
      const schema = options.schema ?? newSchema();
      if (!schemas.includes(schema)) schemas.push(schema);
      const store = openPostgresStore({ connectionString: url, ...options, schema });
      stores.push(store);
      return store;
    }

    const claim = (store: PostgresStore, now = Date.now()) =>
      store.idempotency.claim({ principalId: 'alice', tool: 'pay', key: 'k', fingerprint: 'f', now, leaseMs: 30_000, retentionMs: 86_400_000 });

    it('refuses transaction control in ctx.tx.sql, so a handler cannot commit half of its call', async () => {
      const store = open();
      await store.ready();
      await expect(
        store.transaction(async (tx) => {
          await tx.sql`CREATE TABLE half (id INT)`;
          await tx.sql`COMMIT`;
        }),
      ).rejects.toThrow(/cannot run COMMIT/);
      const { rows } = await admin!.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [store.schema, 'half']);
      expect(rows).toEqual([]);
    });

    it('keeps every table in its schema and names it in location, never the password', async () => {
      const store = open();
      await store.ready();
      const { rows } = await admin!.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [store.schema]);
      expect(rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(['schema_migrations', 'tokens', 'idempotency_records', 'cost_ledger', 'cost_daily']),
      );
      expect(await store.transaction((tx) => tx.sql`SELECT current_schema() AS schema`)).toEqual([{ schema: store.schema }]);
      expect(store.location).toMatch(new RegExp(`^postgres(ql)?://.*\\?schema=${store.schema}$`));

      const remote = openPostgresStore({
        connectionString: 'postgres://alice:s3cret@db.example.com:6543/app?sslmode=require&password=again',
        schema: 'tenant_a',
      });
      expect(remote.location).toBe('postgres://alice@db.example.com:6543/app?schema=tenant_a');
      await remote.close();
    });

    it('refuses a schema name it would have to quote, and a missing connection string', () => {
      for (const schema of ['Tenant', 'a-b', 'x;drop', '1st', '']) {
        expect(() => openPostgresStore({ connectionString: url, schema })).toThrow(/Invalid PostgreSQL schema name/);
      }
      expect(() => openPostgresStore({ connectionString: '' })).toThrow(/DATABASE_URL/);
    });

    it('adds its search_path to options given in the URL instead of replacing them', async () => {
      const withOptions = new URL(url);
      withOptions.searchParams.set('options', '-c lock_timeout=1234');
      const store = open({ connectionString: withOptions.toString() });
      const settings = await store.transaction((tx) => tx.sql`SELECT current_setting('lock_timeout') AS lock, current_schema() AS schema`);
      expect(settings).toEqual([{ lock: '1234ms', schema: store.schema }]);
    });

    it('brings up several instances starting at once on an empty schema, migrating once', async () => {
      const schema = newSchema();
      const instances = Array.from({ length: 6 }, () => open({ schema, max: 2 }));
      await Promise.all(instances.map((store) => store.ready()));
      const applied = await admin!.query<{ id: string }>(`SELECT id FROM ${schema}.schema_migrations ORDER BY id`);
      expect(applied.rows.map((r) => r.id)).toEqual(postgresMigrations.map((m) => m.id));
      await open({ schema }).ready();
      expect((await admin!.query(`SELECT id FROM ${schema}.schema_migrations`)).rowCount).toBe(postgresMigrations.length);
    });

    it('refuses, on every call, a schema migrated by a newer version', async () => {
      const schema = newSchema();
      await open({ schema }).ready();
      await admin!.query(`INSERT INTO ${schema}.schema_migrations (id) VALUES ('9999_future')`);
      const older = open({ schema });
      await expect(older.ping()).rejects.toThrow(/9999_future.*newer version/);
      await expect(older.tokens.list()).rejects.toThrow(/9999_future.*newer version/);
    });

    it('reports a failed migration on every call, rolled back whole, and retries it on the next call', async () => {
      const schema = newSchema();
      schemas.push(schema);
      await admin!.query(`CREATE SCHEMA ${schema}`);
      await admin!.query(`CREATE TABLE ${schema}.tokens (squatter int)`);
      const store = open({ schema });
      const { error } = await failure(store.ping());
      expect(error.message).toContain(`The PostgreSQL store at ${store.location} is not ready`);
      expect(error.message).toMatch(/"tokens" already exists/);
      await expect(store.tokens.list()).rejects.toThrow(/not ready/);
      expect((await admin!.query(`SELECT to_regclass('${schema}.schema_migrations') AS t`)).rows).toEqual([{ t: null }]);

      await admin!.query(`DROP TABLE ${schema}.tokens`);
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await store.tokens.list()).toEqual([]);
    });

    it('purges a large backlog in batches', async () => {
      const store = open();
      await store.ready();
      await admin!.query(
        `INSERT INTO ${store.schema}.idempotency_records (principal_id, tool, idem_key, fingerprint, status, lease_token, lease_expires, response, created_at, expires_at)
         SELECT 'p', 't', 'k' || g, 'f', 'completed', 'l', 0, '"r"', 0, CASE WHEN g <= 2500 THEN 1000 ELSE 1000000 END FROM generate_series(1, 2510) AS g`,
      );
      expect(await store.idempotency.purgeExpired(1000)).toBe(2500);
      expect((await admin!.query(`SELECT count(*)::int AS n FROM ${store.schema}.idempotency_records`)).rows).toEqual([{ n: 10 }]);
    });

    it('lets two instances on one schema race: one claim acquires, and no cost is lost', async () => {
      const schema = newSchema();
      const a = open({ schema, max: 4 });
      const b = open({ schema, max: 4 });
      await Promise.all([a.ready(), b.ready()]);
      const now = Date.now();
      const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => claim(i % 2 ? a : b, now)));
      expect(outcomes.filter((o) => o.kind === 'acquired')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'in_progress')).toHaveLength(49);

      const big = 2n ** 53n + 1n;
      const at = Date.parse('2026-03-01T12:00:00.000Z');
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? a : b).costs.record({
            callId: `c${i}`,
            at,
            tool: 't',
            toolVersion: '1.0.0',
            principalId: 'alice',
            outcome: 'ok',
            items: [{ kind: 'llm', nanoUsd: big }],
          }),
        ),
      );
      await Promise.all([a.flush(), b.flush()]);
      expect(await a.costs.daily('2026-03-01')).toMatchObject([{ calls: 100, llmNanoUsd: 100n * big }]);
      const ledger = await b.transaction(
        (tx) => tx.sql<{ n: string; total: string }>`SELECT count(*)::text AS n, sum(nano_usd)::text AS total FROM cost_ledger`,
      );
      expect(ledger).toEqual([{ n: '100', total: (100n * big).toString() }]);
    });

    it('records the ledger and the roll-up together: a roll-up that fails takes the ledger rows with it, and only them', async () => {
      const warnings: string[] = [];
      const store = open({ onWarning: (event) => warnings.push(event) });
      const record = (callId: string, nanoUsd: bigint) =>
        store.costs.record({
          callId,
          at: Date.parse('2026-03-01T12:00:00.000Z'),
          tool: 't',
          toolVersion: '1.0.0',
          principalId: 'alice',
          outcome: 'ok',
          items: [{ kind: 'llm', nanoUsd }],
        });
      await record('c1', 2n ** 62n);
      // The second sum passes the bigint column's range, so the roll-up upsert fails after the ledger insert:
      // the batch is written again entry by entry, and only the entry that cannot be written is dropped.
      await record('c2', 2n ** 62n);
      await expect(store.flush()).rejects.toThrow(/out of range/);
      expect(warnings).toEqual(['bookkeeping_rejected']);
      await expect(store.flush()).resolves.toBeUndefined();
      expect(await store.transaction((tx) => tx.sql`SELECT nano_usd::text AS nano FROM cost_ledger`)).toEqual([{ nano: (2n ** 62n).toString() }]);
      expect(await store.costs.daily('2026-03-01')).toMatchObject([{ calls: 1, llmNanoUsd: 2n ** 62n }]);
    });

    it('fails a transaction promptly when its connection is killed mid-statement, then works again', async () => {
      const store = open();
      await store.ready();
      let reportPid!: (pid: number) => void;
      const pid = new Promise<number>((resolve) => (reportPid = resolve));
      const running = watch(
        store.transaction(async (tx) => {
          await tx.costs.record({
            callId: 'c',
            at: Date.now(),
            tool: 't',
            toolVersion: '1.0.0',
            principalId: 'alice',
            outcome: 'ok',
            items: [{ kind: 'llm', nanoUsd: 5n }],
          });
          const [row] = await tx.sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`;
          reportPid(row!.pid);
          await tx.sql`SELECT pg_sleep(30)`;
        }),
      );
      const backend = await pid;
      await sleep(100);
      const killedAt = Date.now();
      await admin!.query('SELECT pg_terminate_backend($1)', [backend]);
      const outcome = await running;
      expect(outcome.error).toBeDefined();
      expect(outcome.at - killedAt).toBeLessThan(2000);
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await store.costs.daily('0000-01-01')).toEqual([]);
      expect((await claim(store)).kind).toBe('acquired');
    });

    it('fails a claim promptly when its connection is killed while it waits for a row lock, then works again', async () => {
      const applicationName = `mcpp_kill_${randomBytes(4).toString('hex')}`;
      const store = open({ applicationName });
      const now = Date.now();
      expect((await claim(store, now)).kind).toBe('acquired');
      const holder = await admin!.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM ${store.schema}.idempotency_records FOR UPDATE`);
        const waiting = watch(claim(store, now + 1));
        let waiter: number | undefined;
        for (let i = 0; i < 100 && waiter === undefined; i++) {
          await sleep(20);
          const { rows } = await admin!.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [
            applicationName,
          ]);
          waiter = rows[0]?.pid;
        }
        expect(waiter).toBeDefined();
        const killedAt = Date.now();
        await admin!.query('SELECT pg_terminate_backend($1)', [waiter]);
        const outcome = await waiting;
        expect(outcome.error).toBeDefined();
        expect(outcome.at - killedAt).toBeLessThan(2000);
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      expect(await claim(store, now + 2)).toEqual({ kind: 'in_progress', retryAfterMs: 1000 });
    });

    it('recovers when the server drops its idle connections', async () => {
      const applicationName = `mcpp_idle_${randomBytes(4).toString('hex')}`;
      const store = open({ applicationName, max: 4 });
      await Promise.all(Array.from({ length: 4 }, () => store.transaction((tx) => tx.sql`SELECT pg_sleep(0.05)`)));
      const killed = await admin!.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      expect(killed.rowCount).toBeGreaterThan(0);
      await sleep(100);
      await expect(store.ping()).resolves.toBeUndefined();
      expect((await claim(store)).kind).toBe('acquired');
    });

    it('fails promptly, naming where but not the password, when the server refuses connections', async () => {
      const store = openPostgresStore({ connectionString: 'postgres://postgres:hunter2@127.0.0.1:1/postgres', schema: 'nowhere', connectionTimeoutMs: 1000 });
      stores.push(store);
      for (let attempt = 0; attempt < 2; attempt++) {
        const { error, ms } = await failure(store.ping());
        expect(ms).toBeLessThan(1500);
        expect(error.message).toContain('The PostgreSQL store at postgres://postgres@127.0.0.1:1/postgres?schema=nowhere is not ready');
        expect(error.message).not.toContain('hunter2');
      }
    });

    it('gives up on a server that accepts connections but never answers', async () => {
      const sockets: Socket[] = [];
      const silent = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as { port: number };
      try {
        const store = openPostgresStore({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, schema: 'silent', connectionTimeoutMs: 300 });
        stores.push(store);
        const { error, ms } = await failure(store.ping());
        expect(ms).toBeLessThan(1500);
        expect(error.message).toMatch(/not ready.*timeout/);
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('cancels a statement past the statement timeout and rolls its transaction back', async () => {
      const store = open({ statementTimeoutMs: 300 });
      await store.ready();
      const { error, ms } = await failure(
        store.transaction(async (tx) => {
          await tx.costs.record({ callId: 'c', at: Date.now(), tool: 't', toolVersion: '1.0.0', principalId: 'alice', outcome: 'ok', items: [] });
          await tx.sql`SELECT pg_sleep(5)`;
        }),
      );
      expect(ms).toBeLessThan(2000);
      expect(error).toMatchObject({ code: '57014' });
      expect(await store.costs.daily('0000-01-01')).toEqual([]);
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('refuses to run statements on a transaction that has ended', async () => {
      const store = open();
      let ended: Parameters<Parameters<PostgresStore['transaction']>[0]>[0] | undefined;
      await store.transaction(async (tx) => {
        ended = tx;
      });
      await expect(ended!.sql`SELECT 1`).rejects.toThrow(/transaction has ended/);
      await expect(
        ended!.costs.record({ callId: 'c', at: Date.now(), tool: 't', toolVersion: '1', principalId: 'p', outcome: 'ok', items: [] }),
      ).rejects.toThrow(/ended/);
    });

    it('refuses calls once closed', async () => {
      const store = open();
      await store.ping();
      await store.close();
      await expect(store.ping()).rejects.toThrow(/closed/);
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
});
