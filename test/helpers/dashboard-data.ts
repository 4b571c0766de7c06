/**
 * Seed data for the dashboard tests: a fake admin API that carries every field of the contract
 * (latency histogram, error codes, budgets, token check), so the page can be checked in full
 * without a project whose templates already record them.
 */
import path from 'node:path';
import type { DashboardSource } from '../../src/commands/dashboard/index.js';
import { importProjectModule, type Project } from '../../src/core/project.js';
import type { DailyCostRow, ProjectToolContract, TokenView } from '../../src/project/interface.js';

export const TODAY = '2026-06-30';
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

const row = (day: string, tool: string, principalId: string, fields: Partial<DailyCostRow>): DailyCostRow => ({
  day,
  tool,
  principalId,
  calls: 1,
  errors: 0,
  replays: 0,
  llmNanoUsd: 0n,
  externalNanoUsd: 0n,
  unpriced: 0,
  ...fields,
});

/** A histogram with `n` calls in the bucket of `bound` ms. */
const at = (bound: number, n: number) => LATENCY_BOUNDS_MS.map((b) => (b === bound ? n : 0)).concat(0);

/**
 * Within the last 7 days: search_notes 10 calls ($0.05), create_note 4 calls ($1.20 + $0.30
 * external), delete_note 2 calls by carol. Between 8 and 30 days ago: search_notes 5 more calls ($0.50). The
 * totals differ by period, which the period-switch tests rely on.
 */
export const SEED_ROWS: DailyCostRow[] = [
  row('2026-06-30', 'search_notes', 'alice', {
    calls: 6,
    errors: 2,
    llmNanoUsd: 30_000_000n,
    errorCodes: { upstream_timeout: 1, invalid_input: 1 },
    latencyCounts: at(25, 6),
  }),
  row('2026-06-29', 'search_notes', 'bob', { calls: 4, replays: 1, llmNanoUsd: 20_000_000n, errorCodes: {}, latencyCounts: at(50, 4) }),
  row('2026-06-28', 'create_note', 'alice', {
    calls: 4,
    errors: 1,
    unpriced: 2,
    llmNanoUsd: 1_200_000_000n,
    externalNanoUsd: 300_000_000n,
    errorCodes: { budget_exceeded: 1 },
    latencyCounts: at(2500, 4),
  }),
  row('2026-06-27', 'delete_note', 'carol', { calls: 2, llmNanoUsd: 4_000_000n }),
  row('2026-06-10', 'search_notes', 'dave', { calls: 5, llmNanoUsd: 500_000_000n, latencyCounts: at(100, 5) }),
];

const contract = (deprecated: ProjectToolContract['deprecated'] = null): ProjectToolContract => ({
  version: '1.0.0',
  description: 'a tool',
  scopes: ['notes:read'],
  readOnly: true,
  idempotency: 'none',
  deprecated,
  inputSchema: { type: 'object' },
  outputSchema: null,
});

export const CONTRACTS: Record<string, ProjectToolContract> = {
  search_notes: contract(),
  create_note: contract(),
  delete_note: contract({ since: '2026-06-01', replacement: 'search_notes', refuseAfter: '2026-07-12', removeAfter: '2026-08-11' }),
};

export const BUDGET_SETTINGS = { dailyBudgetUsd: 5, rateLimit: '60/min', tools: { create_note: { rateLimit: '10/min', dailyBudgetUsd: 2, maxCostUsd: 0.5 } } };
export const BUDGET_STANDING = [
  { principalId: 'alice', tool: null, budgetUsd: 5, committedUsd: 1.53, remainingUsd: 3.47 },
  { principalId: 'alice', tool: 'create_note', budgetUsd: 2, committedUsd: 1.5, remainingUsd: 0.5 },
];

export const ADMIN_TOKEN = 'mcpp_admintokenadmintokenadmintoken000';
export const READ_TOKEN = 'mcpp_readtokenreadtokenreadtokenrea000';

