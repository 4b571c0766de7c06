import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod/v4';
import type { IdempotencySettings } from './platform/idempotency.js';
import type { JwtSettings } from './platform/jwt.js';
import { budgetFromUsd, parseRate, type LimitSettings } from './platform/limits.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** How long verified tokens are kept when MCP_PROD_TOKEN_CACHE_SECONDS is unset, where revocations are reported. */
export const DEFAULT_TOKEN_CACHE_MS = 30_000;
const csv = (value: string | undefined) =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** A whole number from an environment variable; every refusal names the allowed range. */
const wholeNumber = (min: number, max: number, unit: string) => {
  const message = `must be a whole number of ${unit} from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
};

const schema = z
  .object({
    /** sqlite: one file, one machine; postgres: shared by every instance (DATABASE_URL); memory: nothing persists. */
    MCP_PROD_STORE: z.enum(['sqlite', 'postgres', 'memory']).default('sqlite'),
    MCP_PROD_DB: z.string().min(1).default('./data/mcp.db'),
    DATABASE_URL: z.string().optional(),
    /** The PostgreSQL schema that holds this server's tables (default: public). */
    MCP_PROD_PG_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .optional(),
    MCP_PROD_PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    /** Redis, optional: tells every instance at once when a token is revoked. */
    REDIS_URL: z.string().optional(),
    /** How long an instance trusts a token it verified (default 30 with REDIS_URL, else 0: every request asks the store). */
    MCP_PROD_TOKEN_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    /** The tool contract lockfile; its history lets schema_mismatch show a caller's older schema. */
    MCP_PROD_LOCKFILE: z.string().optional(),
    /** `tokens`: mcpp_ tokens issued with `mcp-prod token issue`; `jwt`: access tokens from an OAuth server. */
    MCP_PROD_AUTH: z.enum(['tokens', 'jwt']).default('tokens'),
    /** The caller's token when serving over stdio. */
    MCP_PROD_TOKEN: z.string().optional(),
    /** On SIGTERM/SIGINT (or end of input on stdio): how long calls in flight may take to finish before they are cut off. */
    MCP_PROD_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(25),
    /** The longest stdio message accepted; a longer one is answered with an error and skipped. */
    MCP_PROD_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).max(1_073_741_824).default(4_194_304),
    /** `permitted`: tools/list shows a caller only the tools it may call; `all`: every tool. */
    MCP_PROD_LIST_TOOLS: z.enum(['permitted', 'all']).default('permitted'),
    // The ranges keep every lease far shorter than the retention: a record purged while its call
    // still runs would let a retry run the call a second time.
    /** How long a key's result is replayed: at least a day of client retries, at most 90 days. */
    MCP_PROD_IDEMPOTENCY_RETENTION_HOURS: wholeNumber(24, 2160, 'hours').default(24),
    /** How long a call may run before a duplicate may take its record over: 1 s to an hour. */
    MCP_PROD_IDEMPOTENCY_LEASE_SECONDS: wholeNumber(1, 3600, 'seconds').default(300),
    /** Calls per principal and tool, e.g. 60/min (a tool's `rateLimit` overrides it); unset: no limit. */
    MCP_PROD_RATE_LIMIT: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value.trim() === '' || value.trim() === 'off') return undefined;
        try {
          return parseRate(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** USD one principal may spend per UTC day over all tools, e.g. 25; unset: no budget. */
    MCP_PROD_DAILY_BUDGET_USD: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value.trim() === '') return undefined;
        try {
          return budgetFromUsd(Number(value), 'must be');
        } catch {
          ctx.addIssue({ code: 'custom', message: `must be a positive amount of USD such as 25 or 2.50 (got "${value}")` });
          return z.NEVER;
        }
      }),
    MCP_PROD_JWT_ISSUER: z.string().optional(),
    MCP_PROD_JWT_AUDIENCE: z.string().optional(),
    MCP_PROD_JWT_ALGORITHMS: z.string().default('RS256,ES256,EdDSA'),
    MCP_PROD_JWT_CLOCK_TOLERANCE: z.coerce.number().int().min(0).max(300).default(30),
    MCP_PROD_JWT_JWKS_URL: z.url().optional(),
    MCP_PROD_JWT_JWKS_FILE: z.string().optional(),
    /** Authorization servers named in the protected-resource metadata; default: the issuer. */
    MCP_PROD_AUTHORIZATION_SERVERS: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.MCP_PROD_STORE === 'postgres' && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required when MCP_PROD_STORE=postgres, e.g. postgres://user:password@host:5432/db' });
    }
    if (env.MCP_PROD_AUTH !== 'jwt') return;
    for (const name of ['MCP_PROD_JWT_ISSUER', 'MCP_PROD_JWT_AUDIENCE'] as const) {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when MCP_PROD_AUTH=jwt' });
    }
    if (!env.MCP_PROD_JWT_JWKS_URL === !env.MCP_PROD_JWT_JWKS_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['MCP_PROD_JWT_JWKS_URL'],
        message: 'set exactly one of MCP_PROD_JWT_JWKS_URL and MCP_PROD_JWT_JWKS_FILE when MCP_PROD_AUTH=jwt',
      });
    }
  });

export type AuthConfig = { mode: 'tokens' } | { mode: 'jwt'; jwt: JwtSettings; authorizationServers: string[] };

export interface Config {
  store: 'sqlite' | 'postgres' | 'memory';
  dbPath: string;
  postgres: { connectionString: string; schema: string | undefined; max: number } | undefined;
  redisUrl: string | undefined;
  /** Unset: the app caches for `DEFAULT_TOKEN_CACHE_MS` where something reports revocations to it, and not at all elsewhere. */
  tokenCacheMs: number | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  lockfile: string;
  auth: AuthConfig;
  token: string | undefined;
  listTools: 'permitted' | 'all';
  idempotency: IdempotencySettings;
  limits: LimitSettings;
  shutdownGraceMs: number;
  maxMessageBytes: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The project root: src/config.ts and dist/config.js both sit one level below it. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Relative paths in configuration mean the project root, wherever the process was started. */
const fromRoot = (file: string) => (file === ':memory:' ? file : path.resolve(projectRoot, file));

/**
 * Loads the project's `.env` into process.env, where variables already set win. The entry points
 * and the CLI's admin API call it once; tests pass their own environment instead.
 */
export function loadDotEnv(file = path.join(projectRoot, '.env')): string | undefined {
  if (!existsSync(file)) return undefined;
  process.loadEnvFile(file);
  return file;
}

/** Values of these variables are never echoed in error messages. */
const SECRET = /TOKEN|SECRET|PASSWORD|KEY$|DATABASE_URL|REDIS_URL/;

/** Reads and validates configuration from the environment; every problem is reported at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const shown = SECRET.test(name) ? '(hidden)' : JSON.stringify(env[name]);
      return `  ${name}=${shown}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  const auth: AuthConfig =
    e.MCP_PROD_AUTH === 'jwt'
      ? {
          mode: 'jwt',
          jwt: {
            issuer: e.MCP_PROD_JWT_ISSUER!,
            audience: e.MCP_PROD_JWT_AUDIENCE!,
            algorithms: csv(e.MCP_PROD_JWT_ALGORITHMS)!,
            clockToleranceSec: e.MCP_PROD_JWT_CLOCK_TOLERANCE,
            ...(e.MCP_PROD_JWT_JWKS_URL ? { jwksUrl: e.MCP_PROD_JWT_JWKS_URL } : { jwksFile: fromRoot(e.MCP_PROD_JWT_JWKS_FILE!) }),
          },
          authorizationServers: csv(e.MCP_PROD_AUTHORIZATION_SERVERS) ?? [e.MCP_PROD_JWT_ISSUER!],
        }
      : { mode: 'tokens' };
  return {
    store: e.MCP_PROD_STORE,
    dbPath: fromRoot(e.MCP_PROD_DB),
    postgres: e.DATABASE_URL ? { connectionString: e.DATABASE_URL, schema: e.MCP_PROD_PG_SCHEMA, max: e.MCP_PROD_PG_POOL_MAX } : undefined,
    redisUrl: e.REDIS_URL,
    tokenCacheMs: e.MCP_PROD_TOKEN_CACHE_SECONDS === undefined ? undefined : e.MCP_PROD_TOKEN_CACHE_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
    lockfile: fromRoot(e.MCP_PROD_LOCKFILE ?? 'mcp-tools.lock.json'),
    auth,
    token: e.MCP_PROD_TOKEN,
    listTools: e.MCP_PROD_LIST_TOOLS,
    shutdownGraceMs: e.MCP_PROD_SHUTDOWN_GRACE_SECONDS * 1000,
    maxMessageBytes: e.MCP_PROD_MAX_MESSAGE_BYTES,
    idempotency: {
      retentionMs: e.MCP_PROD_IDEMPOTENCY_RETENTION_HOURS * 3_600_000,
      leaseMs: e.MCP_PROD_IDEMPOTENCY_LEASE_SECONDS * 1000,
    },
    // A hold outlives any call that may still record its cost: the lease bounds how long one runs.
    limits: { rate: e.MCP_PROD_RATE_LIMIT, dailyBudgetNanoUsd: e.MCP_PROD_DAILY_BUDGET_USD, holdMs: e.MCP_PROD_IDEMPOTENCY_LEASE_SECONDS * 1000 * 2 },
  };
}
