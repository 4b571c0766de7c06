/**
 * The interface between mcp-prod and a generated project, declared once: what the CLI reads
 * from the project's src/contract.ts and src/admin.ts. Everything read is validated against
 * these schemas, so an older or hand-edited project gets a message naming what is missing
 * instead of a crash; test/unit/project-interface.test.ts type-checks them against the
 * rendered templates.
 */
import { z } from 'zod';
import { deprecationNoticeSchema } from '../core/deprecation-notice.js';
import { CliError } from '../core/errors.js';
import { SEMVER } from '../core/semver.js';

const jsonSchemaObject = z.record(z.string(), z.unknown());
const fn = <T>() => z.custom<T>((value) => typeof value === 'function', 'a function');

/** One tool's contract, exactly as tools/list serves it (src/contract.ts `ToolContract`). */
const toolContractSchema = z.object({
  version: z.string().regex(SEMVER, 'a semantic version'),
  description: z.string(),
  scopes: z.array(z.string()),
  readOnly: z.boolean(),
  idempotency: z.enum(['required', 'optional', 'none']),
  deprecated: deprecationNoticeSchema.nullable(),
  inputSchema: jsonSchemaObject,
  outputSchema: jsonSchemaObject.nullable(),
});
export type ProjectToolContract = z.infer<typeof toolContractSchema>;
export const toolContractsSchema = z.record(z.string(), toolContractSchema);

/** The scope hierarchy the project's server enforces (src/platform/scopes.ts). */
const scopeRulesSchema = z.object({
  tiers: z.array(z.string()).readonly(),
  covers: fn<(granted: string, required: string) => boolean>(),
});
export type ScopeRules = z.infer<typeof scopeRulesSchema>;

/** What src/contract.ts exports. */
export const contractModuleSchema = z.object({
  toolContracts: fn<(tools?: readonly unknown[]) => Promise<unknown>>(),
});
export const scopeModuleSchema = z.object({ scopeRules: scopeRulesSchema });

/** A token as src/admin.ts reports it (never its secret). */
export const tokenViewSchema = z.object({
  id: z.string(),
  principalId: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  hint: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  rotatedFrom: z.string().nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});
export type TokenView = z.infer<typeof tokenViewSchema>;

/** One row of the daily cost roll-up (UTC day x tool x user) src/admin.ts returns. */
export const dailyCostRowSchema = z.object({
  day: z.string(),
  tool: z.string(),
  principalId: z.string(),
  calls: z.number(),
  errors: z.number(),
  replays: z.number(),
  llmNanoUsd: z.bigint(),
  externalNanoUsd: z.bigint(),
  unpriced: z.number(),
  /** Failed calls by error code; absent in projects that predate it. */
  errorCodes: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Calls per latency bucket (`latencyBoundsMs`, plus one bucket above the last bound); absent in projects that predate it. */
  latencyCounts: z.array(z.number().int().nonnegative()).optional(),
});
export type DailyCostRow = z.infer<typeof dailyCostRowSchema>;

/** The upper bounds (ms) of the latency buckets of `latencyCounts`, strictly increasing. */
export const latencyBoundsSchema = z
  .array(z.number().positive())
  .min(1)
  .refine((bounds) => bounds.every((bound, i) => i === 0 || bound > bounds[i - 1]!), 'strictly increasing bounds');

const limitSettingsSchema = z.object({ rateLimit: z.string().nullable(), dailyBudgetUsd: z.number().nonnegative().nullable() });

/** The limits the project enforces (`admin.budgets.settings()`). */
export const budgetSettingsSchema = limitSettingsSchema.extend({
  tools: z.record(z.string(), limitSettingsSchema.extend({ maxCostUsd: z.number().nonnegative().nullable() })),
});
export type BudgetSettings = z.infer<typeof budgetSettingsSchema>;

/** Each principal's daily budget on one UTC day (`admin.budgets.standing(day)`); `tool` null is the budget across all tools. */
export const budgetStandingSchema = z.array(
  z.object({ principalId: z.string(), tool: z.string().nullable(), budgetUsd: z.number(), committedUsd: z.number(), remainingUsd: z.number() }),
);
export type BudgetStanding = z.infer<typeof budgetStandingSchema>;

export const issuedTokenSchema = z.object({ token: z.string(), record: tokenViewSchema });
export const rotatedTokenSchema = z.object({ token: z.string(), record: tokenViewSchema, previous: tokenViewSchema });

/** The admin API src/admin.ts's `openAdmin()` returns; its results are validated by `withProjectAdmin`. */
export interface ProjectAdmin {
  /** Where the SQLite store lives (what a client entry's environment points at). */
  dbPath: string;
  tokens: {
    issue(options: { scopes: string[]; expires?: string; name?: string; principal?: string }): Promise<unknown>;
    list(): Promise<unknown>;
    revoke(id: string): Promise<unknown>;
    rotate(id: string, options: { grace?: string }): Promise<unknown>;
    /** The token's record (status says whether it is active) when the store holds its hash, else null; never throws for a bad token. */
    verify?(token: string): Promise<unknown>;
  };
  costs: { daily(sinceDay: string): Promise<unknown> };
  /** Bounds of the latency histogram in the cost rows; absent in projects that predate it. */
  latencyBoundsMs?: unknown;
  /** Rate limits and daily budgets; absent in projects that predate them. */
  budgets?: { settings(): unknown; standing(day: string): Promise<unknown> };
  close(): Promise<void>;
}
export const adminModuleSchema = z.object({ openAdmin: fn<() => ProjectAdmin>() });

/**
 * `value` as `schema` says, or a user error naming the project file and every missing or
 * malformed field.
 * @example validateFromProject(contractModuleSchema, module, 'src/contract.ts')
 */
export function validateFromProject<S extends z.ZodType>(schema: S, value: unknown, source: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.map(String).join('.') || '(value)'}: ${issue.message}`);
  throw new CliError(`${source} does not provide what mcp-prod needs: ${problems.join('; ')}.`, {
    hint: `The project predates this mcp-prod or ${source} was edited by hand; compare it with the same file in a freshly generated project (npx create-mcp-prod).`,
  });
}
