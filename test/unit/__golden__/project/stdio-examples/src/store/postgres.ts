/**
 * The PostgreSQL store (node-postgres), for running more than one instance on shared state. It
 * opens synchronously and migrates lazily: every call first awaits the one-time migration, and a
 * failed migration is retried by the next call rather than remembered. Token uses and cost
 * records are written behind in batches (store/bookkeeping.ts), saving every call a transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type pg from 'pg';
import { judgeBudgets } from './budget-rule.js';
import { createBookkeeping, type Bookkeeping, type BookkeepingBatch, type BookkeepingOptions } from './bookkeeping.js';
import { decideClaim } from './claim.js';
import { groupStats, rollupBatch, rowStats, utcDay } from './cost-rollup.js';
import { migratePostgres } from './postgres-migrations.js';
import { refuseTransactionControl } from './transaction-control.js';
import type {
  BudgetLimit,
  BudgetRepository,
  ClaimOutcome,
  CostDailyRow,
  CostRecord,
  IdempotencyRepository,
  Note,
  NotesRepository,
  RateCounter,
  Store,
  StoreTransaction,
  TokenRecord,
  TokenRepository,
} from './types.js';

const require = createRequire(import.meta.url);
/** pg, loaded when a PostgreSQL store opens: a server on SQLite or memory never holds it in memory. */
const loadPg = (): typeof pg => require('pg') as typeof pg;

export interface PostgresStoreOptions extends BookkeepingOptions {
  /** `postgres://user:password@host:5432/database`; the password never appears in `location`. */
  connectionString: string;
  /** Every table lives in this schema, created when missing (default `public`). */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
  /** Server-side limit per statement (default 10 000 ms); 0 turns it off. */
  statementTimeoutMs?: number;
  /** Limit on opening a connection or waiting for a free one (default 5 000 ms). */
  connectionTimeoutMs?: number;
  /** Shown in pg_stat_activity (default `mcp-prod`). */
  applicationName?: string;
}

export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  readonly schema: string;
  readonly pool: pg.Pool;
  /** Resolves once the schema is migrated; rejects (and retries on the next call) when it cannot be. */
  ready(): Promise<void>;
}

type Query = <Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<pg.QueryResult<Row>>;
type InTransaction = <T>(work: (query: Query) => Promise<T>) => Promise<T>;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const PURGE_BATCH = 1000;

/** Where the data lives for operators' messages: the URL without password or query, plus the schema. */
function describeLocation(connectionString: string, schema: string): string {
  try {
    const url = new URL(connectionString);
    const user = url.username ? `${url.username}@` : '';
    return `${url.protocol}//${user}${url.host}${url.pathname}?schema=${schema}`;
  } catch {
    return `postgres (connection string not shown)?schema=${schema}`;
  }
}

/**
 * node-postgres lets an `options` parameter in the URL replace the one in the config, so the
 * URL's own options are moved into the config and the search_path appended to them.
 */
function withSearchPath(connectionString: string, schema: string): { connectionString: string; options: string } {
  const searchPath = `-c search_path=${schema}`;
  try {
    const url = new URL(connectionString);
    const own = url.searchParams.get('options');
    if (own === null) return { connectionString, options: searchPath };
    url.searchParams.delete('options');
    return { connectionString: url.toString(), options: `${own} ${searchPath}` };
  } catch {
    return { connectionString, options: searchPath };
  }
}

/** Server errors that leave the connection usable; anything else (timeouts, resets, shutdowns) does not. */
const leavesConnectionUsable = (error: unknown) => error instanceof loadPg().DatabaseError && !/^(08|57P)/.test(error.code ?? '');

interface TokenRow {
  id: string;
  principal_id: string;
  name: string;
  scopes: string[];
  hint: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  rotated_from: string | null;
}

const toToken = (row: TokenRow): TokenRecord => ({
  id: row.id,
  principalId: row.principal_id,
  name: row.name,
  scopes: row.scopes,
  hint: row.hint,
  createdAt: row.created_at.toISOString(),
  expiresAt: row.expires_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  rotatedFrom: row.rotated_from,
});

