/**
 * `mcp-prod dashboard` in process: the HTTP API over a fake admin API carrying every field of the
 * contract, then the whole path on a generated project with a real SQLite store, where the API's
 * numbers must be `mcp-prod costs --json`'s.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { costs } from '../../src/commands/costs/index.js';
import { dashboard, type DashboardSource, type RunningDashboard } from '../../src/commands/dashboard/index.js';
import { dashboardOptionsSchema } from '../../src/commands/dashboard/options.js';
import { CONTENT_SECURITY_POLICY } from '../../src/commands/dashboard/server.js';
import { parseOptions } from '../../src/core/options.js';
import { generatedDependencies } from '../../src/core/versions.js';
import { withProjectAdmin } from '../../src/project/admin.js';
import { loadContracts } from '../../src/project/contracts.js';
import { repoRoot } from '../helpers/cli.js';
import { ADMIN_TOKEN, fakeSource, READ_TOKEN, type SeedStore, seedStore, TODAY } from '../helpers/dashboard-data.js';
import { captureOutput, cliErrorOf, copyProject, generateProjectTemplate, type ProjectTemplate } from '../helpers/generated-project.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 300_000 });

const running: RunningDashboard[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
  vi.unstubAllEnvs();
});

async function start(source: DashboardSource, options: { host?: string; port?: number } = {}) {
  vi.stubEnv('MCP_PROD_NOW', `${TODAY}T12:00:00Z`);
  const output = captureOutput();
  const server = await dashboard(source, parseOptions(dashboardOptionsSchema, { port: '0', ...options }), output.out);
  running.push(server);
  return { ...server, output: output.text() };
}

/** GET with any headers, Host included (fetch would not send a made-up Host). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const getJson = async (url: string, headers: Record<string, string> = {}) => {
  const response = await get(url, headers);
  return { ...response, json: JSON.parse(response.body) as Record<string, any> };
};

describe('the dashboard API (fake admin API)', () => {
  it('prints its URL and serves the page, its script, its style and Chart.js, each with the strict CSP', async () => {
    const server = await start(fakeSource());
    expect(server.output).toBe(`Dashboard of notes-server: http://127.0.0.1:${server.port}/\nRead-only. Press Ctrl-C to stop.\n`);
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).not.toMatch(/<script>|\son[a-z]+=|style=/i);
    const chart = await get(`${server.url}vendor/chart.umd.min.js`);
    expect(chart.status).toBe(200);
    expect(chart.body).toContain('Chart.js v4.6.1');
    expect((await get(`${server.url}dashboard.js`)).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(`${server.url}nothing`)).status).toBe(404);
  });

  it('answers the last 7 days by default, and switches period with ?days= and ?from=&to=', async () => {
    const server = await start(fakeSource());
    const week = await getJson(`${server.url}api/dashboard`);
    expect(week.json.period).toEqual({ from: '2026-06-24', to: TODAY, days: 7, today: TODAY });
    expect(week.json.costs.byTool.totals).toMatchObject({ calls: 16, totalUsd: '1.554000000' });
    const month = await getJson(`${server.url}api/dashboard?days=30`);
    expect(month.json.period).toMatchObject({ from: '2026-06-01', days: 30 });
    expect(month.json.costs.byTool.totals).toMatchObject({ calls: 21, totalUsd: '2.054000000' });
    const range = await getJson(`${server.url}api/dashboard?from=2026-06-10&to=2026-06-10`);
    expect(range.json.costs.byUser.groups).toEqual([expect.objectContaining({ user: 'dave', calls: 5, totalUsd: '0.500000000' })]);
    expect(range.json.budgets.standing).toHaveLength(2);
  });

  it('refuses a malformed period with 400, and anything but GET with 405', async () => {
    const server = await start(fakeSource());
    for (const query of [
      'days=0',
      'days=abc',
      'from=2026-06-10',
      'from=2026-06-10&to=2026-06-01',
      'from=2026-02-30&to=2026-03-01',
      'days=7&from=2026-06-01&to=2026-06-02',
    ]) {
      const response = await getJson(`${server.url}api/dashboard?${query}`);
      expect([query, response.status]).toEqual([query, 400]);
    }
    const post = await get(`${server.url}api/dashboard`, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('on loopback, answers loopback host names only (DNS rebinding)', async () => {
    const server = await start(fakeSource());
    expect((await get(`${server.url}api/dashboard`, { Host: `localhost:${server.port}` })).status).toBe(200);
    expect((await get(`${server.url}api/dashboard`, { Host: `evil.example:${server.port}` })).status).toBe(421);
  });

  it('shows what an older project does not record as null, and a broken contract module as a message', async () => {
    const source = fakeSource({ latencyBoundsMs: undefined, budgets: undefined });
    source.contracts = async () => {
      throw new Error('src/tools/search.ts: boom');
    };
    const server = await start(source);
    const { json } = await getJson(`${server.url}api/dashboard`);
    expect(json.latencyBoundsMs).toBeNull();
    expect(json.tools.every((tool: { latency: unknown }) => tool.latency === null)).toBe(true);
    expect(json.budgets).toBeNull();
    expect(json.deprecations).toEqual({ error: 'src/tools/search.ts: boom', tools: [] });
  });

  it('names a malformed latencyBoundsMs before listening', async () => {
    const error = await cliErrorOf(() => start(fakeSource({ latencyBoundsMs: [10, 5] })));
    expect(error.message).toBe('src/admin.ts latencyBoundsMs does not provide what mcp-prod needs: (value): strictly increasing bounds.');
  });
});

describe('beyond loopback', () => {
  it('needs a valid token with the mcp-prod:admin scope for the data, not for the page', async () => {
    const source = fakeSource();
    const server = await start(source, { host: '0.0.0.0' });
    expect(server.output).toContain('needs a bearer token with the mcp-prod:admin scope');
    const url = `http://127.0.0.1:${server.port}/`;
    expect((await get(url)).status).toBe(200);
    const missing = await getJson(`${url}api/dashboard`);
    expect([missing.status, missing.headers['www-authenticate']]).toEqual([401, 'Bearer realm="mcp-prod dashboard"']);
    const unknown = await getJson(`${url}api/dashboard`, { Authorization: 'Bearer mcpp_nottherightone' });
    expect([unknown.status, unknown.json.error]).toEqual([401, 'The bearer token is not valid (unknown, expired or revoked).']);
    const narrow = await getJson(`${url}api/dashboard`, { Authorization: `Bearer ${READ_TOKEN}` });
    expect([narrow.status, narrow.headers['www-authenticate']]).toEqual([
      403,
      'Bearer realm="mcp-prod dashboard", error="insufficient_scope", scope="mcp-prod:admin"',
    ]);
    const ok = await getJson(`${url}api/dashboard?days=30`, { Authorization: `bearer ${ADMIN_TOKEN}` });
    expect([ok.status, ok.json.costs.byTool.totals.calls]).toEqual([200, 21]);
    expect(source.verified).toEqual(['mcpp_nottherightone', READ_TOKEN, ADMIN_TOKEN]);
    for (const response of [missing, unknown, narrow]) expect(response.body).not.toContain('mcpp_');
  });

  it('refuses to start when the project cannot verify tokens', async () => {
    const error = await cliErrorOf(() => start(fakeSource({ tokens: {} }), { host: '0.0.0.0' }));
    expect(error.message).toContain('cannot verify them (no tokens.verify)');
  });
});

describe('options and listening', () => {
  it.each([
    [{ port: '70000' }, '--port: must be 0 (any free port) to 65535'],
    [{ port: 'x' }, '--port: Invalid input: expected number, received NaN'],
    [{ host: 'not a host' }, '--host: give an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0'],
  ])('%o is refused', async (flags, message) => {
    const error = await cliErrorOf(async () => parseOptions(dashboardOptionsSchema, flags));
    expect(error.message).toBe(message);
  });

  it('says so when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await cliErrorOf(() => start(fakeSource(), { port }));
      expect(error.message).toBe(`Port ${port} on 127.0.0.1 is in use.`);
      expect(error.hint).toContain('--port 0');
    } finally {
      blocker.close();
    }
  });
});

let template: ProjectTemplate;
beforeAll(async () => {
  template = await generateProjectTemplate('mcp-prod-dashboard-');
});
afterAll(() => template?.cleanup());

describe('on a generated project', () => {
  it("links this repository's better-sqlite3 and redis, which are the versions generated projects pin", () => {
    const own = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect([own.devDependencies['better-sqlite3'], own.devDependencies.redis]).toEqual([generatedDependencies['better-sqlite3'], generatedDependencies.redis]);
  });
});

/**
 * The project's own store, as a deployment configures it: the SQLite file, or a PostgreSQL
 * schema of this test's own on the server `.ci/run` starts (dropped afterwards).
 */
