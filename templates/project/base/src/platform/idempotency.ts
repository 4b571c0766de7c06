/**
 * Pattern 3: idempotency keys on mutating calls.
 *
 * A key arrives in `_meta["mcp-prod/idempotencyKey"]`, a top-level `params.idempotencyKey` (the shape
 * of the SEP-3182 proposal), the `Idempotency-Key` HTTP header, or the tool's optional
 * `idempotencyKey` argument. The first call with a key runs; the same key with
 * the same arguments afterwards gets the stored result back (marked as a replay, costing
 * nothing); the same key with other arguments is refused; a duplicate that arrives while the
 * first is still running is told to retry; and a record left "in progress" by a crash is
 * reported as an unknown outcome instead of being run a second time. Records are scoped to
 * (principal, tool, key), so a key can never replay another tenant's result. Nothing before this
 * stage stores anything, so a request refused by auth or validation can be fixed and retried
 * with the same key.
 */
import { hash } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { z } from 'zod/v4';
import { META } from './boundary.js';
import { canonicalJson } from './canonical-json.js';
import { ErrorCode, readToolError, ToolError } from './errors.js';
import type { Logger } from './logger.js';
import { resultJson } from './result-json.js';
import type { AnyTool } from './tool.js';
import type { ClaimOutcome, IdempotencyRepository, Store, StoreTransaction } from '../store/types.js';

export const KEY_ARGUMENT = 'idempotencyKey';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The optional argument added to every tool that takes keys; its wording is aimed at models. */
export const keyArgumentSchema = z
  .string()
  .min(1)
  .max(255)
  .optional()
  .describe(
    'Idempotency key for this operation. Generate one (a UUID is ideal) for each new operation, and send the SAME key again ' +
      'whenever you retry that same operation, for example after a timeout. Use a NEW key only for a different operation. ' +
      'A repeated key returns the first result instead of doing the work twice.',
  );

export interface KeySources {
  meta?: unknown;
  param?: unknown;
  header?: string | null;
  argument?: unknown;
}

/** The one key a call carries, validated before any store access; undefined when none was sent. */
export function resolveKey(sources: KeySources): string | undefined {
  const header = sources.header?.trim().replace(/^"(.*)"$/, '$1');
  const given = [
    ['_meta', sources.meta],
    ['params.idempotencyKey', sources.param],
    ['Idempotency-Key header', header],
    [KEY_ARGUMENT, sources.argument],
  ].filter(([, value]) => value !== undefined && value !== null) as [string, unknown][];
  for (const [source, value] of given) {
    if (typeof value !== 'string' || !KEY_PATTERN.test(value)) {
      throw new ToolError(ErrorCode.idempotencyKeyInvalid, `The idempotency key from ${source} must be 1-255 printable ASCII characters without spaces.`, {
        details: { source },
      });
    }
  }
  const distinct = new Set(given.map(([, value]) => value));
  if (distinct.size > 1) {
    throw new ToolError(ErrorCode.idempotencyKeyInvalid, `Different idempotency keys were sent in ${given.map(([s]) => s).join(' and ')}; send one key.`, {
      details: { sources: given.map(([s]) => s) },
    });
  }
  return given[0]?.[1] as string | undefined;
}

/** Short, irreversible form of a key for logs: the key itself may carry data a caller chose. */
export const keyHash = (key: string) => hash('sha256', key, 'hex').slice(0, 16);

/**
 * The request fingerprint: the tool's major version (the contract the caller holds) and the
 * canonical arguments. A patch release between a call and its retry still replays; a new major,
 * whose arguments may mean something else, does not.
 */
export function fingerprint(tool: { name: string; version: string }, args: unknown): string {
  const major = tool.version.split('.')[0];
  return hash('sha256', canonicalJson({ tool: tool.name, major, arguments: args }), 'hex');
}

export interface IdempotencySettings {
  /** How long a record is kept and replayed; never less than 24 hours. */
  retentionMs: number;
  /** How long a call may run before a duplicate sees its record as abandoned. */
  leaseMs: number;
}

export type IdempotencyOutcome = 'not_applicable' | 'no_key' | 'executed' | 'replayed';