function postgresTokens(query: Query, bookkeeping: Bookkeeping): TokenRepository {
  // A use not written yet still shows.
  const current = (row: TokenRow): TokenRecord => {
    const record = toToken(row);
    return { ...record, lastUsedAt: bookkeeping.lastUse(record.id, record.lastUsedAt) };
  };
  return {
    async insert(record, hash) {
      await query(
        `INSERT INTO tokens (id, token_hash, principal_id, name, scopes, hint, created_at, expires_at, revoked_at, last_used_at, rotated_from)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          record.id,
          hash,
          record.principalId,
          record.name,
          record.scopes,
          record.hint,
          record.createdAt,
          record.expiresAt,
          record.revokedAt,
          record.lastUsedAt,
          record.rotatedFrom,
        ],
      );
    },
    async findByHash(hash) {
      const { rows } = await query<TokenRow>('SELECT * FROM tokens WHERE token_hash = $1', [hash]);
      return rows[0] && current(rows[0]);
    },
    async get(id) {
      const { rows } = await query<TokenRow>('SELECT * FROM tokens WHERE id = $1', [id]);
      return rows[0] && current(rows[0]);
    },
    async list() {
      // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
      const { rows } = await query<TokenRow>('SELECT * FROM tokens ORDER BY created_at, id COLLATE "C"');
      return rows.map(current);
    },
    async revoke(id, at) {
      return (await query('UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])).rowCount === 1;
    },
    async setExpiry(id, expiresAt) {
      await query('UPDATE tokens SET expires_at = $1 WHERE id = $2', [expiresAt, id]);
    },
    async touch(id, at) {
      bookkeeping.touch(id, at);
    },
  };
}

interface ClaimRow {
  fingerprint: string;
  status: 'in_progress' | 'completed';
  lease_expires: string;
  response: string | null;
  expires_at: string;
}

const completeOn =
  (query: Query): IdempotencyRepository['complete'] =>
  async (scope, leaseToken, response) => {
    // Compare-and-set on the lease token: a call whose record was taken over cannot overwrite it.
    const result = await query(
      `UPDATE idempotency_records SET status = 'completed', response = $4
       WHERE principal_id = $1 AND tool = $2 AND idem_key = $3 AND lease_token = $5 AND status = 'in_progress'`,
      [scope.principalId, scope.tool, scope.key, response, leaseToken],
    );
    return result.rowCount === 1;
  };

function postgresIdempotency(query: Query, inTransaction: InTransaction): IdempotencyRepository {
  return {
    async claim(request) {
      const scope = [request.principalId, request.tool, request.key];
      const times = [request.now + request.leaseMs, request.now, request.now + request.retentionMs];
      // A row can vanish between the two steps (purged as expired); then the insert runs again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const leaseToken = randomUUID();
        // ON CONFLICT makes concurrent first claims wait for each other: exactly one inserts.
        const inserted = await query(
          `INSERT INTO idempotency_records (principal_id, tool, idem_key, fingerprint, status, lease_token, lease_expires, response, created_at, expires_at)
           VALUES ($1, $2, $3, $4, 'in_progress', $5, $6, NULL, $7, $8)
           ON CONFLICT (principal_id, tool, idem_key) DO NOTHING RETURNING lease_token`,
          [...scope, request.fingerprint, leaseToken, ...times],
        );
        if (inserted.rowCount === 1) return { kind: 'acquired', leaseToken };
        const outcome = await inTransaction(async (tx): Promise<ClaimOutcome | undefined> => {
          const { rows } = await tx<ClaimRow>(
            `SELECT fingerprint, status, lease_expires::text, response, expires_at::text FROM idempotency_records
             WHERE principal_id = $1 AND tool = $2 AND idem_key = $3 FOR UPDATE`,
            scope,
          );
          const row = rows[0];
          if (!row) return undefined;
          const existing = {
            fingerprint: row.fingerprint,
            status: row.status,
            leaseExpires: Number(row.lease_expires),
            response: row.response,
            expiresAt: Number(row.expires_at),
          };
          const decision = decideClaim(existing, request);
          if (decision !== 'acquire') return decision;
          // The row lock held since the SELECT makes this takeover the only one.
          await tx(
            `UPDATE idempotency_records SET fingerprint = $4, status = 'in_progress', lease_token = $5, lease_expires = $6, response = NULL, created_at = $7, expires_at = $8
             WHERE principal_id = $1 AND tool = $2 AND idem_key = $3`,
            [...scope, request.fingerprint, leaseToken, ...times],
          );
          return { kind: 'acquired', leaseToken };
        });
        if (outcome) return outcome;
      }
      throw new Error('The idempotency record kept disappearing while it was being claimed; retry the call.');
    },
    complete: completeOn(query),
    async release(scope, leaseToken) {
      const result = await query(
        `DELETE FROM idempotency_records
         WHERE principal_id = $1 AND tool = $2 AND idem_key = $3 AND lease_token = $4 AND status = 'in_progress'`,
        [scope.principalId, scope.tool, scope.key, leaseToken],
      );
      return result.rowCount === 1;
    },
    async purgeExpired(now) {
      // In batches, so that a large backlog never holds one long lock; rows a claim has locked
      // are skipped rather than waited for.
      let purged = 0;
      for (;;) {
        const result = await query(
          `DELETE FROM idempotency_records WHERE (principal_id, tool, idem_key) IN (
             SELECT principal_id, tool, idem_key FROM idempotency_records WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
          [now, PURGE_BATCH],
        );
        purged += result.rowCount ?? 0;
        if ((result.rowCount ?? 0) < PURGE_BATCH) return purged;
      }
    },
  };
}

