/**
 * The tool-call pipeline: every `tools/call` runs through these stages in this order.
 *
 *   1. boundary check of the raw request            (pattern 7, drift is logged)
 *   2. tool lookup                                  (pattern 2)
 *   3. principal and scope check                    (pattern 1)
 *   4. version check                                (pattern 2)
 *   5. deprecation phase                            (pattern 5)
 *   6. argument validation                          (pattern 7)
 *   7. idempotency (a replay answers here)          (pattern 3)
 *   8. rate limit and spend budget                  (pattern 6)
 *   9. the handler, with ctx.cost                   (pattern 6)
 *  10. output validation                            (pattern 7)
 *  11. one log line, always                         (pattern 4)
 */
import { ProtocolError, ProtocolErrorCode, type CallToolResult } from '@modelcontextprotocol/server';
import { checkScopes, type Authenticate, type CallerInfo, type Principal } from './auth.js';
import { checkCallParams, META, OutputSchemaViolation, validateArguments, validateOutput } from './boundary.js';
import { CallContext } from './call-context.js';
import { CallRecord, truncateName } from './call-log.js';
import type { Cancellation } from './cancellation.js';
import type { Clock } from './clock.js';
import { createCostMeter, takeReturnedCost, type PriceTable } from './cost.js';
import { checkDeprecation, type DeprecationNotice } from './deprecation.js';
import { cancelled, internalError, readToolError, storeUnavailable, ToolError, toolErrorResult } from './errors.js';
import { KEY_ARGUMENT, keyHash, resolveKey, runIdempotent, type IdempotencySettings } from './idempotency.js';
import { admissionWaits, admitCall, type AdmissionWatch, type LimitSettings } from './limits.js';
import type { Logger } from './logger.js';
import { checkToolVersion, staleDefinitionError, type RegisteredTool, type Registry } from './registry.js';
import { structuredResult } from './result-json.js';
import type { Telemetry } from './telemetry.js';
import type { ToolContext } from './tool.js';
import type { CostRecord, RateCounter, Store, StoreTransaction } from '../store/types.js';
import { isStoreUnavailable } from '../store/unavailable.js';

export interface PipelineDeps {
  registry: Registry;
  store: Store;
  logger: Logger;
  clock: Clock;
  authenticate: Authenticate;
  idempotency: IdempotencySettings;
  prices: PriceTable;
  /** OpenTelemetry (src/platform/telemetry.ts); `noTelemetry` unless OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  telemetry: Telemetry;
  limits: LimitSettings;
  /** Rate counters: the store's, or Redis when configured. */
  rates: RateCounter;
  /** Told when a call starts, before any of it runs; its `tool_call` line ends it (the HTTP server's shutdown waits for that). */
  onCallStart?: (callId: string) => void;
}

export interface CallRequest {
  /** The raw `tools/call` params exactly as received. */
  params: unknown;
  caller: CallerInfo;
  /** The call's cancellation (platform/cancellation.ts); handlers see it as `ctx.signal`. */
  cancellation: Cancellation;
  /** The `Idempotency-Key` HTTP header, when the call came over HTTP. */
  idempotencyKeyHeader?: string | null;
  /** Told whether the call passed its rate limit (the HTTP layer answers a refusal with 429). */
  admissionWatch?: AdmissionWatch;
}

