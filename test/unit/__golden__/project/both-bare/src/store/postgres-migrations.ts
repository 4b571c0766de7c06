/**
 * PostgreSQL schema migrations: the versioned list (the same ids as the SQLite ones) and the
 * runner. Each migration is applied once, in list order, in one transaction that holds an
 * advisory lock, so any number of instances starting together on an empty database all come up.
 * Append new migrations; never edit or reorder applied ones.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

export interface PostgresMigration {
  id: string;
  sql: string;
}

export const postgresMigrations: readonly PostgresMigration[] = [
  {
    id: '0001_tokens',
    sql: `
      CREATE TABLE tokens (
        id           text        PRIMARY KEY,
        token_hash   text        NOT NULL UNIQUE,
        principal_id text        NOT NULL,
        name         text        NOT NULL,
        scopes       text[]      NOT NULL,
        hint         text        NOT NULL,
        created_at   timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL,
        revoked_at   timestamptz,
        last_used_at timestamptz,
        rotated_from text
      );
    `,
  },
  {
    id: '0002_idempotency',
    sql: `
      CREATE TABLE idempotency_records (
        principal_id  text   NOT NULL,
        tool          text   NOT NULL,
        idem_key      text   NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
        fingerprint   text   NOT NULL,
        status        text   NOT NULL CHECK (status IN ('in_progress', 'completed')),
        lease_token   text   NOT NULL,
        lease_expires bigint NOT NULL,
        response      text,
        created_at    bigint NOT NULL,
        expires_at    bigint NOT NULL,
        PRIMARY KEY (principal_id, tool, idem_key)
      );
      CREATE INDEX idempotency_expiry ON idempotency_records (expires_at);
    `,
  },
  {
    id: '0003_costs',
    sql: `
      CREATE TABLE cost_ledger (
        id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        call_id             text   NOT NULL,
        at                  bigint NOT NULL,
        day                 text   NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
        tool                text   NOT NULL,
        tool_version        text   NOT NULL,
        principal_id        text   NOT NULL,
        kind                text   NOT NULL CHECK (kind IN ('llm', 'external')),
        nano_usd            bigint,
        model               text,
        vendor              text,
        input_tokens        bigint,
        output_tokens       bigint,
        cached_input_tokens bigint,
        price_version       text
      );
      CREATE INDEX cost_ledger_day ON cost_ledger (day);
      CREATE TABLE cost_daily (
        day           text   NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
        tool          text   NOT NULL,
        principal_id  text   NOT NULL,
        calls         bigint NOT NULL,
        errors        bigint NOT NULL,
        replays       bigint NOT NULL,
        llm_nano      bigint NOT NULL,
        external_nano bigint NOT NULL,
        unpriced      bigint NOT NULL,
        PRIMARY KEY (day, tool, principal_id)
      );
    `,
  },
  {
    id: '0005_limits',
    sql: `
      CREATE TABLE rate_limits (
        rate_key text             PRIMARY KEY,
        tat      double precision NOT NULL
      );
      CREATE TABLE budget_holds (
        call_id      text   PRIMARY KEY,
        principal_id text   NOT NULL,
        tool         text   NOT NULL,
        day          text   NOT NULL,
        nano_usd     bigint NOT NULL,
        expires_at   bigint NOT NULL
      );
      CREATE INDEX budget_holds_principal ON budget_holds (principal_id, day);
    `,
  },
  {
    id: '0006_call_stats',
    sql: `
      CREATE TABLE call_stats_daily (
        day          text   NOT NULL,
        tool         text   NOT NULL,
        principal_id text   NOT NULL,
        stat         text   NOT NULL,
        count        bigint NOT NULL,
        PRIMARY KEY (day, tool, principal_id, stat)
      );
    `,
  },
];

/** 'mcpp' as an int4: the advisory lock class, so our locks never collide with an app's own. */
const LOCK_CLASS = 0x6d637070;

/** Per-schema lock key: instances of different schemas migrate without waiting for each other. */
const lockKey = (schema: string) => createHash('sha256').update(schema).digest().readInt32BE(0);

/**
 * Creates the schema if missing and applies pending migrations on `client` (which must not be
 * in a transaction); returns the ids applied now. Refuses a schema holding migrations this code
 * does not know: it was written by a newer version of the server.
 */
export async function migratePostgres(client: pg.ClientBase, schema: string, migrations: readonly PostgresMigration[] = postgresMigrations): Promise<string[]> {
  const quoted = client.escapeIdentifier(schema);
  await client.query('BEGIN');
  try {
    // Held until COMMIT: a second instance waits here, then finds everything already applied.
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, lockKey(schema)]);
    // Checked first because CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the
    // database, which a locked-down role using an existing schema may not have.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoted}`);
    await client.query(`SET LOCAL search_path TO ${quoted}`);
    // Looked up rather than CREATE ... IF NOT EXISTS, which needs the CREATE privilege on the
    // schema even when the table exists: a role that may only read and write, or a read-only
    // session, gets past this and is told what it lacks by the startup check instead.
    const { rows } = await client.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
    if (!rows[0]!.present) await client.query('CREATE TABLE schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const applied = new Set((await client.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((row) => row.id));
    const known = new Set(migrations.map((m) => m.id));
    const unknown = [...applied].filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new Error(
        `The schema ${schema} has migrations this server does not know (${unknown.join(', ')}); it was created by a newer version. Refusing to downgrade.`,
      );
    }
    const pending = migrations.filter((m) => !applied.has(m.id));
    for (const migration of pending) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
    }
    await client.query('COMMIT');
    return pending.map((m) => m.id);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