/** The ledger rows and the roll-up of cost records, on a connection already inside a transaction. */
async function recordCostsOn(query: Query, records: readonly CostRecord[]): Promise<void> {
  const items = records.flatMap((record) => record.items.map((item) => ({ record, item })));
  if (items.length > 0) {
    const column = <T>(pick: (row: (typeof items)[number]) => T) => items.map(pick);
    await query(
      `INSERT INTO cost_ledger (call_id, at, day, tool, tool_version, principal_id, kind, nano_usd, model, vendor, input_tokens, output_tokens, cached_input_tokens, price_version)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::bigint[], $14::text[])`,
      [
        column(({ record }) => record.callId),
        column(({ record }) => record.at),
        column(({ record }) => utcDay(record.at)),
        column(({ record }) => record.tool),
        column(({ record }) => record.toolVersion),
        column(({ record }) => record.principalId),
        column(({ item }) => item.kind),
        // As decimal strings: BigInt amounts are exact only until they become JS numbers.
        column(({ item }) => item.nanoUsd?.toString() ?? null),
        column(({ item }) => item.model ?? null),
        column(({ item }) => item.vendor ?? null),
        column(({ item }) => item.inputTokens ?? null),
        column(({ item }) => item.outputTokens ?? null),
        column(({ item }) => item.cachedInputTokens ?? null),
        column(({ item }) => item.priceVersion ?? null),
      ],
    );
  }
  // The calls' budget holds end in the same commit that makes their cost count.
  if (records.length > 0) await query('DELETE FROM budget_holds WHERE call_id = ANY($1::text[])', [records.map((record) => record.callId)]);
  const rows = rollupBatch(records);
  if (rows.length === 0) return;
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  await query(
    `INSERT INTO cost_daily (day, tool, principal_id, calls, errors, replays, llm_nano, external_nano, unpriced)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
     ON CONFLICT (day, tool, principal_id) DO UPDATE SET
       calls = cost_daily.calls + excluded.calls, errors = cost_daily.errors + excluded.errors, replays = cost_daily.replays + excluded.replays,
       llm_nano = cost_daily.llm_nano + excluded.llm_nano, external_nano = cost_daily.external_nano + excluded.external_nano,
       unpriced = cost_daily.unpriced + excluded.unpriced`,
    [
      column((row) => row.day),
      column((row) => row.tool),
      column((row) => row.principalId),
      column((row) => row.calls),
      column((row) => row.errors),
      column((row) => row.replays),
      column((row) => row.llmNanoUsd.toString()),
      column((row) => row.externalNanoUsd.toString()),
      column((row) => row.unpriced),
    ],
  );
  const stats = rows.flatMap((row) => rowStats(row).map(([stat, count]) => [row.day, row.tool, row.principalId, stat, count] as const));
  if (stats.length === 0) return;
  await query(
    `INSERT INTO call_stats_daily (day, tool, principal_id, stat, count)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
     ON CONFLICT (day, tool, principal_id, stat) DO UPDATE SET count = call_stats_daily.count + excluded.count`,
    [0, 1, 2, 3, 4].map((i) => stats.map((stat) => stat[i])),
  );
}

/** The advisory lock class of budget decisions ('mcpq'), apart from the migrations' class. */
const BUDGET_LOCK_CLASS = 0x6d637071;
const principalLockKey = (principalId: string) => createHash('sha256').update(principalId).digest().readInt32BE(0);

/**
 * Rate counters in one statement each (the row lock orders concurrent steps), and budget holds
 * under a transaction-scoped advisory lock per principal, so instances deciding for the same
 * principal take turns while others go on.
 */
