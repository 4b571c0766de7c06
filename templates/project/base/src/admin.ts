/**
 * Operations on this project's store for the `mcp-prod` CLI (`npx mcp-prod token ...`,
 * `npx mcp-prod costs`). The CLI
 * loads this file from source, so token handling stays in code the project owns, and every
 * operation acts on the store the configuration (MCP_PROD_STORE, MCP_PROD_DB) points at.
 */
import { DEFAULT_TOKEN_CACHE_MS, loadConfig, loadDotEnv } from './config.js';
import { nanoToUsd } from './platform/cost.js';
import { describeRate, limitsOf } from './platform/limits.js';
import { SCOPE } from './platform/scopes.js';
import { hashToken, hasValidFormat, issueToken, parseDuration, rotateToken, TokenError } from './platform/tokens.js';
import { noBus, openRedisBus, TOKEN_CHANNEL } from './store/bus.js';
import { openStore } from './store/index.js';
import { LATENCY_BOUNDS_MS } from './store/cost-rollup.js';
import type { BudgetLimit, CostDailyRow, TokenRecord } from './store/types.js';
import { tools as registeredTools } from './tools/index.js';

/** A mistake in what the operator asked for; the CLI prints its message and exits 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface TokenView extends TokenRecord {
  status: 'active' | 'expired' | 'revoked';
}

const view = (record: TokenRecord, now: Date): TokenView => ({
  ...record,
  status: record.revokedAt ? 'revoked' : Date.parse(record.expiresAt) <= now.getTime() ? 'expired' : 'active',
});

/** Runs `work`, turning the token module's refusals into usage errors for the CLI. */
async function asUsage<T>(work: () => Promise<T> | T, flag?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TokenError) throw new UsageError(flag ? `${flag}: ${error.message}` : error.message);
    throw error;
  }
}

