/**
 * Rate limits and spend budgets, per principal.
 *
 * A rate limit (MCP_PROD_RATE_LIMIT for every tool, `rateLimit` on a tool to override it) caps
 * the calls one principal makes to one tool: a burst of up to N, then one every window / N.
 * A budget (MCP_PROD_DAILY_BUDGET_USD over all tools, `dailyBudgetUsd` on a tool for that tool)
 * caps what one principal spends per UTC day. It is checked against the cost roll-up plus what
 * running calls hold: a call holds its tool's `maxCostUsd` until its cost record is written, so
 * N concurrent calls can never start more work than the budget has room for.
 *
 * This stage runs after idempotency, so a replay is neither counted nor charged, and before the
 * handler. The counters and holds live in the store (rate counters in Redis when configured),
 * so every instance enforces the same limits.
 */
import { nanoToUsd, usdToNano } from './cost.js';
import { ErrorCode, ToolError } from './errors.js';
import type { AnyTool } from './tool.js';
import type { BudgetLimit, BudgetRepository, BudgetStanding, RateCounter, RateRule } from '../store/types.js';

const UNITS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
};
const RATE = /^\s*(\d+)\s*\/\s*(\d*)\s*([a-z]+?)s?\s*$/i;

/** "60/min", "10/s", "1000/hour", "5/10s": calls per window. Throws a message that says what is accepted. */
export function parseRate(spec: string): RateRule {
  const match = RATE.exec(spec);
  const unit = match && UNITS[match[3]!.toLowerCase()];
  const limit = match ? Number(match[1]) : 0;
  const count = match?.[2] ? Number(match[2]) : 1;
  if (!match || !unit || limit < 1 || count < 1 || !Number.isSafeInteger(limit)) {
    throw new Error(`"${spec}" is not a rate; write calls per window, e.g. 60/min, 10/s, 1000/hour, 5000/day or 5/10s`);
  }
  return { limit, windowMs: unit * count };
}

const NAMED_WINDOWS: [string, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
];

/** The rate as configured: 60/min, 5/10s. */
export function describeRate(rule: RateRule): string {
  for (const [unit, ms] of NAMED_WINDOWS) {
    if (rule.windowMs % ms === 0) return `${rule.limit}/${rule.windowMs === ms ? '' : rule.windowMs / ms}${unit}`;
  }
  return `${rule.limit}/${rule.windowMs}ms`;
}

export interface LimitSettings {
  /** The default rate for every tool; undefined: no limit unless a tool sets one. */
  rate: RateRule | undefined;
  /** Per principal and UTC day over all tools; undefined: no budget. */
  dailyBudgetNanoUsd: bigint | undefined;
  /** How long a hold counts when its call never records a cost (it died). */
  holdMs: number;
}

/** What one tool's calls are limited by, as `tools/list` shows it and the pipeline enforces it. */
export interface ToolLimits {
  rate: RateRule | undefined;
  budgets: BudgetLimit[];
  /** Held against the budgets while a call runs. */
  holdNanoUsd: bigint;
}

export function limitsOf(tool: AnyTool, settings: LimitSettings): ToolLimits {
  const rate = tool.rateLimit === false ? undefined : (tool.rateLimit ?? settings.rate);
  const budgets: BudgetLimit[] = [];
  if (settings.dailyBudgetNanoUsd !== undefined) budgets.push({ nanoUsd: settings.dailyBudgetNanoUsd });
  if (tool.dailyBudgetNanoUsd !== undefined) budgets.push({ nanoUsd: tool.dailyBudgetNanoUsd, tool: tool.name });
  return { rate, budgets, holdNanoUsd: tool.maxCostNanoUsd ?? 0n };
}

/** The limits a client sees in a tool's `_meta` (amounts in USD). */
export function advertisedLimits(limits: ToolLimits): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (limits.rate) out.rateLimit = { limit: limits.rate.limit, windowSeconds: limits.rate.windowMs / 1000 };
  const all = limits.budgets.find((b) => !b.tool);
  const own = limits.budgets.find((b) => b.tool);
  if (all) out.dailyBudgetUsd = nanoToUsd(all.nanoUsd);
  if (own) out.toolDailyBudgetUsd = nanoToUsd(own.nanoUsd);
  if (limits.holdNanoUsd > 0n && limits.budgets.length > 0) out.maxCostUsd = nanoToUsd(limits.holdNanoUsd);
  return Object.keys(out).length > 0 ? out : undefined;
}

export interface Admission {
  rateRemaining: number | undefined;
  /** The tightest budget after this call's hold: its limit and what is left of it. */
  budget: { limitNanoUsd: bigint; remainingNanoUsd: bigint } | undefined;
}