function postgresLimits(query: Query, inTransaction: InTransaction): { rates: RateCounter; budgets: BudgetRepository } {
  const committedOn = (tx: Query, principalId: string, day: string, now: number) => async (limit: BudgetLimit) => {
    const { rows } = await tx<{ total: string }>(
      `SELECT ((SELECT coalesce(sum(llm_nano + external_nano), 0) FROM cost_daily WHERE day = $1 AND principal_id = $2 AND ($3::text IS NULL OR tool = $3))
             + (SELECT coalesce(sum(nano_usd), 0) FROM budget_holds WHERE day = $1 AND principal_id = $2 AND expires_at > $4 AND ($3::text IS NULL OR tool = $3)))::text AS total`,
      [day, principalId, limit.tool ?? null, now],
    );
    return BigInt(rows[0]!.total);
  };
  return {
    rates: {
      async take(key, rule, now) {
        const interval = rule.windowMs / rule.limit;
        const { rows } = await query<{ tat: number }>(
          `INSERT INTO rate_limits AS r (rate_key, tat) VALUES ($1, $2::float8 + $3::float8)
           ON CONFLICT (rate_key) DO UPDATE SET tat = greatest(r.tat, $2::float8) + $3::float8
             WHERE greatest(r.tat, $2::float8) + $3::float8 - $2::float8 <= $4::float8
           RETURNING tat`,
          [key, now, interval, rule.windowMs],
        );
        if (rows[0]) return { allowed: true, remaining: Math.floor((rule.windowMs - (rows[0].tat - now)) / interval + 1e-9) };
        const current = await query<{ tat: number }>('SELECT tat FROM rate_limits WHERE rate_key = $1', [key]);
        const ahead = Math.max(current.rows[0]?.tat ?? now, now) + interval - now;
        return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(ahead - rule.windowMs)) };
      },
    },
    budgets: {
      hold: (request, limits, now) =>
        inTransaction(async (tx) => {
          await tx('SELECT pg_advisory_xact_lock($1, $2)', [BUDGET_LOCK_CLASS, principalLockKey(request.principalId)]);
          const totals = new Map<BudgetLimit, bigint>();
          const committed = committedOn(tx, request.principalId, request.day, now);
          for (const limit of limits) totals.set(limit, await committed(limit));
          const decision = judgeBudgets(limits, (limit) => totals.get(limit)!, request);
          if (decision.admitted) {
            await tx('INSERT INTO budget_holds (call_id, principal_id, tool, day, nano_usd, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
              request.callId,
              request.principalId,
              request.tool,
              request.day,
              request.nanoUsd.toString(),
              request.expiresAt,
            ]);
          }
          return decision;
        }),
      async standing(principalId, day, limits, now) {
        const committed = committedOn(query, principalId, day, now);
        return Promise.all(limits.map(async (limit) => ({ limit, committedNanoUsd: await committed(limit) })));
      },
      async purgeExpired(now) {
        const rates = await query('DELETE FROM rate_limits WHERE tat <= $1', [now]);
        const holds = await query('DELETE FROM budget_holds WHERE expires_at <= $1', [now]);
        return (rates.rowCount ?? 0) + (holds.rowCount ?? 0);
      },
    },
  };
}

/** One batch of written-behind bookkeeping; a use never moves a token's last use back. */
async function writeBookkeepingOn(query: Query, batch: BookkeepingBatch): Promise<void> {
  if (batch.touches.length > 0) {
    const touches = [...batch.touches].sort(([a], [b]) => (a < b ? -1 : 1));
    await query(
      `UPDATE tokens SET last_used_at = t.at FROM unnest($1::text[], $2::timestamptz[]) AS t(id, at)
       WHERE tokens.id = t.id AND (tokens.last_used_at IS NULL OR tokens.last_used_at < t.at)`,
      [touches.map(([id]) => id), touches.map(([, at]) => at)],
    );
  }
  await recordCostsOn(query, batch.costs);
}

