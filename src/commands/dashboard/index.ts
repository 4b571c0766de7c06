import type { Server } from 'node:http';
import { CliError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { today } from '../../core/today.js';
import { firstDayOf } from '../../costs/period.js';
import { withProjectAdmin } from '../../project/admin.js';
import { loadContracts } from '../../project/contracts.js';
import { readDailyCosts } from '../../project/costs.js';
import { readBudgets } from '../../project/budgets.js';
import { latencyBoundsSchema, type ProjectAdmin, type ProjectToolContract, validateFromProject } from '../../project/interface.js';
import { CLI_ADMIN_SCOPE } from '../../project/scopes.js';
import { type DashboardOptions, periodQuerySchema } from './options.js';
import { buildDashboard, type DashboardInputs, type Period } from './report.js';
import { type ApiResult, createDashboardServer, isLoopback, listen, urlHost } from './server.js';

/** What the dashboard reads: the project's admin API (open while the server runs) and its tool contracts. */
export interface DashboardSource {
  name: string;
  admin: Pick<ProjectAdmin, 'costs' | 'latencyBoundsMs' | 'budgets'> & { tokens?: Pick<ProjectAdmin['tokens'], 'verify'> };
  contracts(): Promise<Record<string, ProjectToolContract>>;
}

export interface RunningDashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The period a query names, or why it names none; the last 7 days when it names nothing. */
export function periodOf(query: URLSearchParams, todayText: string): Period | { error: string } {
  const given = Object.fromEntries(query);
  if (Object.keys(given).length === 0) return { from: firstDayOf(7, todayText), to: todayText, days: 7 };
  const parsed = periodQuerySchema.safeParse(given);
  if (!parsed.success) return { error: 'Give ?days=N (1 to 3660) or ?from=YYYY-MM-DD&to=YYYY-MM-DD.' };
  return 'days' in parsed.data ? { from: firstDayOf(parsed.data.days, todayText), to: todayText, days: parsed.data.days } : { ...parsed.data, days: null };
}

async function budgetsOf(admin: DashboardSource['admin'], day: string): Promise<DashboardInputs['budgets']> {
  try {
    return await readBudgets(admin, day);
  } catch (error) {
    return { error: message(error) };
  }
}

/**
 * Serves the dashboard of `source` until `close()`. Everything is read per request, so a reload
 * shows what the store holds now; the tool contracts are read once, at start.
 */
export async function dashboard(source: DashboardSource, options: DashboardOptions, out: { write(text: string): void }): Promise<RunningDashboard> {
  const loopback = isLoopback(options.host);
  const verify = source.admin.tokens?.verify?.bind(source.admin.tokens);
  if (!loopback && !verify) {
    throw new CliError(
      `--host ${options.host}: beyond loopback the dashboard needs tokens, and this project's src/admin.ts cannot verify them (no tokens.verify).`,
      {
        hint: 'Keep the default --host 127.0.0.1 (reach it through an SSH tunnel), or update src/admin.ts from a freshly generated project.',
      },
    );
  }
  const latencyBoundsMs =
    source.admin.latencyBoundsMs === undefined ? null : validateFromProject(latencyBoundsSchema, source.admin.latencyBoundsMs, 'src/admin.ts latencyBoundsMs');
  let contracts: DashboardInputs['contracts'];
  try {
    contracts = await source.contracts();
  } catch (error) {
    contracts = { error: message(error) };
  }

  const api = async (query: URLSearchParams): Promise<ApiResult> => {
    const day = today();
    const period = periodOf(query, day);
    if ('error' in period) return { status: 400, body: period };
    try {
      const rows = await readDailyCosts(source.admin, period.from);
      const budgets = await budgetsOf(source.admin, day);
      return { status: 200, body: { project: source.name, ...buildDashboard({ rows, period, today: day, latencyBoundsMs, contracts, budgets }) } };
    } catch (error) {
      return { status: 500, body: { error: message(error) } };
    }
  };

  const server: Server = createDashboardServer({ host: options.host, port: options.port, api, ...(loopback ? {} : { verifyToken: verify! }) });
  const port = await listen(server, options.host, options.port);
  const url = `http://${urlHost(options.host)}:${port}/`;
  out.write(`Dashboard of ${source.name}: ${url}\n`);
  if (!loopback) {
    out.write(
      `Listening beyond loopback: the data needs a bearer token with the ${CLI_ADMIN_SCOPE} scope (mcp-prod token issue --scopes ${CLI_ADMIN_SCOPE}).\n`,
    );
    out.write('Plain HTTP: the token crosses the network in clear; put TLS in front, or prefer an SSH tunnel to the default 127.0.0.1.\n');
  }
  out.write('Read-only. Press Ctrl-C to stop.\n');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `mcp-prod dashboard`: serves the project's dashboard until Ctrl-C (SIGINT) or SIGTERM, then closes the store. */
export async function runDashboard(project: Project, options: DashboardOptions, out: { write(text: string): void }): Promise<void> {
  await withProjectAdmin(project, async (admin) => {
    const running = await dashboard({ name: project.name, admin, contracts: () => loadContracts(project) }, options, out);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    await running.close();
    out.write(`Stopped (${signal}).\n`);
  });
}
