/**
 * The SQLite store (better-sqlite3): the embedded default, one file on one machine, in WAL mode.
 * better-sqlite3 is synchronous, so once the store is open no call waits inside SQLite for its
 * lock: writes retry on timers (store/busy.ts) and bookkeeping is written behind
 * (store/bookkeeping.ts).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createBookkeeping, type Bookkeeping, type BookkeepingBatch, type BookkeepingOptions } from './bookkeeping.js';
import { judgeBudgets } from './budget-rule.js';
import { BUSY_DEADLINE_MS, BUSY_TIMEOUT_MS, isBusy, retryWhileBusy } from './busy.js';
import { decideClaim } from './claim.js';
import { addDelta, groupStats, rollupDelta, rowStats } from './cost-rollup.js';
import { migrations as defaultMigrations, type Migration } from './migrations.js';
import { createGroupCommit } from './group-commit.js';
import { rateStep } from './rate-cell.js';
import { refuseTransactionControl } from './transaction-control.js';
import type {
  BudgetHold,
  BudgetLimit,
  BudgetRepository,
  ClaimOutcome,
  ClaimRequest,
  CostDailyRow,
  CostRecord,
  IdempotencyRepository,
  RateCounter,
  RateRule,
  Store,
  StoreTransaction,
  TokenRecord,
  TokenRepository,
} from './types.js';
import { createWriteLock } from './write-lock.js';

export interface SqliteStoreOptions extends BookkeepingOptions {
  /** How long a write waits for a lock held elsewhere before it fails with SQLITE_BUSY (default 2 000 ms). */
  busyDeadlineMs?: number;
  /** How long a group commit takes in new members after it opened (default 20 ms; see group-commit.ts). */
  groupOpenMs?: number;
}

export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  readonly db: Database.Database;
  /** Integrity, room on the disk and the write lock: what the startup check asks of this file. */
  checkAtStart(): Promise<string | undefined>;
}

/**
 * How a repository runs its statements: on the store, reads and writes wait for a lock held
 * elsewhere on timers (writes one at a time, in order); inside a transaction, which holds the
 * lock already, directly.
 */
interface Runner {
  read<T>(statement: () => T): Promise<T>;
  write<T>(statement: () => T): Promise<T>;
}

/**
 * The runner of ctx.tx: its statements run at once, but only while its transaction is open.
 * SQLite rolls a transaction back by itself after some errors (a full disk), and a statement run
 * after that would commit on its own, outside the call's transaction.
 */
function insideTransaction(db: Database.Database): Runner {
  const inside = async <T>(statement: () => T) => {
    if (!db.inTransaction) throw new Error("This call's transaction has ended (SQLite rolled it back after an error), so ctx.tx can do no more.");
    return statement();
  };
  return { read: inside, write: inside };
}