export function openAdmin(env: NodeJS.ProcessEnv = process.env) {
  if (env === process.env) loadDotEnv();
  const config = loadConfig(env);
  if (config.store === 'memory')
    throw new UsageError('MCP_PROD_STORE=memory keeps nothing between processes; token and cost commands need the SQLite or the PostgreSQL store.');
  const store = openStore(config, { onWarning: (event, details) => process.stderr.write(`warning: ${event} ${JSON.stringify(details)}\n`) });
  let busWarning: string | undefined;
  const bus = config.redisUrl ? openRedisBus(config.redisUrl, (error) => (busWarning = error.message)) : noBus;
  /** Tells every running instance to forget what it cached about this token. */
  const announce = async (tokenId: string): Promise<string | undefined> => {
    if (!bus.enabled) return undefined;
    try {
      await Promise.race([
        bus.publish(TOKEN_CHANNEL, { tokenId }),
        new Promise((_, reject) => setTimeout(() => reject(new Error(busWarning ?? 'timed out')), 3000)),
      ]);
      return undefined;
    } catch (error) {
      return `could not tell running instances through Redis (${(error as Error).message}); they notice within MCP_PROD_TOKEN_CACHE_SECONDS (${(config.tokenCacheMs ?? DEFAULT_TOKEN_CACHE_MS) / 1000}s)`;
    }
  };
  const now = () => new Date();
  return {
    dbPath: config.dbPath,
    tokens: {
      async issue(options: { scopes: string[]; expires?: string; name?: string; principal?: string }) {
        if (options.scopes.length === 0) throw new UsageError('--scopes: give at least one scope, e.g. --scopes notes:read,notes:write');
        const bad = options.scopes.filter((scope) => !SCOPE.test(scope));
        if (bad.length > 0)
          throw new UsageError(`--scopes: malformed scope ${bad.map((s) => JSON.stringify(s)).join(', ')}; use resource:tier, e.g. notes:read`);
        const principal = options.principal ?? options.name ?? 'default';
        const ttlMs = await asUsage(() => parseDuration(options.expires ?? '90d'), '--expires');
        const issued = await asUsage(() =>
          issueToken(store.tokens, { principal, scopes: options.scopes, ...(options.name ? { name: options.name } : {}), ttlMs, now: now() }),
        );
        return { token: issued.token, record: view(issued.record, now()) };
      },
      async list(): Promise<TokenView[]> {
        return (await store.tokens.list()).map((record) => view(record, now()));
      },
      /** The token a bearer presented, as stored (by its hash), or null: for `mcp-prod dashboard` beyond loopback. */
      async verify(token: string): Promise<TokenView | null> {
        if (!hasValidFormat(token)) return null;
        const record = await store.tokens.findByHash(hashToken(token));
        return record ? view(record, now()) : null;
      },
      async revoke(id: string): Promise<TokenView> {
        const record = await store.tokens.get(id);
        if (!record) throw new UsageError(`No token with id ${id}; \`mcp-prod token list\` shows the ids.`);
        if (record.revokedAt) throw new UsageError(`Token ${id} was already revoked at ${record.revokedAt}.`);
        await store.tokens.revoke(id, now().toISOString());
        warn(await announce(id));
        return view((await store.tokens.get(id))!, now());
      },
      async rotate(id: string, options: { grace?: string } = {}) {
        const graceMs = await asUsage(() => parseDuration(options.grace ?? '1d'), '--grace');
        const rotated = await asUsage(() => rotateToken(store.tokens, id, graceMs, now()));
        warn(await announce(id));
        return { token: rotated.token, record: view(rotated.record, now()), previous: view(rotated.previous, now()) };
      },
    },
    costs: {
      /** The daily roll-up (UTC day x tool x user) from `sinceDay` (YYYY-MM-DD) on. */
      daily: (sinceDay: string): Promise<CostDailyRow[]> => store.costs.daily(sinceDay),
    },
    /** Upper bounds of the roll-up's latency buckets (`latencyCounts` has one more, for the rest). */
    latencyBoundsMs: [...LATENCY_BOUNDS_MS],
    budgets: {
      /** The rate limits and budgets in force, as configured and as each tool overrides them. */
      settings() {
        const usd = (nano: bigint | undefined) => (nano === undefined ? null : nanoToUsd(nano));
        return {
          dailyBudgetUsd: usd(config.limits.dailyBudgetNanoUsd),
          rateLimit: config.limits.rate ? describeRate(config.limits.rate) : null,
          tools: Object.fromEntries(
            registeredTools.map((tool) => {
              const limits = limitsOf(tool, config.limits);
              return [
                tool.name,
                {
                  rateLimit: limits.rate ? describeRate(limits.rate) : null,
                  dailyBudgetUsd: usd(tool.dailyBudgetNanoUsd),
                  maxCostUsd: usd(tool.maxCostNanoUsd),
                },
              ];
            }),
          ),
        };
      },
      /** Every budget of every principal that called a tool on `day`: its limit, what is spent or held, what is left. */
      async standing(day: string) {
        const rows = (await store.costs.daily(day)).filter((row) => row.day === day);
        const standings = [];
        for (const principalId of [...new Set(rows.map((row) => row.principalId))].sort()) {
          const used = new Set(rows.filter((row) => row.principalId === principalId).map((row) => row.tool));
          const limits: BudgetLimit[] = [
            ...(config.limits.dailyBudgetNanoUsd === undefined ? [] : [{ nanoUsd: config.limits.dailyBudgetNanoUsd }]),
            ...registeredTools
              .filter((tool) => tool.dailyBudgetNanoUsd !== undefined && used.has(tool.name))
              .map((tool) => ({ nanoUsd: tool.dailyBudgetNanoUsd!, tool: tool.name })),
          ];
          for (const { limit, committedNanoUsd } of await store.budgets.standing(principalId, day, limits, now().getTime())) {
            standings.push({
              principalId,
              tool: limit.tool ?? null,
              budgetUsd: nanoToUsd(limit.nanoUsd),
              committedUsd: nanoToUsd(committedNanoUsd),
              remainingUsd: nanoToUsd(limit.nanoUsd - committedNanoUsd),
            });
          }
        }
        return standings;
      },
    },
    async close() {
      await bus.close();
      await store.close();
    },
  };
}

function warn(message: string | undefined): void {
  if (message) process.stderr.write(`warning: ${message}\n`);
}