/** What the server writes, table by table: a role without one of these can read but not serve. */
const WRITES: [table: string, privilege: string][] = [
  ['tokens', 'UPDATE'],
  ['idempotency_records', 'INSERT'],
  ['idempotency_records', 'UPDATE'],
  ['idempotency_records', 'DELETE'],
  ['cost_ledger', 'INSERT'],
  ['cost_daily', 'INSERT'],
  ['cost_daily', 'UPDATE'],
  ['rate_limits', 'INSERT'],
  ['rate_limits', 'UPDATE'],
  ['budget_holds', 'INSERT'],
  ['budget_holds', 'DELETE'],
  ['call_stats_daily', 'INSERT'],
  ['call_stats_daily', 'UPDATE'],
  ['notes', 'INSERT'],
  ['notes', 'DELETE'],
];

interface DailyRow {
  day: string;
  tool: string;
  principal_id: string;
  calls: string;
  errors: string;
  replays: string;
  llm_nano: string;
  external_nano: string;
  unpriced: string;
}

async function readDaily(query: Query, sinceDay: string): Promise<CostDailyRow[]> {
  // Sums come back as text whatever int8 parser the application installed, and become BigInt
  // directly: a busy tool's total can pass 2^53 nano-USD (about $9M).
  const { rows } = await query<DailyRow>(
    `SELECT day, tool, principal_id, calls::text, errors::text, replays::text, llm_nano::text, external_nano::text, unpriced::text
     FROM cost_daily WHERE day COLLATE "C" >= $1 ORDER BY day COLLATE "C", tool COLLATE "C", principal_id COLLATE "C"`,
    [sinceDay],
  );
  const stats = await query<{ day: string; tool: string; principal_id: string; stat: string; count: string }>(
    'SELECT day, tool, principal_id, stat, count::text FROM call_stats_daily WHERE day COLLATE "C" >= $1',
    [sinceDay],
  );
  const statsOf = groupStats(stats.rows);
  return rows.map((row) => ({
    ...statsOf(row),
    day: row.day,
    tool: row.tool,
    principalId: row.principal_id,
    calls: Number(row.calls),
    errors: Number(row.errors),
    replays: Number(row.replays),
    llmNanoUsd: BigInt(row.llm_nano),
    externalNanoUsd: BigInt(row.external_nano),
    unpriced: Number(row.unpriced),
  }));
}

interface NoteRow {
  id: string;
  owner_id: string;
  title: string;
  body: string;
  tags: string[];
  created_at: Date;
}

const NOTE_COLUMNS = 'id::text, owner_id, title, body, tags, created_at';

const toNote = (row: NoteRow): Note => ({
  id: Number(row.id),
  ownerId: row.owner_id,
  title: row.title,
  body: row.body,
  tags: row.tags,
  createdAt: row.created_at.toISOString(),
});