export interface IdempotentCall {
  tool: AnyTool;
  principalId: string;
  key: string | undefined;
  /** Validated arguments, without the key argument. */
  arguments: unknown;
  now: number;
  /** Runs the handler (with ctx.tx when given one); must return a result (errors included) rather than throw. */
  execute: (tx?: StoreTransaction) => Promise<CallToolResult>;
  /** Set for a transactional tool: the handler runs in one transaction with the call's other writes. */
  atomic?: AtomicRun;
  /**
   * The checks between this stage and the handler (rate limits, budgets): run only for a call
   * that will execute, so a replay never counts. When they refuse, the key is freed: nothing ran.
   */
  admit?: () => Promise<void>;
  /**
   * `admit` waits on the store or on Redis (a rate or a budget applies): the claim's transaction
   * would commit before the outcome's could join it, so the claim commits on its own.
   */
  admitWaits?: boolean;
}

export interface AtomicRun {
  store: Pick<Store, 'transaction'>;
  /** The call's own bookkeeping that commits with the handler's writes (its cost record). */
  beforeCommit(tx: StoreTransaction): Promise<void>;
}

export interface IdempotentRun {
  result: CallToolResult;
  outcome: IdempotencyOutcome;
  /** The handler's writes, the completion and `beforeCommit` committed in one transaction. */
  committed: boolean;
}

export interface IdempotencyDeps {
  store: IdempotencyRepository;
  settings: IdempotencySettings;
  /** Called only when something is logged: the pipeline makes the call's logger on first use. */
  log(): Logger;
}

export async function runIdempotent(call: IdempotentCall, deps: IdempotencyDeps): Promise<IdempotentRun> {
  if (call.tool.idempotency === 'none') {
    await call.admit?.();
    return withOutcome(await runHandler(call, deps), 'not_applicable');
  }
  if (call.key === undefined) {
    if (call.tool.idempotency === 'required') {
      throw new ToolError(
        ErrorCode.idempotencyKeyRequired,
        `${call.tool.name} changes data and needs an idempotency key: send one in _meta["${META.idempotencyKey}"] or the ${KEY_ARGUMENT} argument.`,
      );
    }
    await call.admit?.();
    return withOutcome(await runHandler(call, deps), 'no_key');
  }

  const scope = { principalId: call.principalId, tool: call.tool.name, key: call.key };
  let claim: ClaimOutcome;
  try {
    // Written out: see withOutcome.
    claim = await deps.store.claim({
      principalId: scope.principalId,
      tool: scope.tool,
      key: scope.key,
      fingerprint: fingerprint(call.tool, call.arguments),
      now: call.now,
      retentionMs: deps.settings.retentionMs,
      leaseMs: deps.settings.leaseMs,
      reclaimStale: call.tool.transactional,
      durableWithOutcome: call.tool.transactional,
      sharesOutcomeCommit: call.tool.transactional && !call.admitWaits,
    });
  } catch (error) {
    deps.log().error({ event: 'idempotency_store_error', err: error }, 'idempotency_store_error');
    throw new ToolError(ErrorCode.storeUnavailable, 'The idempotency store is unavailable, so the call was not run. Retry with the same key.', {
      retryable: true,
    });
  }

  switch (claim.kind) {
    case 'mismatch':
      throw new ToolError(ErrorCode.idempotencyKeyReused, 'This idempotency key was already used with different arguments. Use a new key for a new operation.');
    case 'in_progress':
      throw inUse(claim.retryAfterMs);
    case 'stale':
      throw new ToolError(
        ErrorCode.idempotencyOutcomeUnknown,
        'A call with this idempotency key started but never finished (the server stopped mid-call). It may or may not have taken effect: check before retrying with a new key.',
      );
    case 'replay': {
      const stored = JSON.parse(claim.response) as CallToolResult;
      return { result: { ...stored, _meta: { ...stored._meta, [META.idempotentReplay]: true } }, outcome: 'replayed', committed: false };
    }
    case 'acquired': {
      const { leaseToken } = claim;
      try {
        await call.admit?.();
      } catch (error) {
        await release(deps, scope, leaseToken);
        throw error;
      }
      let run: { result: CallToolResult; committed: boolean };
      try {
        run = await runHandler(call, deps, {
          complete: (tx, response) => tx.idempotency.complete(scope, leaseToken, response, call.now),
          lost: claim.lost,
        });
      } catch (error) {
        if (error instanceof ToolError && error.code === ErrorCode.storeUnavailable) await release(deps, scope, leaseToken);
        throw error;
      }
      if (run.committed) return withOutcome(run, 'executed');
      const code = readToolError(run.result)?.code;
      if (code === ErrorCode.storeUnavailable || code === ErrorCode.cancelled) {
        // An outage or a cut-off call is not the tool's answer: never replay it. A transactional
        // call kept nothing, so its key is freed at once; any other may have had effects, and its
        // record stays in progress until the lease decides, as after a crash.
        if (call.atomic) await release(deps, scope, leaseToken);
        return withOutcome(run, 'executed');
      }
      try {
        const kept = await deps.store.complete(scope, leaseToken, resultJson(run.result), call.now);
        if (!kept) deps.log().warn({ event: 'idempotency_lease_lost' }, 'idempotency_lease_lost');
      } catch (error) {
        // The work is done; without a stored result a retry will report an unknown outcome,
        // which is the truthful answer.
        deps.log().error({ event: 'idempotency_store_error', err: error }, 'idempotency_store_error');
      }
      return withOutcome(run, 'executed');
    }
  }
}