const postgresUrl = process.env.MCP_PROD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schemas: string[] = [];
afterAll(async () => {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

const stores: { name: string; target(): Promise<SeedStore> }[] = [
  { name: 'SQLite', target: async () => ({ store: 'sqlite' }) },
  {
    name: 'PostgreSQL',
    async target() {
      const schema = `dashboard_${process.pid}_${Date.now().toString(36)}_${schemas.length}`;
      schemas.push(schema);
      vi.stubEnv('MCP_PROD_STORE', 'postgres');
      vi.stubEnv('DATABASE_URL', postgresUrl);
      vi.stubEnv('MCP_PROD_PG_SCHEMA', schema);
      return { store: 'postgres', postgres: { connectionString: postgresUrl, schema, max: 2 } };
    },
  },
];

describe.each(stores)('on a generated project with a real $name store', (store) => {
  it('serves the numbers `mcp-prod costs --json` prints for the same period, by tool, user and day', async () => {
    const copy = copyProject(template);
    await seedStore(copy.project, await store.target());
    vi.stubEnv('MCP_PROD_NOW', `${TODAY}T12:00:00Z`);
    await withProjectAdmin(copy.project, async (admin) => {
      const server = await start({ name: copy.project.name, admin, contracts: () => loadContracts(copy.project) });
      for (const [days, since] of [
        [7, '7d'],
        [30, '30d'],
      ] as const) {
        const { json } = await getJson(`${server.url}api/dashboard?days=${days}`);
        for (const [by, key] of [
          ['tool', 'byTool'],
          ['user', 'byUser'],
          ['day', 'byDay'],
        ] as const) {
          const printed = captureOutput();
          await costs(() => copy.project, { since, by, json: true }, printed.out);
          // The costs command adds today's budgets beside the roll-up; the dashboard shows them in a panel of their own.
          const { budgets: _budgets, ...printedCosts } = JSON.parse(printed.text()) as Record<string, unknown>;
          expect(json.costs[key]).toEqual(printedCosts);
        }
      }
      const { json } = await getJson(`${server.url}api/dashboard?days=7`);
      expect(json.costs.byTool.totals).toMatchObject({ calls: 4, errors: 1, replays: 1, unpricedItems: 1, totalUsd: '0.003000000' });
      expect((await getJson(`${server.url}api/dashboard?days=30`)).json.costs.byTool.totals).toMatchObject({ calls: 5, totalUsd: '0.043000000' });
      // The project's store records error codes and latency beside the cost (seeded: calls of 30, 60, 90 and 120 ms).
      expect(Object.fromEntries(json.tools.map((tool: { tool: string; errorCodes: unknown }) => [tool.tool, tool.errorCodes]))).toEqual({
        create_note: {},
        search_notes: { rate_limited: 1 },
      });
      expect(json.tools.every((tool: { latency: unknown }) => tool.latency !== null)).toBe(true);
      expect(json.deprecations).toEqual({ tools: [] });
      await server.close();
      running.splice(0);
    });
  });

  it('beyond loopback, checks tokens issued into the store through the admin API (tokens.verify)', async () => {
    const copy = copyProject(template);
    await seedStore(copy.project, await store.target());
    await withProjectAdmin(copy.project, async (admin) => {
      const issue = async (scopes: string[]) => ((await admin.tokens.issue({ scopes, expires: '1d' })) as { token: string }).token;
      const adminToken = await issue(['mcp-prod:admin']);
      const readToken = await issue(['notes:read']);
      const server = await start({ name: copy.project.name, admin, contracts: () => loadContracts(copy.project) }, { host: '0.0.0.0' });
      const url = `http://127.0.0.1:${server.port}/api/dashboard`;
      expect((await get(url)).status).toBe(401);
      expect((await get(url, { Authorization: `Bearer ${readToken}` })).status).toBe(403);
      expect((await get(url, { Authorization: `Bearer ${adminToken.slice(0, -1)}${adminToken.endsWith('x') ? 'y' : 'x'}` })).status).toBe(401);
      expect((await get(url, { Authorization: `Bearer ${adminToken}` })).status).toBe(200);
      const id = ((await admin.tokens.list()) as { id: string; scopes: string[] }[]).find((token) => token.scopes.includes('mcp-prod:admin'))!.id;
      await admin.tokens.revoke(id);
      expect((await get(url, { Authorization: `Bearer ${adminToken}` })).status).toBe(401);
      await server.close();
      running.splice(0);
    });
  });
});