const tokenView = (scopes: string[], status: TokenView['status'] = 'active'): TokenView => ({
  id: 'tok_1',
  principalId: 'ops',
  name: 'ops',
  scopes,
  hint: 'mcpp_…0000',
  createdAt: '2026-06-01T00:00:00.000Z',
  expiresAt: '2026-09-01T00:00:00.000Z',
  revokedAt: null,
  lastUsedAt: null,
  rotatedFrom: null,
  status,
});

/** A data source with every optional field of the admin API; `rows` and `extra` override parts of it. */
export function fakeSource(overrides: Partial<DashboardSource['admin']> = {}, rows: DailyCostRow[] = SEED_ROWS): DashboardSource & { verified: string[] } {
  const verified: string[] = [];
  return {
    name: 'notes-server',
    verified,
    contracts: async () => CONTRACTS,
    admin: {
      costs: { daily: async (since: string) => rows.filter((r) => r.day >= since) },
      latencyBoundsMs: LATENCY_BOUNDS_MS,
      budgets: { settings: () => BUDGET_SETTINGS, standing: async (day: string) => (day === TODAY ? BUDGET_STANDING : []) },
      tokens: {
        verify: async (token: string) => {
          verified.push(token);
          if (token === ADMIN_TOKEN) return tokenView(['mcp-prod:admin']);
          if (token === READ_TOKEN) return tokenView(['notes:read']);
          return null;
        },
      },
      ...overrides,
    },
  };
}

/**
 * A stand-in for a generated project's src/admin.ts serving the seed rows with every field of
 * the contract, for runs of the real binary (the templates do not record them yet).
 */
export function fakeAdminModule(): string {
  const literal = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `__bigint${v}` : v)).replace(/"__bigint(\d+)"/g, '$1n');
  return `const rows = ${literal(SEED_ROWS)};

export function openAdmin() {
  return {
    dbPath: 'unused',
    tokens: {},
    costs: { daily: async (since: string) => rows.filter((row) => row.day >= since) },
    latencyBoundsMs: ${literal(LATENCY_BOUNDS_MS)},
    budgets: { settings: () => (${literal(BUDGET_SETTINGS)}), standing: async (day: string) => (day === '${TODAY}' ? ${literal(BUDGET_STANDING)} : []) },
    close: async () => {},
  };
}
`;
}

/**
 * Records five calls through a generated project's own store into the SQLite file its default
 * configuration names (data/mcp.db): in the last 7 days 4 calls, $0.003, 1 error, 1 replay,
 * 1 unpriced item; 30 days: 5 calls, $0.043.
 */
/** Where the seed goes: the project's SQLite file, or a PostgreSQL schema of the test's own. */
export type SeedStore = { store: 'sqlite' } | { store: 'postgres'; postgres: { connectionString: string; schema: string; max: number } };

/** Records five calls through the project's own store, as its pipeline would. */
export async function seedStore(project: Project, target: SeedStore = { store: 'sqlite' }): Promise<void> {
  const { openStore } = await importProjectModule<{ openStore(config: object): { costs: { record(record: object): Promise<void> }; close(): Promise<void> } }>(
    project,
    'src/store/index.ts',
  );
  const store = openStore({ ...target, dbPath: path.join(project.root, 'data', 'mcp.db') });
  const call = (n: number, day: string, tool: string, principalId: string, outcome: string, nanoUsd: bigint | null) =>
    store.costs.record({
      callId: `call-${n}`,
      at: Date.parse(`${day}T10:00:00Z`) + n,
      tool,
      toolVersion: '1.0.0',
      principalId,
      outcome,
      items: [{ kind: 'llm', nanoUsd, model: 'm' }],
      // What the pipeline records beside the cost: the error code of a failure, and how long the call took.
      ...(outcome === 'error' ? { errorCode: 'rate_limited' } : {}),
      latencyMs: n * 30,
    });
  await call(1, '2026-06-30', 'search_notes', 'alice', 'ok', 2_000_000n);
  await call(2, '2026-06-30', 'search_notes', 'alice', 'error', 1_000_000n);
  await call(3, '2026-06-29', 'create_note', 'bob', 'replayed', 0n);
  await call(4, '2026-06-28', 'create_note', 'bob', 'ok', null);
  await call(5, '2026-06-10', 'search_notes', 'carol', 'ok', 40_000_000n);
  await store.close();
}
