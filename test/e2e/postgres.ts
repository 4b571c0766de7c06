/**
 * PostgreSQL for the multi-instance end-to-end tests: a database of its own per run (created on
 * the server `.ci/run` starts, dropped afterwards), and the raw queries the tests use to look
 * behind the servers' backs (count rows, hold a table lock, kill connections).
 */
import pg from 'pg';

export const adminUrl = process.env.MCP_PROD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  query<Row extends pg.QueryResultRow = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<Row[]>;
  /** A connection of the test's own, for holding locks across statements. */
  connect(): Promise<pg.Client>;
  drop(): Promise<void>;
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `e2e_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.href, max: 2 });
  pool.on('error', () => undefined);
  return {
    name,
    url: url.href,
    async query(sql, values) {
      return (await pool.query(sql, values)).rows;
    },
    async connect() {
      const client = new pg.Client({ connectionString: url.href });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    },
    async drop() {
      await pool.end();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}