export interface AdmitDeps {
  rates: RateCounter;
  budgets: BudgetRepository;
  settings: LimitSettings;
}

/** Whether admitting a call of `tool` waits on a store or on Redis: it does whenever a rate or a budget applies. */
export function admissionWaits(tool: AnyTool, settings: LimitSettings): boolean {
  const limits = limitsOf(tool, settings);
  return limits.rate !== undefined || limits.budgets.length > 0;
}

const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);
const nextUtcMidnight = (at: number) => Date.parse(`${utcDay(at)}T00:00:00.000Z`) + 86_400_000;

/** Counts the call against its rate and holds its share of the budgets, or refuses it. */
export async function admitCall(deps: AdmitDeps, call: { tool: AnyTool; principalId: string; callId: string; now: number }): Promise<Admission> {
  const limits = limitsOf(call.tool, deps.settings);
  let rateRemaining: number | undefined;
  if (limits.rate) {
    const decision = await deps.rates.take(JSON.stringify([call.principalId, call.tool.name]), limits.rate, call.now);
    if (!decision.allowed) {
      throw new ToolError(
        ErrorCode.rateLimited,
        `Rate limit for ${call.tool.name} reached (${describeRate(limits.rate)} per caller). Retry after ${Math.ceil(decision.retryAfterMs / 1000)} s.`,
        {
          retryable: true,
          details: { retryAfterMs: decision.retryAfterMs, limit: limits.rate.limit, windowSeconds: limits.rate.windowMs / 1000 },
        },
      );
    }
    rateRemaining = decision.remaining;
  }
  if (limits.budgets.length === 0) return { rateRemaining, budget: undefined };
  const day = utcDay(call.now);
  const decision = await deps.budgets.hold(
    { callId: call.callId, principalId: call.principalId, tool: call.tool.name, day, nanoUsd: limits.holdNanoUsd, expiresAt: call.now + deps.settings.holdMs },
    limits.budgets,
    call.now,
  );
  if (!decision.admitted) {
    const { limit, committedNanoUsd } = decision.refusedBy;
    const scope = limit.tool ? `for ${limit.tool} ` : '';
    throw new ToolError(
      ErrorCode.budgetExceeded,
      `The daily budget ${scope}of $${nanoToUsd(limit.nanoUsd)} has no room for this call ($${nanoToUsd(committedNanoUsd)} spent or held today). It resets at 00:00 UTC.`,
      {
        details: {
          budgetUsd: nanoToUsd(limit.nanoUsd),
          spentUsd: nanoToUsd(committedNanoUsd),
          ...(limit.tool ? { tool: limit.tool } : {}),
          resetsAt: new Date(nextUtcMidnight(call.now)).toISOString(),
        },
      },
    );
  }
  return { rateRemaining, budget: tightest(decision.standings) };
}

function tightest(standings: BudgetStanding[]): Admission['budget'] {
  let best: Admission['budget'];
  for (const { limit, committedNanoUsd } of standings) {
    const remaining = limit.nanoUsd - committedNanoUsd;
    if (!best || remaining < best.remainingNanoUsd) best = { limitNanoUsd: limit.nanoUsd, remainingNanoUsd: remaining };
  }
  return best;
}

/**
 * Tells whoever serves the call whether it got past its rate limit, as soon as that is known
 * and before the handler runs: the HTTP layer answers a refused call with 429 and Retry-After
 * instead of the result the SDK would send. Settles once; a call that ends before the limits
 * stage settles it as admitted.
 */
export class AdmissionWatch {
  readonly decided: Promise<ToolError | undefined>;
  #settle!: (refusal: ToolError | undefined) => void;

  constructor() {
    this.decided = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  settle(refusal?: ToolError): void {
    this.#settle(refusal?.code === ErrorCode.rateLimited ? refusal : undefined);
  }
}

/** The watch the HTTP layer put beside a verified caller's identity, if any. */
export function admissionWatchOf(authInfo: { extra?: Record<string, unknown> } | undefined): AdmissionWatch | undefined {
  const watch = authInfo?.extra?.admissionWatch;
  return watch instanceof AdmissionWatch ? watch : undefined;
}

/** Parses a USD amount from configuration or a tool definition into nano-USD. */
export function budgetFromUsd(usd: number, where: string): bigint {
  if (!Number.isFinite(usd) || usd <= 0) throw new Error(`${where}: a budget must be a positive amount of USD, e.g. 25 or 2.50`);
  return usdToNano(usd, where);
}