export async function handleToolCall(deps: PipelineDeps, request: CallRequest): Promise<CallToolResult> {
  const call = new CallRecord();
  deps.onCallStart?.(call.callId);
  let callLog: Logger | undefined;
  // Made when the call first logs something of its own: most never do, and a child logger costs an allocation per call.
  const log = (): Logger => {
    callLog ??= deps.logger.child({ call_id: call.callId });
    return callLog;
  };
  const cost = createCostMeter(deps.prices, (model) =>
    log().warn({ event: 'cost_unpriced', model, price_version: deps.prices.version }, `no price for model ${model}; recorded as unpriced`),
  );
  let entry: RegisteredTool | undefined;
  let principal: Principal | undefined;
  let costCommitted = false;
  const costRecord = (outcome: CostRecord['outcome']): CostRecord => ({
    callId: call.callId,
    at: deps.clock.now().getTime(),
    tool: entry!.tool.name,
    toolVersion: entry!.tool.version,
    principalId: principal!.id,
    outcome,
    items: cost.items(),
    errorCode: call.errorCode,
    latencyMs: call.elapsedMs(),
  });

  try {
    const params = checkCallParams(request.params, (drift) => log().warn({ event: 'schema_drift', ...drift, method: 'tools/call' }, 'schema_drift'));
    call.toolName = params.name;
    call.input = params.arguments;

    const found = deps.registry.get(params.name);
    if (!found) {
      call.errorCode = 'unknown_tool';
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${truncateName(params.name)}`, { code: 'unknown_tool' });
    }
    entry = found;
    call.tool = found.tool;
    const tool = found.tool;

    const caller = await deps.authenticate(request.caller);
    principal = caller;
    call.principalId = caller.id;
    checkScopes(caller, tool);
    checkToolVersion(found, params.toolVersion);
    const notice = checkDeprecation(tool, deps.clock.now());
    const { [KEY_ARGUMENT]: keyArgument, ...args } = validateAgainstCurrentOrStale(found, params) as Record<string, unknown>;
    const key = resolveKey({
      meta: params.meta[META.idempotencyKey],
      param: params.idempotencyKey,
      header: request.idempotencyKeyHeader,
      argument: keyArgument,
    });
    if (key !== undefined) call.idempotencyKeyHash = keyHash(key);

    const context = (tx: StoreTransaction | undefined) =>
      new CallContext({
        callId: call.callId,
        principal: caller,
        store: deps.store,
        cost,
        span: deps.telemetry.activeSpan(),
        now: () => deps.clock.now(),
        idempotencyKey: key === undefined ? undefined : downstreamKey(caller.id, tool.name, key),
        toolName: tool.name,
        logger: deps.logger,
        callLog: log,
        cancellation: request.cancellation,
        tx,
      });
    const run = await runIdempotent(
      {
        tool,
        principalId: caller.id,
        key,
        arguments: args,
        now: deps.clock.now().getTime(),
        execute: (tx) => execute(found, args, context(tx), request.cancellation),
        atomic: tool.transactional ? { store: deps.store, beforeCommit: (tx) => tx.costs.record(costRecord('ok')) } : undefined,
        admit: async () => {
          const limits = { rates: deps.rates, budgets: deps.store.budgets, settings: deps.limits };
          call.admission = await admitCall(limits, { tool, principalId: caller.id, callId: call.callId, now: deps.clock.now().getTime() }).catch(
            (error: unknown) => {
              if (error instanceof ToolError) {
                request.admissionWatch?.settle(error);
                throw error;
              }
              log().error({ event: 'limits_store_error', err: error }, 'limits_store_error');
              throw storeUnavailable();
            },
          );
          request.admissionWatch?.settle();
        },
        admitWaits: tool.transactional && admissionWaits(tool, deps.limits),
      },
      { store: deps.store.idempotency, settings: deps.idempotency, log },
    );
    call.idempotency = run.outcome;
    costCommitted = run.committed;
    const result = notice ? withDeprecationNotice(run.result, notice) : run.result;
    call.result = result;
    call.status = result.isError ? 'error' : notice ? 'deprecated' : 'ok';
    call.errorCode = result.isError ? (readToolError(result)?.code ?? null) : null;
    return result;
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    const failure = error instanceof ToolError ? error : isStoreUnavailable(error) ? storeUnavailable() : internalError(call.callId);
    if (!(error instanceof ToolError)) log().error({ event: 'pipeline_error', tool_name: call.toolName, err: error }, 'pipeline_error');
    call.errorCode = failure.code;
    call.result = toolErrorResult(failure);
    return call.result;
  } finally {
    request.admissionWatch?.settle();
    call.costs = cost.totals();
    if (entry && principal && !costCommitted) {
      await recordCost(deps, log, costRecord(call.idempotency === 'replayed' ? 'replayed' : call.status === 'error' ? 'error' : 'ok'));
    }
    // The parent logger: the line carries call_id itself, and a child's binding would repeat it.
    deps.telemetry.recordCall(call.finish(deps.logger));
  }
}

async function recordCost(deps: Pick<PipelineDeps, 'store'>, log: () => Logger, record: CostRecord): Promise<void> {
  await deps.store.costs.record(record).catch((error: unknown) => log().error({ event: 'cost_record_failed', err: error }, 'cost_record_failed'));
}

/** Argument validation; a failure that an earlier major would have accepted is a stale definition. */
function validateAgainstCurrentOrStale(entry: RegisteredTool, params: { arguments: Record<string, unknown>; toolVersion: string | undefined }): unknown {
  try {
    return validateArguments(entry, params.arguments);
  } catch (error) {
    const stale = error instanceof ToolError && params.toolVersion === undefined ? staleDefinitionError(entry, params.arguments) : undefined;
    throw stale ?? error;
  }
}

/**
 * Accounts for a call refused before it reached the pipeline (the HTTP gate): its one log line
 * and, when the caller and the tool are known, its place in the cost roll-up as an error, so
 * that the store and the logs count the same calls.
 */
export async function recordRefusedCall(
  deps: Pick<PipelineDeps, 'logger' | 'store' | 'clock' | 'telemetry' | 'onCallStart'>,
  refusal: { toolName: string; entry: RegisteredTool | undefined; principal: Principal | undefined; errorCode: string; arguments: unknown },
): Promise<void> {
  const call = new CallRecord();
  deps.onCallStart?.(call.callId);
  call.toolName = refusal.toolName;
  call.tool = refusal.entry?.tool;
  call.principalId = refusal.principal?.id ?? null;
  call.input = refusal.arguments;
  call.errorCode = refusal.errorCode;
  if (refusal.entry && refusal.principal) {
    const tool = refusal.entry.tool;
    const record: CostRecord = {
      callId: call.callId,
      at: deps.clock.now().getTime(),
      tool: tool.name,
      toolVersion: tool.version,
      principalId: refusal.principal.id,
      outcome: 'error',
      items: [],
      errorCode: refusal.errorCode,
      latencyMs: call.elapsedMs(),
    };
    await recordCost(deps, () => deps.logger.child({ call_id: call.callId }), record);
  }
  deps.telemetry.recordCall(call.finish(deps.logger));
}

/**
 * Runs the handler and turns whatever happens into a result: the value (validated against the
 * output schema), a handler's ToolError, or internal_error for a crash. Crashes become results
 * rather than exceptions so that the idempotency stage stores and replays them too: the handler
 * may have had side effects before it failed.
 */
async function execute({ tool, outputSchema }: RegisteredTool, args: unknown, ctx: ToolContext, cancellation: Cancellation): Promise<CallToolResult> {
  try {
    const output = takeReturnedCost(await untilCancelled(tool.handler(args as Record<string, unknown>, ctx), cancellation), ctx.cost);
    if (outputSchema) {
      return structuredResult(validateOutput(tool, output) as Record<string, unknown>);
    }
    return { content: [{ type: 'text', text: typeof output === 'string' ? output : JSON.stringify(output) }] };
  } catch (error) {
    if (error instanceof ToolError) return toolErrorResult(error);
    if (isStoreUnavailable(error)) {
      ctx.log.error({ event: 'store_unavailable', err: error }, 'store_unavailable');
      return toolErrorResult(storeUnavailable());
    }
    const reason = error instanceof OutputSchemaViolation ? 'output_schema_violation' : 'handler_threw';
    ctx.log.error({ event: reason, err: error }, reason);
    return toolErrorResult(internalError(ctx.callId));
  }
}

/**
 * The handler's promise, or a cancellation as soon as the call is cancelled: a handler that
 * ignores its signal must not keep the call (and its log line) open past a shutdown deadline.
 */
function untilCancelled<T>(work: Promise<T>, cancellation: Cancellation): Promise<T> {
  if (cancellation.cancelled) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const stop = cancellation.onCancel(() => reject(cancelled()));
    work.then(resolve, reject).finally(stop);
  });
}

/** A key for the handler's own downstream calls: stable across retries, private to this caller. */
function downstreamKey(principalId: string, tool: string, key: string): string {
  return `mcpp-${keyHash(`${principalId}\u0000${tool}\u0000${key}`)}`;
}

function withDeprecationNotice(result: CallToolResult, notice: DeprecationNotice): CallToolResult {
  return { ...result, _meta: { ...result._meta, [META.deprecation]: notice } };
}
