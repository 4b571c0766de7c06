/**
 * The persistence boundary. Each pattern that keeps state gets its own narrow repository here
 * (idempotency records, tokens, the cost ledger) rather than a generic key-value bag, because
 * each needs its own atomic operations. Methods are async so that networked stores (PostgreSQL,
 * Redis) fit behind the same interface as SQLite and memory.
 */
/** A bearer token as stored: never the token itself, only its SHA-256 (kept by the repository). */
export interface TokenRecord {
  id: string;
  principalId: string;
  name: string;
  scopes: string[];
  /** Prefix and last four characters, for people to recognise a token in `token list`. */
  hint: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  rotatedFrom: string | null;
}

export interface TokenRepository {
  insert(record: TokenRecord, hash: string): Promise<void>;
  findByHash(hash: string): Promise<TokenRecord | undefined>;
  get(id: string): Promise<TokenRecord | undefined>;
  list(): Promise<TokenRecord[]>;
  /** Returns false when no unrevoked token has this id. */
  revoke(id: string, at: string): Promise<boolean>;
  setExpiry(id: string, expiresAt: string): Promise<void>;
  /** Records a use; the store may write it behind (see `Store.flush`), but reads show it at once. */
  touch(id: string, at: string): Promise<void>;
  /**
   * For a verification cache: a number that moves whenever any process revokes or deletes a
   * token or changes its expiry, scopes or principal, and `undefined` while the store cannot tell
   * (then nothing may be cached). Synchronous and cheap, as it is asked on every request. A store
   * that cannot offer it (PostgreSQL: instances on other hosts) leaves it out, and tokens are
   * cached there only with Redis to announce revocations.
   */
  changeVersion?(): number | undefined;
}

/** Identifies one idempotency record: keys never cross principals or tools. */
export interface IdempotencyScope {
  principalId: string;
  tool: string;
  key: string;
}

export type ClaimOutcome =
  | {
      kind: 'acquired';
      leaseToken: string;
      /**
       * Set by a store that hands out a claim before it is committed (`sharesOutcomeCommit`):
       * true once the transaction that held it failed, so the claim is gone. It is known before
       * any later transaction of the store starts, so a call checks it inside its own.
       */
      lost?: () => boolean;
    }
  | { kind: 'replay'; response: string }
  | { kind: 'mismatch' }
  | { kind: 'in_progress'; retryAfterMs: number }
  | { kind: 'stale' };

export interface ClaimRequest extends IdempotencyScope {
  fingerprint: string;
  now: number;
  leaseMs: number;
  retentionMs: number;
  /**
   * The tool writes only through ctx.tx, so a record left in progress by a call that died
   * committed nothing with it: such a stale record is taken over (a new lease) and the call runs
   * again, instead of answering that its outcome is unknown.
   */
  reclaimStale?: boolean;
  /**
   * The call's effects and its outcome commit later in one transaction of this same database (a
   * transactional tool), and that commit reaches the disk. The claim need not reach the disk on
   * its own: if the machine fails first, the call has changed nothing and losing its claim loses
   * nothing.
   */
  durableWithOutcome?: boolean;
  /**
   * With `durableWithOutcome`: the call commits nothing else to this store between its claim and
   * its outcome (no rate or budget write there). A store may then hold the claim in an open
   * transaction that the outcome's transaction joins, so that one commit carries both (SQLite's
   * group commit does); every other caller waits for that commit instead of seeing the call in
   * progress.
   */
  sharesOutcomeCommit?: boolean;
}

/**
 * Pattern 3's store contract. `claim` must be atomic across every process sharing the store:
 * of any number of concurrent claims for one scope, exactly one is `acquired`.
 */