const likePattern = (query: string) => `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function postgresNotes(query: Query): NotesRepository {
  return {
    async create(note) {
      const { rows } = await query<NoteRow>(
        `INSERT INTO notes (owner_id, title, body, tags, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${NOTE_COLUMNS}`,
        [note.ownerId, note.title, note.body, note.tags, note.createdAt],
      );
      return toNote(rows[0]!);
    },
    async search(ownerId, text, limit) {
      const { rows } = await query<NoteRow>(
        `SELECT ${NOTE_COLUMNS} FROM notes WHERE owner_id = $1 AND (title ILIKE $2 ESCAPE '\\' OR body ILIKE $2 ESCAPE '\\') ORDER BY id DESC LIMIT $3`,
        [ownerId, likePattern(text), limit],
      );
      return rows.map(toNote);
    },
    async delete(ownerId, id) {
      return (await query('DELETE FROM notes WHERE owner_id = $1 AND id = $2', [ownerId, id])).rowCount === 1;
    },
    async count(ownerId) {
      const { rows } = await query<{ n: number }>('SELECT count(*)::int AS n FROM notes WHERE owner_id = $1', [ownerId]);
      return rows[0]!.n;
    },
  };
}

/** `sql\`... ${value} ...\``: each value becomes a `$n` parameter, never text in the statement. */
const sqlOn =
  (query: Query): StoreTransaction['sql'] =>
  async <Row>(strings: TemplateStringsArray, ...values: unknown[]) => {
    const text = strings.reduce((sql, part, index) => `${sql}$${index}${part}`);
    refuseTransactionControl(text);
    return (await query(text, values)).rows as Row[];
  };

/** Creates the pool now; connects and migrates on first use. */
export function openPostgresStore(options: PostgresStoreOptions): PostgresStore {
  if (!options.connectionString) throw new Error('The PostgreSQL store needs a connection string (set DATABASE_URL).');
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`Invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and underscores (at most 63), not starting with a digit.`);
  }
  const location = describeLocation(options.connectionString, schema);
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  const pool = new (loadPg().Pool)({
    ...withSearchPath(options.connectionString, schema),
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    statement_timeout: statementTimeoutMs || undefined,
    // The client-side backstop for a server that stopped answering (the statement timeout is
    // enforced by the server, so it cannot fire then).
    query_timeout: statementTimeoutMs ? statementTimeoutMs + 2_000 : undefined,
    keepAlive: true,
    application_name: options.applicationName ?? 'mcp-prod',
  });
  // An idle connection that dies (server restart, pg_terminate_backend) is already dropped by the
  // pool; without a listener the event would crash the process.
  pool.on('error', () => undefined);

  let closing: Promise<void> | undefined;
  let closed = false;
  let migrated: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    if (closed) return Promise.reject(new Error(`The PostgreSQL store at ${location} is closed.`));
    migrated ??= (async () => {
      const client = await pool.connect();
      try {
        await migratePostgres(client, schema);
        client.release();
      } catch (error) {
        client.release(true);
        throw error;
      }
    })().catch((error: unknown) => {
      migrated = undefined;
      throw new Error(`The PostgreSQL store at ${location} is not ready: ${(error as Error).message}`, { cause: error });
    });
    return migrated;
  };

  const query: Query = async (text, values) => {
    await ready();
    return pool.query(text, values);
  };

  // One client for the whole transaction; a client whose connection failed is destroyed, never
  // handed back to the pool.
  const inTransaction: InTransaction = async (work) => {
    await ready();
    const client = await pool.connect();
    let broken: Error | undefined;
    let open = true;
    const onError = (error: Error) => (broken ??= error);
    client.on('error', onError);
    const onClient: Query = async (text, values) => {
      if (!open) throw new Error('This transaction has ended; its repositories cannot be used any more.');
      try {
        return await client.query(text, values);
      } catch (error) {
        if (!leavesConnectionUsable(error)) broken ??= error as Error;
        throw error;
      }
    };
    try {
      await onClient('BEGIN');
      const result = await work(onClient);
      await onClient('COMMIT');
      return result;
    } catch (error) {
      if (!broken) await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      open = false;
      client.off('error', onError);
      client.release(broken);
    }
  };

  const bookkeeping = createBookkeeping((batch) => inTransaction((tx) => writeBookkeepingOn(tx, batch)), options);
  const limits = postgresLimits(query, inTransaction);

  return {
    kind: 'postgres',
    location,
    schema,
    pool,
    tokens: postgresTokens(query, bookkeeping),
    idempotency: postgresIdempotency(query, inTransaction),
    costs: {
      async record(record) {
        bookkeeping.record(record);
      },
      daily: (sinceDay) => readDaily(query, sinceDay),
    },
    rates: limits.rates,
    budgets: limits.budgets,
    notes: postgresNotes(query),
    transaction: (work) =>
      inTransaction((tx) =>
        work({
          idempotency: { complete: completeOn(tx) },
          // Never written behind: the cost record commits with the handler's writes.
          costs: { record: (record) => recordCostsOn(tx, [record]) },
          notes: postgresNotes(tx),
          sql: sqlOn(tx),
        }),
      ),
    ready,
    async ping() {
      await query('SELECT 1');
    },
    async checkWritable() {
      // A read-only replica or a database in recovery accepts SELECT 1 but no writes.
      const rows = await query<{ read_only: string }>("SELECT current_setting('transaction_read_only') AS read_only");
      if (rows.rows[0]?.read_only === 'on') throw new Error('the PostgreSQL session is read-only (a replica, or default_transaction_read_only)');
      const denied = await query<{ missing: string }>(
        "SELECT t.privilege || ' on ' || t.name AS missing FROM unnest($1::text[], $2::text[]) AS t(name, privilege) WHERE NOT has_table_privilege(t.name, t.privilege)",
        [WRITES.map(([table]) => table), WRITES.map(([, privilege]) => privilege)],
      );
      if (denied.rows.length > 0) {
        throw new Error(
          `the PostgreSQL role may not write what the server writes (missing ${denied.rows.map((r) => r.missing).join(', ')} in schema ${schema})`,
        );
      }
    },
    flush: () => bookkeeping.flush(),
    close() {
      closing ??= (async () => {
        // Its last flush still needs the pool.
        await bookkeeping.close();
        closed = true;
        await pool.end();
      })();
      return closing;
    },
  };
}
