import { randomUUID } from 'node:crypto';
import { decideClaim, type ExistingClaim } from './claim.js';
import { judgeBudgets } from './budget-rule.js';
import { addDelta, emptyStats, rollupDelta } from './cost-rollup.js';
import { rateStep } from './rate-cell.js';
import type { BudgetHold, BudgetLimit, CostDailyRow, CostRecord, Store, StoreTransaction, TokenRecord } from './types.js';

const copy = <T>(value: T): T => structuredClone(value);

/**
 * A process-local store for tests and throwaway runs; nothing survives a restart. Its
 * transactions write in place and undo their own writes when they fail, so other calls may see
 * a transaction's writes before it commits (the SQL stores never show them).
 */
export function createMemoryStore(): Store {
  const tokens = new Map<string, { record: TokenRecord; hash: string }>();
  let tokenChanges = 0;
  const claims = new Map<string, ExistingClaim & { leaseToken: string }>();
  const ledger: CostRecord[] = [];
  const daily = new Map<string, CostDailyRow>();
  const arrivals = new Map<string, number>();
  const holds = new Map<string, BudgetHold>();
  const committed = (principalId: string, day: string, now: number) => (limit: BudgetLimit) => {
    let total = 0n;
    for (const row of daily.values()) {
      if (row.day === day && row.principalId === principalId && (!limit.tool || row.tool === limit.tool)) total += row.llmNanoUsd + row.externalNanoUsd;
    }
    for (const hold of holds.values()) {
      if (hold.day === day && hold.principalId === principalId && hold.expiresAt > now && (!limit.tool || hold.tool === limit.tool)) total += hold.nanoUsd;
    }
    return total;
  };
  const claimKey = (scope: { principalId: string; tool: string; key: string }) => JSON.stringify([scope.principalId, scope.tool, scope.key]);
  let open = true;
  const ensureOpen = () => {
    if (!open) throw new Error('The memory store is closed.');
  };
  const addToRollup = (delta: CostDailyRow, sign: 1 | -1) => {
    const key = JSON.stringify([delta.day, delta.tool, delta.principalId]);
    const row = daily.get(key) ?? { ...delta, calls: 0, errors: 0, replays: 0, llmNanoUsd: 0n, externalNanoUsd: 0n, unpriced: 0, ...emptyStats() };
    addDelta(row, delta, sign);
    if (row.calls === 0) daily.delete(key);
    else daily.set(key, row);
  };
  const store: Store = {
    kind: 'memory',
    location: 'memory (this process only)',
    tokens: {
      async insert(record, hash) {
        ensureOpen();
        if ([...tokens.values()].some((t) => t.hash === hash)) throw new Error('duplicate token hash');
        tokens.set(record.id, { record: copy(record), hash });
      },
      async findByHash(hash) {
        ensureOpen();
        const found = [...tokens.values()].find((t) => t.hash === hash);
        return found && copy(found.record);
      },
      async get(id) {
        ensureOpen();
        const found = tokens.get(id);
        return found && copy(found.record);
      },
      async list() {
        ensureOpen();
        return [...tokens.values()].map((t) => copy(t.record));
      },
      async revoke(id, at) {
        ensureOpen();
        const found = tokens.get(id);
        if (!found || found.record.revokedAt) return false;
        found.record.revokedAt = at;
        tokenChanges += 1;
        return true;
      },
      async setExpiry(id, expiresAt) {
        ensureOpen();
        const found = tokens.get(id);
        if (found) found.record.expiresAt = expiresAt;
        tokenChanges += 1;
      },
      async touch(id, at) {
        ensureOpen();
        const found = tokens.get(id);
        if (found && !(found.record.lastUsedAt && found.record.lastUsedAt >= at)) found.record.lastUsedAt = at;
      },
      changeVersion: () => tokenChanges,
    },
    costs: {
      async record(record) {
        ensureOpen();
        ledger.push(copy(record));
        addToRollup(rollupDelta(record), 1);
        holds.delete(record.callId);
      },
      async daily(sinceDay) {
        ensureOpen();
        return [...daily.values()]
          .filter((row) => row.day >= sinceDay)
          .sort((a, b) => a.day.localeCompare(b.day) || a.tool.localeCompare(b.tool) || a.principalId.localeCompare(b.principalId))
          .map((row) => ({ ...row, errorCodes: { ...row.errorCodes }, latencyCounts: [...row.latencyCounts] }));
      },
    },
    rates: {
      async take(key, rule, now) {
        ensureOpen();
        const step = rateStep(arrivals.get(key), rule, now);
        if (step.tat !== undefined) arrivals.set(key, step.tat);
        return step.decision;
      },
    },
    budgets: {
      async hold(hold, limits, now) {
        ensureOpen();
        const decision = judgeBudgets(limits, committed(hold.principalId, hold.day, now), hold);
        if (decision.admitted) holds.set(hold.callId, { ...hold });
        return decision;
      },
      async standing(principalId, day, limits, now) {
        ensureOpen();
        const total = committed(principalId, day, now);
        return limits.map((limit) => ({ limit, committedNanoUsd: total(limit) }));
      },
      async purgeExpired(now) {
        ensureOpen();
        let purged = 0;
        for (const [key, tat] of arrivals) if (tat <= now && arrivals.delete(key)) purged++;
        for (const [id, hold] of holds) if (hold.expiresAt <= now && holds.delete(id)) purged++;
        return purged;
      },
    },
    idempotency: {
      async claim(request) {
        ensureOpen();
        const decision = decideClaim(claims.get(claimKey(request)), request);
        if (decision !== 'acquire') return decision;
        const leaseToken = randomUUID();
        claims.set(claimKey(request), {
          fingerprint: request.fingerprint,
          status: 'in_progress',
          leaseExpires: request.now + request.leaseMs,
          response: null,
          expiresAt: request.now + request.retentionMs,
          leaseToken,
        });
        return { kind: 'acquired', leaseToken };
      },
      async complete(scope, leaseToken, response) {
        ensureOpen();
        const record = claims.get(claimKey(scope));
        if (!record || record.leaseToken !== leaseToken || record.status !== 'in_progress') return false;
        Object.assign(record, { status: 'completed', response });
        return true;
      },
      async release(scope, leaseToken) {
        ensureOpen();
        const record = claims.get(claimKey(scope));
        if (!record || record.leaseToken !== leaseToken || record.status !== 'in_progress') return false;
        return claims.delete(claimKey(scope));
      },
      async purgeExpired(now) {
        ensureOpen();
        let purged = 0;
        for (const [key, record] of claims) {
          if (record.expiresAt <= now) {
            claims.delete(key);
            purged++;
          }
        }
        return purged;
      },
    },
    async transaction(work) {
      ensureOpen();
      const undo: (() => void)[] = [];
      const tx: StoreTransaction = {
        idempotency: {
          async complete(scope, leaseToken, response, now) {
            const record = claims.get(claimKey(scope));
            const before = record && { status: record.status, response: record.response };
            const completed = await store.idempotency.complete(scope, leaseToken, response, now);
            if (completed) undo.push(() => Object.assign(record!, before));
            return completed;
          },
        },
        costs: {
          async record(record) {
            const held = holds.get(record.callId);
            await store.costs.record(record);
            const entry = ledger[ledger.length - 1]!;
            undo.push(() => {
              ledger.splice(ledger.indexOf(entry), 1);
              addToRollup(rollupDelta(record), -1);
              if (held) holds.set(record.callId, held);
            });
          },
        },
        async sql() {
          throw new Error('The memory store has no SQL: write through the repositories of ctx.tx, or run on the SQLite or PostgreSQL store.');
        },
      };
      try {
        return await work(tx);
      } catch (error) {
        for (const revert of undo.reverse()) revert();
        throw error;
      }
    },
    async ping() {
      ensureOpen();
    },
    async checkWritable() {
      ensureOpen();
    },
    async flush() {},
    async close() {
      open = false;
    },
  };
  return store;
}