export interface IdempotencyRepository {
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  /** Stores the response if `leaseToken` still owns the record; false means the lease was lost. */
  complete(scope: IdempotencyScope, leaseToken: string, response: string, now: number): Promise<boolean>;
  /**
   * Deletes the record if `leaseToken` still owns it and it is in progress: the call committed
   * nothing (a transactional tool that met a store outage), so the same key may run it again now.
   */
  release(scope: IdempotencyScope, leaseToken: string): Promise<boolean>;
  /** Deletes records whose retention has passed; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** One cost item of a call, as the ledger keeps it (amounts in integer nano-USD). */
export interface CostEntry {
  kind: 'llm' | 'external';
  /** null: the model had no price (recorded as unpriced, never as free). */
  nanoUsd: bigint | null;
  model?: string;
  vendor?: string;
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  priceVersion?: string;
}

export interface CostRecord {
  callId: string;
  /** Epoch milliseconds; the roll-up day is its UTC date. */
  at: number;
  tool: string;
  toolVersion: string;
  /** The verified principal, never anything a caller asserted. */
  principalId: string;
  outcome: 'ok' | 'error' | 'replayed';
  items: CostEntry[];
  /** The error code of a call that failed (a platform code or the tool's own). */
  errorCode?: string | null;
  /** How long the call took, for the roll-up's latency histogram. */
  latencyMs?: number;
}

/** One row of the daily roll-up: a UTC day, a tool and a user. */
export interface CostDailyRow {
  day: string;
  tool: string;
  principalId: string;
  calls: number;
  errors: number;
  replays: number;
  llmNanoUsd: bigint;
  externalNanoUsd: bigint;
  unpriced: number;
  /** Failed calls by error code. */
  errorCodes: Record<string, number>;
  /** Calls per latency bucket: index i counts latencies up to LATENCY_BOUNDS_MS[i] (and above the one before); the last, the rest. */
  latencyCounts: number[];
}

/** Pattern 6's store contract: the append-only ledger and its roll-up change together or not at all. */
export interface CostRepository {
  /** The store may write it behind (see `Store.flush`); in a transaction it commits with it. */
  record(record: CostRecord): Promise<void>;
  /** Roll-up rows from `sinceDay` (YYYY-MM-DD, UTC) on. */
  daily(sinceDay: string): Promise<CostDailyRow[]>;
}

/** N calls per window; up to N may come at once, then one every window / N. */
export interface RateRule {
  limit: number;
  windowMs: number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

/**
 * Rate-limit counters: one step of a generic cell rate algorithm per call, atomic across every
 * process sharing the store (the key's "theoretical arrival time" is the only state).
 */
export interface RateCounter {
  take(key: string, rule: RateRule, now: number): Promise<RateDecision>;
}

/** A daily spend limit of one principal: over all tools, or over one. */
export interface BudgetLimit {
  nanoUsd: bigint;
  tool?: string;
}

/** What a running call holds of its principal's budgets until its cost record is written. */
export interface BudgetHold {
  callId: string;
  principalId: string;
  tool: string;
  /** The UTC day (YYYY-MM-DD) whose budget it draws on. */
  day: string;
  nanoUsd: bigint;
  /** A hold whose call died without a cost record stops counting here (epoch ms). */
  expiresAt: number;
}

export interface BudgetStanding {
  limit: BudgetLimit;
  /** Recorded in the roll-up plus held by running calls, this one included when admitted. */
  committedNanoUsd: bigint;
}

export type BudgetDecision = { admitted: true; standings: BudgetStanding[] } | { admitted: false; refusedBy: BudgetStanding };

/**
 * Spend budgets: the roll-up's total for the day plus the holds of running calls. `hold` checks
 * and holds in one step, atomic across processes, so N concurrent calls against a budget with
 * room for K holds admit at most K. A cost record removes its call's hold in the same commit.
 */
export interface BudgetRepository {
  hold(hold: BudgetHold, limits: readonly BudgetLimit[], now: number): Promise<BudgetDecision>;
  /** Spent and held today per principal (and tool), for operators. */
  standing(principalId: string, day: string, limits: readonly BudgetLimit[], now: number): Promise<BudgetStanding[]>;
  /** Drops rate counters and holds that can no longer matter; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/**
 * One transaction on the store, handed to a handler as `ctx.tx`. Everything written through it
 * commits together with the call's idempotency record and cost record, or not at all.
 */
export interface StoreTransaction {
  readonly idempotency: Pick<IdempotencyRepository, 'complete'>;
  readonly costs: Pick<CostRepository, 'record'>;
  /**
   * One SQL statement inside the transaction, values as placeholders:
   * `await ctx.tx.sql\`UPDATE accounts SET balance = ${balance} WHERE id = ${id}\``.
   * The memory store has no SQL and throws; use the repositories there.
   */
  sql<Row = Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]): Promise<Row[]>;
}

export interface Store {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  /** Where the data lives (a file path, never a credential), named in operators' messages. */
  readonly location: string;
  readonly tokens: TokenRepository;
  readonly idempotency: IdempotencyRepository;
  readonly costs: CostRepository;
  readonly rates: RateCounter;
  readonly budgets: BudgetRepository;
  /** Runs `work` in one transaction: what it writes commits when it resolves and is rolled back when it throws. */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Throws when the store cannot serve requests (used by health checks). */
  ping(): Promise<void>;
  /** Throws unless a write could be committed right now (readiness: /readyz, the startup check). */
  checkWritable(): Promise<void>;
  /**
   * Optional deeper checks before serving (the data's integrity, room to write), in place of
   * `checkWritable`; returns what is wrong, for the operator.
   */
  checkAtStart?(): Promise<string | undefined>;
  /**
   * Writes what the store keeps written behind (token uses, cost records: `tokens.touch` and
   * `costs.record` return before they are stored). `close` flushes too.
   */
  flush(): Promise<void>;
  close(): Promise<void>;
}
