/**
 * SQLite schema migrations. Each has a stable id and is applied once, in list order, inside a
 * `BEGIN IMMEDIATE` transaction, so concurrent processes and reruns are safe. Append new
 * migrations; never edit or reorder applied ones.
 */
export interface Migration {
  id: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    id: '0001_tokens',
    sql: `
      CREATE TABLE tokens (
        id           TEXT PRIMARY KEY,
        token_hash   TEXT NOT NULL UNIQUE,
        principal_id TEXT NOT NULL,
        name         TEXT NOT NULL,
        scopes       TEXT NOT NULL,
        hint         TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        expires_at   TEXT NOT NULL,
        revoked_at   TEXT,
        last_used_at TEXT,
        rotated_from TEXT
      ) STRICT;
    `,
  },
  {
    id: '0002_idempotency',
    sql: `
      CREATE TABLE idempotency_records (
        principal_id  TEXT    NOT NULL,
        tool          TEXT    NOT NULL,
        idem_key      TEXT    NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
        fingerprint   TEXT    NOT NULL,
        status        TEXT    NOT NULL CHECK (status IN ('in_progress', 'completed')),
        lease_token   TEXT    NOT NULL,
        lease_expires INTEGER NOT NULL,
        response      TEXT,
        created_at    INTEGER NOT NULL,
        expires_at    INTEGER NOT NULL,
        PRIMARY KEY (principal_id, tool, idem_key)
      ) STRICT;
      CREATE INDEX idempotency_expiry ON idempotency_records (expires_at);
    `,
  },
  {
    id: '0003_costs',
    sql: `
      CREATE TABLE cost_ledger (
        id                  INTEGER PRIMARY KEY,
        call_id             TEXT    NOT NULL,
        at                  INTEGER NOT NULL,
        day                 TEXT    NOT NULL,
        tool                TEXT    NOT NULL,
        tool_version        TEXT    NOT NULL,
        principal_id        TEXT    NOT NULL,
        kind                TEXT    NOT NULL CHECK (kind IN ('llm', 'external')),
        nano_usd            INTEGER,
        model               TEXT,
        vendor              TEXT,
        input_tokens        INTEGER,
        output_tokens       INTEGER,
        cached_input_tokens INTEGER,
        price_version       TEXT
      ) STRICT;
      CREATE INDEX cost_ledger_day ON cost_ledger (day);
      CREATE TABLE cost_daily (
        day          TEXT    NOT NULL,
        tool         TEXT    NOT NULL,
        principal_id TEXT    NOT NULL,
        calls        INTEGER NOT NULL,
        errors       INTEGER NOT NULL,
        replays      INTEGER NOT NULL,
        llm_nano     INTEGER NOT NULL,
        external_nano INTEGER NOT NULL,
        unpriced     INTEGER NOT NULL,
        PRIMARY KEY (day, tool, principal_id)
      ) STRICT;
    `,
  },
  {
    id: '0004_notes',
    sql: `
      CREATE TABLE notes (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        owner_id   TEXT    NOT NULL,
        title      TEXT    NOT NULL,
        body       TEXT    NOT NULL,
        tags       TEXT    NOT NULL DEFAULT '[]',
        created_at TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX notes_owner ON notes (owner_id, id);
    `,
  },
  {
    id: '0005_limits',
    sql: `
      CREATE TABLE rate_limits (
        rate_key TEXT PRIMARY KEY,
        tat      REAL NOT NULL
      ) STRICT;
      CREATE TABLE budget_holds (
        call_id      TEXT    PRIMARY KEY,
        principal_id TEXT    NOT NULL,
        tool         TEXT    NOT NULL,
        day          TEXT    NOT NULL,
        nano_usd     INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX budget_holds_principal ON budget_holds (principal_id, day);
    `,
  },
  {
    id: '0006_call_stats',
    sql: `
      CREATE TABLE call_stats_daily (
        day          TEXT    NOT NULL,
        tool         TEXT    NOT NULL,
        principal_id TEXT    NOT NULL,
        stat         TEXT    NOT NULL,
        count        INTEGER NOT NULL,
        PRIMARY KEY (day, tool, principal_id, stat)
      ) STRICT;
    `,
  },
  {
    // A counter that moves with every change a cached token verification could miss; a token's
    // last use (written every minute at most) leaves it alone.
    id: '0007_token_epoch',
    sql: `
      CREATE TABLE token_epoch (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        n  INTEGER NOT NULL
      ) STRICT;
      INSERT INTO token_epoch (id, n) VALUES (1, 0);
      CREATE TRIGGER tokens_changed AFTER UPDATE ON tokens
        WHEN old.revoked_at IS NOT new.revoked_at OR old.expires_at IS NOT new.expires_at OR old.scopes IS NOT new.scopes
          OR old.principal_id IS NOT new.principal_id OR old.token_hash IS NOT new.token_hash OR old.id IS NOT new.id
      BEGIN
        UPDATE token_epoch SET n = n + 1 WHERE id = 1;
      END;
      CREATE TRIGGER tokens_deleted AFTER DELETE ON tokens
      BEGIN
        UPDATE token_epoch SET n = n + 1 WHERE id = 1;
      END;
    `,
  },
];
