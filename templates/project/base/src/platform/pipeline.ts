/**
 * The tool-call pipeline: every `tools/call` runs through these stages in this order.
 *
 *   1. boundary check of the raw request            (pattern 7, drift is logged)
 *   2. tool lookup                                  (pattern 2)
 *   3. principal and scope check                    (pattern 1)
 *   4. version check                                (pattern 2)
 *   5. deprecation phase                            (pattern 5)
 *   6. argument validation                          (pattern 7)
 *   7. idempotency                                  (pattern 3)
 *   8. the handler, with ctx.cost                   (pattern 6)
 *   9. output validation                            (pattern 7)
 *  10. one log line, always                         (pattern 4)
 */
import { randomUUID } from 'node:crypto';
import { ProtocolError, ProtocolErrorCode, type CallToolResult } from '@modelcontextprotocol/server';
import { checkScopes, type Authenticate, type CallerInfo, type Principal } from './auth.js';
import { checkCallParams, META, OutputSchemaViolation, validateArguments, validateOutput } from './boundary.js';
import { redactInput, summarizeOutput, writeCallLine, type CallStatus } from './call-log.js';
import type { Clock } from './clock.js';
import { createCostMeter, nanoToUsd } from './cost.js';
import { checkDeprecation, type DeprecationNotice } from './deprecation.js';
import { internalError, ToolError, toolErrorResult } from './errors.js';
import { runIdempotent } from './idempotency.js';
import type { Logger } from './logger.js';
import { checkToolVersion, type RegisteredTool, type Registry } from './registry.js';
import type { ToolContext } from './tool.js';
import type { Store } from '../store/types.js';

export interface PipelineDeps {
  registry: Registry;
  store: Store;
  logger: Logger;
  clock: Clock;
  authenticate: Authenticate;
}

export interface CallRequest {
  /** The raw `tools/call` params exactly as received. */
  params: unknown;
  caller: CallerInfo;
  signal: AbortSignal;
}

export async function handleToolCall(deps: PipelineDeps, request: CallRequest): Promise<CallToolResult> {
  const callId = randomUUID();
  const started = performance.now();
  const cost = createCostMeter();
  const log = deps.logger.child({ call_id: callId });
  let entry: RegisteredTool | undefined;
  let principal: Principal | undefined;
  let toolName = 'unknown';
  let input: unknown = null;
  let result: CallToolResult | undefined;
  let status: CallStatus = 'error';
  let errorCode: string | null = null;

  try {
    const params = checkCallParams(request.params, (drift) =>
      log.warn({ event: 'schema_drift', ...drift, method: 'tools/call' }, 'schema_drift'),
    );
    toolName = params.name;
    input = redactInput(params.arguments);

    const found = deps.registry.get(params.name);
    if (!found) {
      errorCode = 'unknown_tool';
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${params.name}`, { code: 'unknown_tool' });
    }
    entry = found;
    const tool = found.tool;

    const caller = await deps.authenticate(request.caller);
    principal = caller;
    checkScopes(caller, tool);
    checkToolVersion(found, params.toolVersion);
    const notice = checkDeprecation(tool, deps.clock.now());
    const args = validateArguments(tool, params.arguments);

    const ctx: ToolContext = {
      callId,
      principal: caller,
      store: deps.store,
      log: log.child({ tool_name: tool.name }),
      cost,
      now: () => deps.clock.now(),
      signal: request.signal,
    };
    result = await runIdempotent({
      tool,
      principalId: caller.id,
      arguments: params.arguments,
      execute: () => execute(found, args, ctx),
    });
    if (notice) result = withDeprecationNotice(result, notice);
    status = result.isError ? 'error' : notice ? 'deprecated' : 'ok';
    errorCode = result.isError ? errorCodeOf(result) : null;
    return result;
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    const failure = error instanceof ToolError ? error : internalError(callId);
    if (!(error instanceof ToolError)) {
      const reason = error instanceof OutputSchemaViolation ? 'output_schema_violation' : 'handler_threw';
      log.error({ event: reason, tool_name: toolName, err: error }, reason);
    }
    errorCode = failure.code;
    result = toolErrorResult(failure);
    return result;
  } finally {
    const totals = cost.totals();
    writeCallLine(log, {
      call_id: callId,
      tool_name: toolName,
      tool_version: entry?.tool.version ?? null,
      scopes_required: entry ? [...entry.tool.scopes] : [],
      user_id: principal?.id ?? null,
      input,
      output_summary: result ? summarizeOutput(result) : null,
      latency_ms: Math.round((performance.now() - started) * 1000) / 1000,
      llm_cost_usd: nanoToUsd(totals.llmNanoUsd),
      external_cost_usd: nanoToUsd(totals.externalNanoUsd),
      status,
      error_code: errorCode,
    });
  }
}

/** Runs the handler and turns its return value into a validated CallToolResult. */
async function execute({ tool, outputSchema }: RegisteredTool, args: unknown, ctx: ToolContext): Promise<CallToolResult> {
  try {
    const output = await tool.handler(args as Record<string, unknown>, ctx);
    if (outputSchema) {
      const structured = validateOutput(tool, output) as Record<string, unknown>;
      return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
    }
    return { content: [{ type: 'text', text: typeof output === 'string' ? output : JSON.stringify(output) }] };
  } catch (error) {
    // A ToolError from the handler is a business outcome, reported (and later stored) as a result.
    if (error instanceof ToolError) return toolErrorResult(error);
    throw error;
  }
}

function withDeprecationNotice(result: CallToolResult, notice: DeprecationNotice): CallToolResult {
  return { ...result, _meta: { ...result._meta, [META.deprecation]: notice } };
}

function errorCodeOf(result: CallToolResult): string | null {
  const error = (result.structuredContent as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' ? error.code : null;
}