/**
 * Applies pending migrations and returns the ids applied now. Refuses a database that holds
 * migrations this code does not know: it was written by a newer version of the server.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = defaultMigrations): string[] {
  // Read first: a server starting while another process writes needs no write lock when there is nothing to apply.
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  const done = hasTable ? new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]) : new Set<string>();
  if (hasTable && done.size === migrations.length && migrations.every((m) => done.has(m.id))) return [];
  const run = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT');
    const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]);
    const known = new Set(migrations.map((m) => m.id));
    const unknown = [...applied].filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new Error(
        `The database has migrations this server does not know (${unknown.join(', ')}); it was created by a newer version. Refusing to downgrade.`,
      );
    }
    const pending = migrations.filter((m) => !applied.has(m.id));
    const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
    for (const migration of pending) {
      db.exec(migration.sql);
      record.run(migration.id, new Date().toISOString());
    }
    return pending.map((m) => m.id);
  });
  return run.immediate();
}

interface TokenRow {
  id: string;
  principal_id: string;
  name: string;
  scopes: string;
  hint: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  rotated_from: string | null;
}

const toToken = (row: TokenRow, lastUsedAt = row.last_used_at): TokenRecord => ({
  id: row.id,
  principalId: row.principal_id,
  name: row.name,
  scopes: JSON.parse(row.scopes) as string[],
  hint: row.hint,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  lastUsedAt,
  rotatedFrom: row.rotated_from,
});

/** The tokens, and a way to tell them that this connection committed something data_version does not count. */
function sqliteTokens(db: Database.Database, run: Runner, bookkeeping: Bookkeeping): TokenRepository & { ownCommit(): void } {
  const insert = db.prepare(
    `INSERT INTO tokens (id, token_hash, principal_id, name, scopes, hint, created_at, expires_at, revoked_at, last_used_at, rotated_from)
     VALUES (@id, @hash, @principalId, @name, @scopes, @hint, @createdAt, @expiresAt, @revokedAt, @lastUsedAt, @rotatedFrom)`,
  );
  const byHash = db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE token_hash = ?');
  const byId = db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE id = ?');
  const all = db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY created_at, id');
  const revoke = db.prepare<[string, string]>('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const setExpiry = db.prepare<[string, string]>('UPDATE tokens SET expires_at = ? WHERE id = ?');
  // data_version moves when another connection (another process, or this one's bookkeeping and
  // ctx.tx connections) commits anything; only then is the epoch, which triggers bump on token
  // changes (migration 0007), read again. This connection's own writes are forgotten by hand.
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const epoch = db.prepare<[], number>('SELECT n FROM token_epoch WHERE id = 1').pluck();
  let seen: { dataVersion: number; epoch: number } | undefined;
  // A use not written yet still shows.
  const current = (row: TokenRow): TokenRecord => toToken(row, bookkeeping.lastUse(row.id, row.last_used_at));
  return {
    async insert(record, hash) {
      await run.write(() => insert.run({ ...record, hash, scopes: JSON.stringify(record.scopes) }));
    },
    async findByHash(hash) {
      const row = await run.read(() => byHash.get(hash));
      return row && current(row);
    },
    async get(id) {
      const row = await run.read(() => byId.get(id));
      return row && current(row);
    },
    async list() {
      return (await run.read(() => all.all())).map(current);
    },
    async revoke(id, at) {
      return run.write(() => {
        seen = undefined;
        return revoke.run(at, id).changes > 0;
      });
    },
    async setExpiry(id, expiresAt) {
      await run.write(() => {
        seen = undefined;
        setExpiry.run(expiresAt, id);
      });
    },
    async touch(id, at) {
      bookkeeping.touch(id, at);
    },
    ownCommit() {
      seen = undefined;
    },
    changeVersion() {
      try {
        const now = dataVersion.get()!;
        if (seen?.dataVersion !== now) seen = { dataVersion: now, epoch: epoch.get()! };
        return seen.epoch;
      } catch {
        // Busy or closed: the caller asks the tokens table itself, with its retries.
        seen = undefined;
        return undefined;
      }
    },
  };
}

interface IdempotencyRow {
  fingerprint: string;
  status: 'in_progress' | 'completed';
  lease_expires: number;
  response: string | null;
  expires_at: number;
}

/** The claim on `db`: one BEGIN IMMEDIATE transaction that reads the key's record and decides. */
function claimOn(db: Database.Database) {
  const select = db.prepare<[string, string, string], IdempotencyRow>(
    'SELECT fingerprint, status, lease_expires, response, expires_at FROM idempotency_records WHERE principal_id = ? AND tool = ? AND idem_key = ?',
  );
  const acquire = db.prepare(
    `INSERT OR REPLACE INTO idempotency_records
       (principal_id, tool, idem_key, fingerprint, status, lease_token, lease_expires, response, created_at, expires_at)
     VALUES (@principalId, @tool, @key, @fingerprint, 'in_progress', @leaseToken, @leaseExpires, NULL, @now, @expiresAt)`,
  );
  // BEGIN IMMEDIATE takes the write lock before the read, so two processes cannot both see
  // "no record" and both insert; a deferred transaction would also risk SQLITE_BUSY on upgrade.
  const claim = db.transaction((request: ClaimRequest): ClaimOutcome => {
    const row = select.get(request.principalId, request.tool, request.key);
    const existing = row && {
      fingerprint: row.fingerprint,
      status: row.status,
      leaseExpires: row.lease_expires,
      response: row.response,
      expiresAt: row.expires_at,
    };
    const decision = decideClaim(existing, request);
    if (decision !== 'acquire') return decision;
    const leaseToken = randomUUID();
    // Written out, not spread: see withOutcome in platform/idempotency.ts.
    acquire.run({
      principalId: request.principalId,
      tool: request.tool,
      key: request.key,
      fingerprint: request.fingerprint,
      now: request.now,
      leaseToken,
      leaseExpires: request.now + request.leaseMs,
      expiresAt: request.now + request.retentionMs,
    });
    return { kind: 'acquired', leaseToken };
  });
  return (request: ClaimRequest) => claim.immediate(request);
}

/**
 * Claims that need no flush of their own (`durableWithOutcome`) go to `unflushed`, a connection
 * whose commits do not wait for the disk (synchronous=NORMAL): they become durable with the next
 * FULL commit to the same write-ahead log, which flushes everything logged before it, the
 * outcome's among them. Those that may also share the outcome's commit go to `inOutcomeCommit`.
 */
function sqliteIdempotency(
  db: Database.Database,
  run: Runner,
  unflushed: Database.Database = db,
  inOutcomeCommit?: (request: ClaimRequest) => Promise<ClaimOutcome>,
): IdempotencyRepository {
  const complete = db.prepare(
    `UPDATE idempotency_records SET status = 'completed', response = @response
     WHERE principal_id = @principalId AND tool = @tool AND idem_key = @key AND lease_token = @leaseToken AND status = 'in_progress'`,
  );
  const release = db.prepare(
    `DELETE FROM idempotency_records
     WHERE principal_id = @principalId AND tool = @tool AND idem_key = @key AND lease_token = @leaseToken AND status = 'in_progress'`,
  );
  const purge = db.prepare<[number]>('DELETE FROM idempotency_records WHERE expires_at <= ?');
  const claim = claimOn(db);
  const claimUnflushed = unflushed === db ? claim : claimOn(unflushed);

  return {
    async claim(request) {
      if (!request.durableWithOutcome) return run.write(() => claim(request));
      if (request.sharesOutcomeCommit && inOutcomeCommit) return inOutcomeCommit(request);
      return run.write(() => claimUnflushed(request));
    },
    async complete(scope, leaseToken, response) {
      return run.write(() => complete.run({ principalId: scope.principalId, tool: scope.tool, key: scope.key, leaseToken, response }).changes > 0);
    },
    async release(scope, leaseToken) {
      return run.write(() => release.run({ principalId: scope.principalId, tool: scope.tool, key: scope.key, leaseToken }).changes > 0);
    },
    async purgeExpired(now) {
      return run.write(() => purge.run(now).changes);
    },
  };
}

/** The ledger rows and the roll-up of cost records, plus the roll-up read. */
function sqliteCosts(db: Database.Database, run: Runner) {
  const insertItem = db.prepare(
    `INSERT INTO cost_ledger (call_id, at, day, tool, tool_version, principal_id, kind, nano_usd, model, vendor, input_tokens, output_tokens, cached_input_tokens, price_version)
     VALUES (@callId, @at, @day, @tool, @toolVersion, @principalId, @kind, @nanoUsd, @model, @vendor, @inputTokens, @outputTokens, @cachedInputTokens, @priceVersion)`,
  );
  const upsertDaily = db.prepare(
    `INSERT INTO cost_daily (day, tool, principal_id, calls, errors, replays, llm_nano, external_nano, unpriced)
     VALUES (@day, @tool, @principalId, @calls, @errors, @replays, @llmNanoUsd, @externalNanoUsd, @unpriced)
     ON CONFLICT (day, tool, principal_id) DO UPDATE SET
       calls = calls + excluded.calls, errors = errors + excluded.errors, replays = replays + excluded.replays,
       llm_nano = llm_nano + excluded.llm_nano, external_nano = external_nano + excluded.external_nano, unpriced = unpriced + excluded.unpriced`,
  );
  // Sums are read as BigInt: a busy tool's total can pass 2^53 nano-USD (about $9M).
  const selectDaily = db
    .prepare<
      [string],
      {
        day: string;
        tool: string;
        principal_id: string;
        calls: bigint;
        errors: bigint;
        replays: bigint;
        llm_nano: bigint;
        external_nano: bigint;
        unpriced: bigint;
      }
    >('SELECT * FROM cost_daily WHERE day >= ? ORDER BY day, tool, principal_id')
    .safeIntegers(true);
  const dropHold = db.prepare<[string]>('DELETE FROM budget_holds WHERE call_id = ?');
  const upsertStat = db.prepare<[string, string, string, string, number]>(
    `INSERT INTO call_stats_daily (day, tool, principal_id, stat, count) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (day, tool, principal_id, stat) DO UPDATE SET count = count + excluded.count`,
  );
  const selectStats = db.prepare<[string], { day: string; tool: string; principal_id: string; stat: string; count: number }>(
    'SELECT day, tool, principal_id, stat, count FROM call_stats_daily WHERE day >= ?',
  );
  /**
   * Inside a transaction: the ledger, the roll-up and the end of each call's budget hold change
   * together or not at all. The roll-up is written once per (day, tool, principal) of the batch,
   * not once per call.
   */
  const insertAll = (entries: readonly CostRecord[]) => {
    const rollups = new Map<string, CostDailyRow>();
    for (const entry of entries) {
      const delta = insertLedger(entry);
      const key = `${delta.day}\u0000${delta.tool}\u0000${delta.principalId}`;
      const row = rollups.get(key);
      if (row) addDelta(row, delta);
      else rollups.set(key, delta);
    }
    for (const row of rollups.values()) {
      upsertDaily.run(row);
      for (const [stat, count] of rowStats(row)) upsertStat.run(row.day, row.tool, row.principalId, stat, count);
    }
  };
  /** The call's ledger items and the end of its hold; returns what it adds to the roll-up. */
  const insertLedger = (entry: CostRecord): CostDailyRow => {
    dropHold.run(entry.callId);
    const delta = rollupDelta(entry);
    for (const item of entry.items) {
      insertItem.run({
        callId: entry.callId,
        at: entry.at,
        day: delta.day,
        tool: entry.tool,
        toolVersion: entry.toolVersion,
        principalId: entry.principalId,
        kind: item.kind,
        nanoUsd: item.nanoUsd,
        model: item.model ?? null,
        vendor: item.vendor ?? null,
        inputTokens: item.inputTokens ?? null,
        outputTokens: item.outputTokens ?? null,
        cachedInputTokens: item.cachedInputTokens ?? null,
        priceVersion: item.priceVersion ?? null,
      });
    }
    return delta;
  };
  return {
    insertAll,
    async daily(sinceDay: string) {
      const [rows, stats] = await run.read(() => [selectDaily.all(sinceDay), selectStats.all(sinceDay)] as const);
      const statsOf = groupStats(stats);
      return rows.map(
        (row): CostDailyRow => ({
          ...statsOf(row),
          day: row.day,
          tool: row.tool,
          principalId: row.principal_id,
          calls: Number(row.calls),
          errors: Number(row.errors),
          replays: Number(row.replays),
          llmNanoUsd: row.llm_nano,
          externalNanoUsd: row.external_nano,
          unpriced: Number(row.unpriced),
        }),
      );
    },
  };
}

/** Rate counters and budget holds; each decision is one BEGIN IMMEDIATE transaction, so processes on the file take turns. */
function sqliteLimits(db: Database.Database, run: Runner): { rates: RateCounter; budgets: BudgetRepository } {
  const readTat = db.prepare<[string], number>('SELECT tat FROM rate_limits WHERE rate_key = ?').pluck();
  const writeTat = db.prepare<[string, number]>(
    'INSERT INTO rate_limits (rate_key, tat) VALUES (?, ?) ON CONFLICT (rate_key) DO UPDATE SET tat = excluded.tat',
  );
  const take = db.transaction((key: string, rule: RateRule, now: number) => {
    const step = rateStep(readTat.get(key), rule, now);
    if (step.tat !== undefined) writeTat.run(key, step.tat);
    return step.decision;
  });
  const spent = db
    .prepare<[string, string, string | null, string | null], bigint>(
      'SELECT coalesce(sum(llm_nano + external_nano), 0) FROM cost_daily WHERE day = ? AND principal_id = ? AND (? IS NULL OR tool = ?)',
    )
    .pluck()
    .safeIntegers(true);
  const held = db
    .prepare<[string, string, number, string | null, string | null], bigint>(
      'SELECT coalesce(sum(nano_usd), 0) FROM budget_holds WHERE day = ? AND principal_id = ? AND expires_at > ? AND (? IS NULL OR tool = ?)',
    )
    .pluck()
    .safeIntegers(true);
  const insertHold = db.prepare(
    'INSERT INTO budget_holds (call_id, principal_id, tool, day, nano_usd, expires_at) VALUES (@callId, @principalId, @tool, @day, @nanoUsd, @expiresAt)',
  );
  const committed = (principalId: string, day: string, now: number) => (limit: BudgetLimit) => {
    const tool = limit.tool ?? null;
    return spent.get(day, principalId, tool, tool)! + held.get(day, principalId, now, tool, tool)!;
  };
  const hold = db.transaction((request: BudgetHold, limits: readonly BudgetLimit[], now: number) => {
    const decision = judgeBudgets(limits, committed(request.principalId, request.day, now), request);
    if (decision.admitted) insertHold.run(request);
    return decision;
  });
  const purgeRates = db.prepare<[number]>('DELETE FROM rate_limits WHERE tat <= ?');
  const purgeHolds = db.prepare<[number]>('DELETE FROM budget_holds WHERE expires_at <= ?');
  return {
    rates: { take: (key, rule, now) => run.write(() => take.immediate(key, rule, now)) },
    budgets: {
      hold: (request, limits, now) => run.write(() => hold.immediate(request, limits, now)),
      async standing(principalId, day, limits, now) {
        const total = committed(principalId, day, now);
        return run.read(() => limits.map((limit) => ({ limit, committedNanoUsd: total(limit) })));
      },
      purgeExpired: (now) => run.write(() => purgeRates.run(now).changes + purgeHolds.run(now).changes),
    },
  };
}

/** One transaction per batch of written-behind bookkeeping; a use never moves a token's last use back. */
function sqliteBookkeepingWriter(
  db: Database.Database,
  run: Runner,
  insertCosts: (records: readonly CostRecord[]) => void,
): (batch: BookkeepingBatch) => Promise<void> {
  const touch = db.prepare<[string, string, string]>('UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)');
  const writeBatch = db.transaction((batch: BookkeepingBatch) => {
    for (const [id, at] of batch.touches) touch.run(at, id, at);
    insertCosts(batch.costs);
  });
  return (batch) => run.write(() => writeBatch.immediate(batch));
}

/** `sql\`... ${value} ...\`` on SQLite: each value becomes a `?` placeholder. */
function sqliteSql(db: Database.Database, run: Runner): StoreTransaction['sql'] {
  return async <Row>(strings: TemplateStringsArray, ...values: unknown[]) => {
    const text = strings.join('?');
    refuseTransactionControl(text);
    return run.write(() => {
      const statement = db.prepare(text);
      if (statement.reader) return statement.all(...values) as Row[];
      statement.run(...values);
      return [];
    });
  };
}

/** What ctx.tx offers, on the connection that holds the transaction. */
function transactionRepositories(db: Database.Database): StoreTransaction {
  const run = insideTransaction(db);
  const costs = sqliteCosts(db, run);
  return {
    idempotency: sqliteIdempotency(db, run),
    // Never written behind: the cost record commits with the handler's writes.
    costs: { record: (record) => run.write(() => costs.insertAll([record])) },
    sql: sqliteSql(db, run),
  };
}

// Opening runs once, before the server serves anything: there a longer synchronous wait for
// another process's lock (to apply a migration) is better than failing to start.
const OPEN_BUSY_TIMEOUT_MS = 5000;

/** Room the startup check asks the disk for: a few dozen commits' worth of WAL. */
const PROBE_BYTES = 256 * 1024;

/**
 * Page cache of the connections that mostly write (bookkeeping, transactions), in KiB: SQLite's
 * own default. better-sqlite3 builds SQLite with 16 MB per connection, which a connection that
 * appends ledger rows or claims random keys fills with pages it never reads again, and keeps.
 */
const WRITER_CACHE_KIB = 2000;

interface ConnectionOptions {
  synchronous: 'FULL' | 'NORMAL';
  timeout?: number;
  /** Page cache in KiB; without it, better-sqlite3's default, for the connection that serves reads. */
  cacheKiB?: number;
}

function openConnection(file: string, { synchronous, timeout = BUSY_TIMEOUT_MS, cacheKiB }: ConnectionOptions): Database.Database {
  const db = new Database(file, { timeout });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  if (cacheKiB !== undefined) db.pragma(`cache_size = -${cacheKiB}`);
  return db;
}

/** The file and its directory hold token hashes and stored responses: only this user may read them. */
function createPrivately(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // SQLite would create it 0644; its -wal and -shm files copy the database file's mode.
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Writes and syncs a scratch file beside the database: a full disk or a read-only directory fails here, not on the first call. */
function probeDirectory(file: string): void {
  const probe = `${file}.write-probe`;
  try {
    const fd = openSync(probe, 'w', 0o600);
    try {
      // A disk that fills up mid-way takes part of a write and refuses the next.
      const zeros = Buffer.alloc(PROBE_BYTES);
      for (let written = 0; written < PROBE_BYTES; ) written += writeSync(fd, zeros, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * Opens (creating if needed) the SQLite file in WAL mode with full fsync on commit. No wait for
 * a lock blocks the event loop for more than a few milliseconds once it is open: writes retry on
 * timers until `busyDeadlineMs`, and token uses and cost records are written behind in batches.
 * Transactions (ctx.tx) that queue up behind one another share one commit (store/group-commit.ts).
 */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteStore {
  if (file !== ':memory:') createPrivately(file);
  const busyDeadlineMs = options.busyDeadlineMs ?? BUSY_DEADLINE_MS;
  // better-sqlite3 defaults WAL databases to synchronous=NORMAL, which can lose the last
  // commits on power failure; idempotency records and tokens must survive that.
  const db = openConnection(file, { synchronous: 'FULL', timeout: OPEN_BUSY_TIMEOUT_MS });
  try {
    migrate(db);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (error) {
    db.close();
    throw error;
  }
  // Bookkeeping gets its own connection without the fsync per commit (WAL keeps it consistent;
  // a power cut may lose its last moments), so that it never slows down the writes that matter.
  const bookkeepingDb = file === ':memory:' ? db : openConnection(file, { synchronous: 'NORMAL', cacheKiB: WRITER_CACHE_KIB });
  // ctx.tx runs on a connection of its own, so that nothing else this process does can land
  // inside a transaction that is open across a handler's awaits.
  let txDb: Database.Database | undefined;
  let txView: StoreTransaction | undefined;
  let closing: Promise<void> | undefined;
  const transactionView = (): { connection: Database.Database; tx: StoreTransaction } => {
    if (closing && !txDb?.open) throw new TypeError(`The SQLite store at ${file} is closed.`);
    txDb ??= file === ':memory:' ? db : openConnection(file, { synchronous: 'FULL', cacheKiB: WRITER_CACHE_KIB });
    txView ??= transactionRepositories(txDb);
    return { connection: txDb, tx: txView };
  };
  const serialize = createWriteLock();
  const run: Runner = {
    read: (statement) => retryWhileBusy(statement, Date.now() + busyDeadlineMs, file),
    // The deadline counts from the request, so writes queued behind a blocked one fail with it
    // rather than one deadline after another.
    write: (statement) => {
      const deadline = Date.now() + busyDeadlineMs;
      return serialize(() => retryWhileBusy(statement, deadline, file));
    },
  };
  const costs = sqliteCosts(bookkeepingDb, run);
  const limits = sqliteLimits(db, run);
  const bookkeeping = createBookkeeping(sqliteBookkeepingWriter(bookkeepingDb, run, costs.insertAll), options);
  const tokens = sqliteTokens(db, run, bookkeeping);
  let claimInTransaction: ((request: ClaimRequest) => ClaimOutcome) | undefined;
  const grouped = createGroupCommit(() => transactionView().connection, serialize, {
    begin: (connection, deadline) => retryWhileBusy(() => connection.exec('BEGIN IMMEDIATE'), deadline, file),
    busyDeadlineMs,
    maxOpenMs: options.groupOpenMs,
    // In memory ctx.tx shares the server's connection, whose own commits move no
    // data_version, and whose token reads meanwhile saw writes a rollback may undo.
    afterGroup: () => {
      if (txDb === db) tokens.ownCommit();
    },
    discard: (error) => {
      options.onWarning?.('transaction_connection_replaced', { location: file, err: error });
      if (!txDb || txDb === db) return;
      txDb.close();
      txDb = undefined;
      txView = undefined;
      claimInTransaction = undefined;
    },
  });
  // An acquired claim is answered before its group commits; its call's transaction joins that
  // group or a later one, and in a later one checks whether the claim's group failed.
  const claimInGroup = (request: ClaimRequest) => {
    let lost = false;
    return grouped(
      (): ClaimOutcome => {
        claimInTransaction ??= claimOn(transactionView().connection);
        const outcome = claimInTransaction(request);
        return outcome.kind === 'acquired' ? { kind: 'acquired', leaseToken: outcome.leaseToken, lost: () => lost } : outcome;
      },
      {
        early: (outcome) => outcome.kind === 'acquired',
        lost: () => {
          lost = true;
        },
      },
    );
  };
  const ping = db.prepare('SELECT count(*) FROM schema_migrations');
  // A row written and rolled back: in WAL mode the lock alone is granted even on a read-only file.
  const probeRow = db.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES ('write-probe', '')");
  const checkWritable = async () => {
    await run.write(() => {
      db.exec('BEGIN IMMEDIATE');
      try {
        probeRow.run();
      } finally {
        if (db.inTransaction) db.exec('ROLLBACK');
      }
    });
  };

  return {
    kind: 'sqlite',
    location: file,
    db,
    tokens,
    idempotency: sqliteIdempotency(db, run, bookkeepingDb, claimInGroup),
    costs: {
      async record(record) {
        bookkeeping.record(record);
      },
      daily: costs.daily,
    },
    rates: limits.rates,
    budgets: limits.budgets,
    transaction(work) {
      return grouped(() => work(transactionView().tx));
    },
    checkWritable,
    async checkAtStart() {
      if (file === ':memory:') return undefined;
      let problems: string[];
      try {
        problems = db.prepare('PRAGMA quick_check(5)').pluck().all() as string[];
      } catch (error) {
        problems = [(error as Error).message];
      }
      if (problems.join() !== 'ok') {
        return `The SQLite store at ${file} is damaged (PRAGMA quick_check: ${problems.join('; ')}). Restore it from a backup, or move it away to start with an empty store.`;
      }
      const cannotWrite = (error: unknown) =>
        `The SQLite store at ${file} cannot be written (${(error as Error).message}). Check that the user running the server may write the file and its directory, and that the disk is not full.`;
      try {
        probeDirectory(file);
      } catch (error) {
        return cannotWrite(error);
      }
      try {
        await checkWritable();
      } catch (error) {
        // A lock held elsewhere passes: calls answer store_unavailable until it is released.
        if (!isBusy(error)) return cannotWrite(error);
        options.onWarning?.('store_locked_at_start', { location: file, err: error });
      }
      return undefined;
    },
    async ping() {
      await run.read(() => ping.get());
    },
    flush: () => bookkeeping.flush(),
    close() {
      closing ??= (async () => {
        await bookkeeping.close();
        await serialize(() => {
          for (const connection of new Set([txDb, bookkeepingDb, db])) if (connection?.open) connection.close();
        });
      })();
      return closing;
    },
  };
}