/**
 * The run and its outcome, written out rather than as `{ ...run, outcome }`. Objects made by a
 * spread and then given more properties outlive minor collections: in a loop that made only
 * those, about a fifth of what it allocated did, against 1% with the same objects written out.
 * This runs on every call.
 */
const withOutcome = (run: { result: CallToolResult; committed: boolean }, outcome: IdempotencyOutcome): IdempotentRun => ({
  result: run.result,
  outcome,
  committed: run.committed,
});

async function release(deps: IdempotencyDeps, scope: { principalId: string; tool: string; key: string }, leaseToken: string): Promise<void> {
  // If the store is still down the record stays in progress, and its lease decides as after a crash.
  await deps.store
    .release(scope, leaseToken)
    .catch((error: unknown) => deps.log().warn({ event: 'idempotency_release_failed', err: error }, 'idempotency_release_failed'));
}

const inUse = (retryAfterMs: number) =>
  new ToolError(ErrorCode.idempotencyKeyInUse, 'A call with this idempotency key is still running. Retry with the same key shortly.', {
    retryable: true,
    details: { retryAfterMs },
  });

/** `target`, whose methods (and those of its nested objects) throw once `open()` turns false. */
function usableWhile<T extends object>(target: T, open: () => boolean): T {
  return new Proxy(target, {
    get(object, prop) {
      const value = Reflect.get(object, prop) as unknown;
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          if (!open()) throw new Error('ctx.tx was used after its transaction ended (the call was cancelled or had already finished).');
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      }
      return typeof value === 'object' && value !== null ? usableWhile(value, open) : value;
    },
  });
}

/** A transactional handler's failure: its writes are rolled back and its error result stands. */
class RolledBack extends Error {
  constructor(readonly result: CallToolResult) {
    super('rolled back');
  }
}

class LeaseLost extends Error {}

/** The idempotency record a transactional call completes inside its transaction. */
interface Completion {
  complete(tx: StoreTransaction, response: string): Promise<boolean>;
  /** True once the store lost the claim before committing it (see ClaimOutcome). */
  lost?: () => boolean;
}

/**
 * Runs the handler. A transactional tool's handler, the completion of its idempotency record
 * (when it has one) and the call's bookkeeping share one transaction; an error result rolls the
 * handler's writes back. A store that fails to commit means nothing was committed, so the
 * caller may retry with the same key.
 */
async function runHandler(
  call: IdempotentCall,
  deps: Pick<IdempotencyDeps, 'log'>,
  completion?: Completion,
): Promise<{ result: CallToolResult; committed: boolean }> {
  const atomic = call.atomic;
  if (!atomic) return { result: await call.execute(), committed: false };
  try {
    const result = await atomic.store.transaction(async (tx) => {
      if (completion?.lost?.()) throw new Error('The idempotency claim of this call was lost when its transaction failed to commit.');
      let open = true;
      try {
        // A handler cut off by its signal may still be running: once the transaction has ended,
        // its ctx.tx refuses to work, so nothing it does later can land outside the transaction.
        const result = await call.execute(usableWhile(tx, () => open));
        if (result.isError) throw new RolledBack(result);
        if (completion && !(await completion.complete(tx, resultJson(result)))) throw new LeaseLost();
        await atomic.beforeCommit(tx);
        return result;
      } finally {
        open = false;
      }
    });
    return { result, committed: true };
  } catch (error) {
    if (error instanceof RolledBack) return { result: error.result, committed: false };
    // Another process took the record over after this call's lease ran out; it owns the outcome.
    if (error instanceof LeaseLost) throw inUse(1000);
    deps.log().error({ event: 'transaction_failed', err: error }, 'transaction_failed');
    throw new ToolError(ErrorCode.storeUnavailable, 'The store failed while committing the call, so nothing it did was kept. Retry with the same key.', {
      retryable: true,
    });
  }
}
