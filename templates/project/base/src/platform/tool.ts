import type { z } from 'zod/v4';
import type { Span } from '@opentelemetry/api';
import type { Principal } from './auth.js';
import type { CostMeter } from './cost.js';
import type { Logger } from './logger.js';
import type { RateRule, Store, StoreTransaction } from '../store/types.js';
import { usdToNano } from './cost.js';
import { parseDeprecation, type Deprecation, type DeprecationNotice } from './deprecation.js';
import { budgetFromUsd, parseRate } from './limits.js';
import { SCOPE } from './scopes.js';
import { parseSemver } from './semver.js';

export type Idempotency = 'required' | 'optional' | 'none';
export type JsonObject = { [key: string]: unknown };

/** Everything a handler may use. The pipeline builds one per call. */
export interface ToolContext {
  readonly callId: string;
  readonly principal: Principal;
  readonly store: Store;
  /** A child logger already bound to this call's call_id and tool. */
  readonly log: Logger;
  /** Report what this call spent (pattern 6); it lands on the call's log line. */
  readonly cost: CostMeter;
  /**
   * This call's OpenTelemetry span (`tools/call <name>`): add attributes or events to it. A no-op
   * span when telemetry is off; spans of your own started inside the handler become its children.
   */
  readonly span: Span;
  readonly now: () => Date;
  readonly signal: AbortSignal;
  /**
   * Derived from the caller's idempotency key (when one was sent): pass it as the idempotency
   * key of downstream APIs so that a retried call cannot repeat their side effects either.
   */
  readonly idempotencyKey: string | undefined;
  /**
   * For tools declared `transactional: true`: a transaction on the store. What the handler writes
   * through it commits together with the call's idempotency record and cost record, or not at
   * all, so a retry after a crash runs the handler again only when nothing was committed.
   */
  readonly tx: StoreTransaction;
}

/** With an output schema a handler returns the structured value; without one, text or any JSON object. */
export type ToolOutput<O> = O extends z.ZodObject ? z.input<O> : string | JsonObject;

export interface ToolDefinition<I extends z.ZodObject, O extends z.ZodObject | undefined> {
  /** 1-128 characters of A-Z a-z 0-9 _ - . (the MCP tool-name rules). */
  name: string;
  /** Semantic version of the tool's contract; a breaking change needs a new major. */
  version: string;
  title?: string;
  description: string;
  /** Every scope listed is required (pattern 1). */
  scopes: readonly string[];
  readOnly: boolean;
  /** Deletes or overwrites data; published as the destructiveHint annotation. */
  destructive?: boolean;
  /** Defaults to 'required' for mutating tools and 'none' for read-only ones. */
  idempotency?: Idempotency;
  /**
   * The handler's effects are only its writes through ctx.tx (no email sent, no API charged):
   * they commit atomically with the idempotency record, and a call that died mid-way may run again.
   */
  transactional?: boolean;
  deprecated?: Deprecation;
  /** Calls per principal, e.g. '10/min'; overrides MCP_PROD_RATE_LIMIT. false: no limit for this tool. */
  rateLimit?: string | false;
  /** A daily budget (USD) per principal for this tool alone, beside MCP_PROD_DAILY_BUDGET_USD for all tools. */
  dailyBudgetUsd?: number;
  /** The most one call may spend (USD): budgets hold this much while the call runs. */
  maxCostUsd?: number;
  input: I;
  output?: O;
  handler(input: z.output<I>, ctx: ToolContext): Promise<ToolOutput<O>>;
}

/** A validated, normalised tool as the registry and the pipeline see it. */
export interface Tool<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject | undefined = z.ZodObject | undefined> {
  readonly name: string;
  readonly version: string;
  readonly title: string | undefined;
  readonly description: string;
  readonly scopes: readonly string[];
  readonly readOnly: boolean;
  readonly destructive: boolean;
  readonly idempotency: Idempotency;
  readonly transactional: boolean;
  readonly deprecated: DeprecationNotice | undefined;
  /** undefined: the configured default; false: none. */
  readonly rateLimit: RateRule | false | undefined;
  readonly dailyBudgetNanoUsd: bigint | undefined;
  readonly maxCostNanoUsd: bigint | undefined;
  readonly input: I;
  readonly output: O | undefined;
  handler(input: z.output<I>, ctx: ToolContext): Promise<ToolOutput<O>>;
}

export type AnyTool = Tool<z.ZodObject, z.ZodObject | undefined>;

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Declares a tool together with its contract metadata. Invalid metadata throws at import time,
 * so a broken tool stops the server at start-up instead of failing on the first call.
 */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject | undefined = undefined>(definition: ToolDefinition<I, O>): Tool<I, O> {
  const where = `defineTool(${JSON.stringify(definition.name)})`;
  if (!TOOL_NAME.test(definition.name)) {
    throw new Error(`${where}: the name must be 1-128 characters of A-Z a-z 0-9 _ - .`);
  }
  if (!parseSemver(definition.version)) {
    throw new Error(`${where}: version "${definition.version}" is not a semantic version such as 1.0.0`);
  }
  if (definition.description.trim() === '') throw new Error(`${where}: the description is empty`);
  for (const scope of definition.scopes) {
    if (!SCOPE.test(scope)) throw new Error(`${where}: scope "${scope}" is malformed; use resource:tier, e.g. notes:read`);
  }
  if (definition.readOnly && definition.destructive) throw new Error(`${where}: a read-only tool cannot be destructive`);
  if (definition.readOnly && definition.transactional) throw new Error(`${where}: a read-only tool writes nothing, so it cannot be transactional`);
  const limit = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
  };
  return Object.freeze({
    name: definition.name,
    version: definition.version,
    title: definition.title,
    description: definition.description,
    scopes: Object.freeze([...definition.scopes]),
    readOnly: definition.readOnly,
    destructive: definition.destructive ?? false,
    idempotency: definition.idempotency ?? (definition.readOnly ? 'none' : 'required'),
    transactional: definition.transactional ?? false,
    deprecated: definition.deprecated ? parseDeprecation(definition.deprecated, where) : undefined,
    rateLimit: typeof definition.rateLimit === 'string' ? limit(() => parseRate(definition.rateLimit as string)) : definition.rateLimit,
    dailyBudgetNanoUsd: definition.dailyBudgetUsd === undefined ? undefined : limit(() => budgetFromUsd(definition.dailyBudgetUsd!, 'dailyBudgetUsd')),
    maxCostNanoUsd: definition.maxCostUsd === undefined ? undefined : limit(() => usdToNano(definition.maxCostUsd!, 'maxCostUsd')),
    input: definition.input,
    output: definition.output,
    handler: definition.handler,
  });
}
