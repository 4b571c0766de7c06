import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatConformanceReport, runConformance } from './conformance.js';
import { ensureNode24, nodeEnv, testProjectOnNode } from './node-runtime.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { connectSdk, inspect, type AnyClient, type Sdk, type Target } from './real-clients.js';
import { createBin, logLines, makeWorkDir, packTarball, run, startBuiltHttpServer, type StartedHttp } from './support.js';

interface Scenario {
  name: string;
  transport: 'stdio' | 'http' | 'both';
  example: boolean;
  /** Installed by create-mcp-prod itself (the user's path) rather than in the shared workspace. */
  standalone?: boolean;
  store?: 'sqlite' | 'postgres';
}

const scenarios: Scenario[] = [
  { name: 'full-server', transport: 'both', example: true, standalone: true },
  { name: 'bare-both', transport: 'both', example: false },
  { name: 'stdio-bare', transport: 'stdio', example: false },
  { name: 'http-notes', transport: 'http', example: true },
];
/** Made with --store postgres and run as several instances; search_notes is edited to report a cost. */
const pgScenario: Scenario = { name: 'pg-notes', transport: 'http', example: true, store: 'postgres' };

let workDir: string;
let tarball: string;
const dirOf = (scenario: Scenario) => path.join(workDir, scenario.standalone ? 'standalone' : 'workspace', scenario.name);

beforeAll(async () => {
  workDir = makeWorkDir('e2e');
  tarball = packTarball(path.join(workDir, 'pack'));
  const create = (scenario: Scenario, cwd: string, install: boolean) =>
    run(
      process.execPath,
      [
        createBin,
        scenario.name,
        '--yes',
        '--no-git',
        `--transport=${scenario.transport}`,
        `--store=${scenario.store ?? 'sqlite'}`,
        `--cli-version=file:${tarball}`,
        ...(scenario.example ? [] : ['--no-example']),
        ...(install ? [] : ['--no-install']),
      ],
      { cwd },
    );

  // The standalone scenario goes through create-mcp-prod's own install; the others share one
  // npm workspace install (compiling better-sqlite3 once). Both installs run concurrently.
  const workspace = path.join(workDir, 'workspace');
  const shared = [...scenarios.filter((s) => !s.standalone), pgScenario];
  mkdirSync(workspace, { recursive: true });
  mkdirSync(path.join(workDir, 'standalone'), { recursive: true });
  for (const scenario of shared) await create(scenario, workspace, false);
  const searchNotes = path.join(dirOf(pgScenario), 'src', 'tools', 'search-notes.ts');
  const handler = 'async handler({ query, limit }, ctx) {\n';
  expect(readFileSync(searchNotes, 'utf8')).toContain(handler);
  writeFileSync(searchNotes, readFileSync(searchNotes, 'utf8').replace(handler, `${handler}    ctx.cost.external({ usd: 0.000123, vendor: 'e2e' });\n`));
  writeFileSync(
    path.join(workspace, 'package.json'),
    `${JSON.stringify({ name: 'e2e-workspace', private: true, workspaces: shared.map((s) => s.name), allowScripts: { 'better-sqlite3': true, esbuild: true } }, null, 2)}\n`,
  );
  const standaloneOutputs = scenarios.filter((s) => s.standalone).map((s) => create(s, path.join(workDir, 'standalone'), true));
  const [standaloneResults] = await Promise.all([Promise.all(standaloneOutputs), run('npm', ['install', '--no-audit', '--no-fund'], { cwd: workspace })]);
  for (const result of standaloneResults) expect(result.stdout).toContain('Installing dependencies with npm');
}, 900_000);

afterAll(() => {
  if (workDir && !process.env.KEEP_E2E) rmSync(workDir, { recursive: true, force: true });
});

describe.each(scenarios)('generated project $name ($transport, examples: $example)', (scenario) => {
  const stdio = scenario.transport !== 'http';
  const http = scenario.transport !== 'stdio';

  it('has the layout of its transports and examples', () => {
    const dir = dirOf(scenario);
    expect(existsSync(path.join(dir, 'src/stdio.ts'))).toBe(stdio);
    expect(existsSync(path.join(dir, 'src/http.ts'))).toBe(http);
    expect(existsSync(path.join(dir, 'src/tools/create-note.ts'))).toBe(scenario.example);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies['create-mcp-prod']).toBe(`file:${tarball}`);
  });

  // Built before its tests run: a failing test of its own must not fail the tests of the build too.
  it('type-checks, builds and passes its own tests', async () => {
    const cwd = dirOf(scenario);
    await run('npm', ['run', 'typecheck'], { cwd });
    await run('npm', ['run', 'build'], { cwd });
    expect(existsSync(path.join(cwd, stdio ? 'dist/stdio.js' : 'dist/http.js'))).toBe(true);
    const tests = await run('npm', ['test'], { cwd });
    expect(tests.stdout).toMatch(/Tests\s+\d+ passed/);
  });

  it('starts with a lockfile that matches its tools (npm run check passes)', async () => {
    const result = await run('npm', ['run', 'check'], { cwd: dirOf(scenario) });
    expect(result.stdout).toContain('All tool contracts match the lockfile.');
  });

  it('runs the pinned mcp-prod CLI from the installed tarball', async () => {
    const result = await run('npx', ['--no-install', 'mcp-prod', '--version'], { cwd: dirOf(scenario) });
    const own = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(String(result.stdout).trim()).toBe(own.version);
  });

  if (stdio) {
    it('serves a real client over stdio from the build, with a token issued by the CLI', async () => {
      const cwd = dirOf(scenario);
      const db = path.join(cwd, 'data', 'stdio.db');
      const { token } = await issueWithCli(cwd, db, ['notes:admin', 'system:read']);
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: ['dist/stdio.js'],
        cwd,
        env: { ...process.env, MCP_PROD_DB: db, MCP_PROD_TOKEN: token } as Record<string, string>,
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
      await client.connect(transport);
      await exerciseTools(client, scenario);
      await client.close();
      expect(logLines(stderr).filter((l) => l.event === 'tool_call').length).toBeGreaterThan(0);
      expect(stderr).not.toContain(token);
    });

    it('refuses to start over stdio without a token, keeping stdout silent', async () => {
      const cwd = dirOf(scenario);
      const result = await execa(process.execPath, ['dist/stdio.js'], {
        cwd,
        env: { MCP_PROD_DB: path.join(cwd, 'data', 'stdio.db'), MCP_PROD_TOKEN: '' },
        reject: false,
        stdin: 'ignore',
      });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('MCP_PROD_TOKEN is not set');
    });
  }

  if (http) {
    it('serves a real client over Streamable HTTP from the build with a CLI-issued token, and stops on SIGTERM', async () => {
      const cwd = dirOf(scenario);
      const db = path.join(cwd, 'data', 'http.db');
      const { token } = await issueWithCli(cwd, db, ['notes:write', 'system:read']);
      const server = await startBuiltHttpServer(cwd, { MCP_PROD_DB: db });
      try {
        const anonymous = new Client({ name: 'e2e-anonymous', version: '1.0.0' });
        await expect(anonymous.connect(new StreamableHTTPClientTransport(new URL(server.url)))).rejects.toThrow(/401|Unauthorized/i);
        for (const mode of ['legacy', 'auto'] as const) {
          const client = new Client({ name: `e2e-http-${mode}`, version: '1.0.0' }, { versionNegotiation: { mode } });
          await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
          await exerciseTools(client, scenario, { canDelete: false });
          await client.close();
        }
        const health = await fetch(server.url.replace(/\/mcp$/, '/healthz'));
        expect(health.status).toBe(200);
      } finally {
        expect(await server.stop()).toBe(0);
      }
      writeFileSync(path.join(cwd, 'data', 'http.log'), server.stderr());
      const calls = logLines(server.stderr()).filter((l) => l.event === 'tool_call');
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) expect(Object.keys(call)).toEqual(expect.arrayContaining(['call_id', 'tool_name', 'tool_version', 'status', 'latency_ms']));
    });
  }
});

/** Issues a token with the project's own `mcp-prod token issue --json`. */
async function issueWithCli(cwd: string, db: string, scopes: string[]): Promise<{ token: string; id: string }> {
  const result = await run('npx', ['--no-install', 'mcp-prod', 'token', 'issue', '--scopes', scopes.join(','), '--name', 'e2e', '--json'], {
    cwd,
    env: { MCP_PROD_DB: db },
  });
  const issued = JSON.parse(String(result.stdout)) as { token: string; id: string; scopes: string[] };
  expect(issued.scopes).toEqual(scopes);
  return issued;
}

/**
 * Lists tools and, where the examples exist, creates a note (and replays the creation with the
 * same idempotency key), finds it, and deletes it or is refused.
 */
async function exerciseTools(client: Client, scenario: Scenario, options: { canDelete: boolean } = { canDelete: true }): Promise<void> {
  const { tools } = await client.listTools();
  if (!scenario.example) {
    expect(tools).toEqual([]);
    await expect(client.callTool({ name: 'create_note', arguments: {} })).rejects.toThrow(/Unknown tool/);
    return;
  }
  const expected = options.canDelete ? ['create_note', 'delete_note', 'search_notes'] : ['create_note', 'search_notes'];
  expect(tools.map((t) => t.name).sort()).toEqual(expected);
  for (const tool of tools) expect(tool._meta?.['mcp-prod/tool']).toMatchObject({ version: '1.0.0' });
  const title = `e2e ${Math.random().toString(36).slice(2)}`;
  const key = `e2e-${Math.random().toString(36).slice(2)}`;
  const create = () => client.callTool({ name: 'create_note', arguments: { title, body: 'from the e2e test' }, _meta: { 'mcp-prod/idempotencyKey': key } });
  const created = await create();
  expect(created.isError).toBeFalsy();
  const replayed = await create();
  expect(replayed._meta?.['mcp-prod/idempotentReplay']).toBe(true);
  expect(replayed.structuredContent).toEqual(created.structuredContent);
  const found = await client.callTool({ name: 'search_notes', arguments: { query: title } });
  expect(found.structuredContent).toMatchObject({ notes: [{ title }] });
  const invalid = await client.callTool({ name: 'create_note', arguments: { title: '' }, _meta: { 'mcp-prod/idempotencyKey': `${key}-2` } });
  expect(invalid.isError).toBe(true);
  expect(invalid._meta?.['mcp-prod/error']).toMatchObject({ code: 'validation_failed', issues: [{ path: '/title' }] });
  const { id } = created.structuredContent as { id: number };
  const remove = client.callTool({ name: 'delete_note', arguments: { id, idempotencyKey: `${key}-3` } });
  if (options.canDelete) expect((await remove).structuredContent).toEqual({ deleted: true, id });
  else await expect(remove).rejects.toThrow(/Insufficient scope: required "notes:admin"/);
}

describe('mcp-prod token in a generated project', () => {
  const scenario = scenarios[0]!;
  const env = () => ({ MCP_PROD_DB: path.join(dirOf(scenario), 'data', 'tokens.db') });
  const mcpProd = (args: string[]) => execa('npx', ['--no-install', 'mcp-prod', ...args], { cwd: dirOf(scenario), env: env(), reject: false, stdin: 'ignore' });

  it('issues, lists, rotates and revokes, never showing a secret after issue', async () => {
    const issued = JSON.parse(
      String((await mcpProd(['token', 'issue', '--scopes', 'notes:read', '--principal', 'alice', '--expires', '30d', '--json'])).stdout),
    );
    expect(issued).toMatchObject({ principalId: 'alice', scopes: ['notes:read'], status: 'active' });
    expect(issued.token).toMatch(/^mcpp_[0-9A-Za-z]{36}$/);

    const human = await mcpProd(['token', 'list']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain(issued.id);
    expect(human.stdout).not.toContain(issued.token.slice(5, 30));

    const rotated = JSON.parse(String((await mcpProd(['token', 'rotate', issued.id, '--grace', '1h', '--json'])).stdout));
    expect(rotated).toMatchObject({ principalId: 'alice', scopes: ['notes:read'], rotatedFrom: issued.id });
    expect(Date.parse(rotated.previous.expiresAt) - Date.now()).toBeLessThanOrEqual(3_600_000);

    const revoked = JSON.parse(String((await mcpProd(['token', 'revoke', rotated.id, '--json'])).stdout));
    expect(revoked).toMatchObject({ id: rotated.id, status: 'revoked' });
    const listed = JSON.parse(String((await mcpProd(['token', 'list', '--json'])).stdout)) as { id: string; status: string }[];
    expect(listed.find((t) => t.id === rotated.id)?.status).toBe('revoked');
    expect(JSON.stringify(listed)).not.toContain(rotated.token.slice(5, 30));
  });

  it('explains bad input and exits 1', async () => {
    const missing = await mcpProd(['token', 'revoke', 'tok_missing']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('No token with id tok_missing');
    const badScope = await mcpProd(['token', 'issue', '--scopes', 'notes read']);
    expect(badScope.exitCode).toBe(1);
    expect(badScope.stderr).toContain('malformed scope');
    const badDuration = await mcpProd(['token', 'issue', '--scopes', 'notes:read', '--expires', 'forever']);
    expect(badDuration.exitCode).toBe(1);
    expect(badDuration.stderr).toContain('--expires');
  });
});

/** The one error object of an error result, checked to be readable from `_meta` and from the JSON text alike. */
function readableError(result: Record<string, any>): Record<string, any> {
  expect(result.isError, JSON.stringify(result)).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  const fromMeta = result._meta?.['mcp-prod/error'] as Record<string, any>;
  const fromText = JSON.parse((result.content as { text: string }[])[0]!.text).error;
  expect(fromText).toEqual(fromMeta);
  expect(typeof fromMeta.message).toBe('string');
  return fromMeta;
}

describe('clients nobody on this project wrote, against the built server', () => {
  const scenario = scenarios[0]!;
  const cwd = () => dirOf(scenario);
  const db = () => path.join(cwd(), 'data', 'clients.db');
  let writer: string;
  let http: StartedHttp;
  const targets = (): Record<'stdio' | 'http', Target> => ({
    stdio: { kind: 'stdio', cwd: cwd(), env: { MCP_PROD_DB: db(), MCP_PROD_TOKEN: writer } },
    http: { kind: 'http', url: http.url, token: writer },
  });

  beforeAll(async () => {
    // Every notes scope but admin, so that delete_note shows insufficient_scope.
    ({ token: writer } = await issueWithCli(cwd(), db(), ['notes:write', 'system:read']));
    http = await startBuiltHttpServer(cwd(), { MCP_PROD_DB: db() });
  });
  afterAll(async () => {
    if (http) expect(await http.stop()).toBe(0);
  });

  describe.each([
    ['v1', 'stdio'],
    ['v1', 'http'],
    ['v2', 'stdio'],
    ['v2', 'http'],
  ] as [Sdk, 'stdio' | 'http'][])('SDK %s client over %s', (sdk, transport) => {
    let client: AnyClient;
    beforeAll(async () => {
      client = await connectSdk(sdk, targets()[transport]);
    });
    afterAll(async () => client?.close());
    const key = () => `e2e-${sdk}-${transport}-${Math.random().toString(36).slice(2)}`;
    const create = (args: Record<string, unknown>, meta?: Record<string, unknown>) =>
      client.callTool({ name: 'create_note', arguments: { body: 'from a real client', ...args }, ...(meta ? { _meta: meta } : {}) });

    it('gets results with structured content, and replays', async () => {
      const k = key();
      const created = await create({ title: 'hello' }, { 'mcp-prod/idempotencyKey': k });
      expect(created.structuredContent).toMatchObject({ id: expect.any(Number) });
      expect((await create({ title: 'hello' }, { 'mcp-prod/idempotencyKey': k }))._meta?.['mcp-prod/idempotentReplay']).toBe(true);
    });

    it.each([
      ['validation_failed', () => create({ title: '' }, { 'mcp-prod/idempotencyKey': key() }), /title/],
      ['idempotency_key_required', () => create({ title: 't' }), /idempotency key/],
      ['idempotency_key_invalid', () => create({ title: 't' }, { 'mcp-prod/idempotencyKey': 'has a space' }), /printable ASCII/],
      ['schema_mismatch', () => create({ title: 't' }, { 'mcp-prod/idempotencyKey': key(), 'mcp-prod/toolVersion': '2.0.0' }), /1\.0\.0/],
    ] as [string, () => Promise<Record<string, any>>, RegExp][])('reads %s from the error result', async (code, call, message) => {
      const error = readableError(await call());
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    });

    it('reads idempotency_key_reused from the error result', async () => {
      const k = key();
      await create({ title: 'first' }, { 'mcp-prod/idempotencyKey': k });
      expect(readableError(await create({ title: 'second' }, { 'mcp-prod/idempotencyKey': k })).code).toBe('idempotency_key_reused');
    });

    it('learns that delete_note needs notes:admin', async () => {
      const outcome = await client
        .callTool({ name: 'delete_note', arguments: { id: 1, idempotencyKey: key() } })
        .catch((error: Error & { errorDescription?: string }) => error);
      if (transport === 'stdio') {
        expect(readableError(outcome as Record<string, any>)).toMatchObject({ code: 'insufficient_scope', requiredScopes: ['notes:admin'] });
      } else {
        // HTTP refuses with 403 and a Bearer challenge: v1 shows the body, v2 raises InsufficientScopeError.
        const error = outcome as Error & { errorDescription?: string };
        expect(error).toBeInstanceOf(Error);
        expect(`${error.message} ${error.errorDescription ?? ''}`).toMatch(
          sdk === 'v1' ? /"code":"insufficient_scope"/ : /Insufficient scope: required "notes:admin"/,
        );
      }
    });
  });

  it.each(['v1', 'v2'] as Sdk[])('SDK %s client sees a readable 401 for an unknown token over HTTP', async (sdk) => {
    const refused = await connectSdk(sdk, { kind: 'http', url: http.url, token: `mcpp_${'0'.repeat(36)}` }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(refused?.message).toMatch(/401|not recognised/);
  });

  it.each(['stdio', 'http'] as const)('the MCP Inspector CLI lists tools, calls one, and shows a failure over %s', async (transport) => {
    const target = targets()[transport];
    const listed = await inspect(cwd(), target, ['--method', 'tools/list']);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.output.tools.map((t: { name: string }) => t.name).sort()).toEqual(['create_note', 'search_notes']);

    const called = await inspect(cwd(), target, [
      '--method',
      'tools/call',
      '--tool-name',
      'create_note',
      '--tool-arg',
      'title=inspected',
      '--tool-arg',
      'body=by the inspector',
      '--tool-arg',
      `idempotencyKey=${transport}-${Date.now()}`,
    ]);
    expect(called.exitCode, called.stderr).toBe(0);
    expect(called.output.structuredContent).toMatchObject({ id: expect.any(Number) });

    const failed = await inspect(cwd(), target, ['--method', 'tools/call', '--tool-name', 'create_note', '--tool-arg', 'title=no key', '--tool-arg', 'body=x']);
    expect(failed.exitCode, failed.stderr).toBe(0);
    expect(readableError(failed.output)).toMatchObject({ code: 'idempotency_key_required' });
  });
});

describe('the first hour: .env and relative paths from any directory', () => {
  const scenario = scenarios[0]!;
  const cwd = () => dirOf(scenario);

  it('reads .env in the server and in mcp-prod, and finds the same database from a subdirectory', async () => {
    const dotenv = path.join(cwd(), '.env');
    writeFileSync(dotenv, 'MCP_PROD_DB=./data/dotenv.db\nLOG_LEVEL=info\n');
    try {
      // Issued from src/, without MCP_PROD_DB in the environment: .env names the database.
      const issued = await run('npx', ['--no-install', 'mcp-prod', 'token', 'issue', '--scopes', 'notes:read', '--json'], { cwd: path.join(cwd(), 'src') });
      const { token } = JSON.parse(String(issued.stdout)) as { token: string };
      expect(existsSync(path.join(cwd(), 'data', 'dotenv.db'))).toBe(true);
      expect(existsSync(path.join(cwd(), 'src', 'data'))).toBe(false);

      // Started from test/, the server reads the same .env and recognises the token.
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: ['../dist/stdio.js'],
        cwd: path.join(cwd(), 'test'),
        env: { ...process.env, MCP_PROD_TOKEN: token } as Record<string, string>,
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const client = new Client({ name: 'e2e-dotenv', version: '1.0.0' });
      await client.connect(transport);
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('search_notes');
      await client.close();
      expect(logLines(stderr).find((l) => l.event === 'started')).toMatchObject({ store: 'sqlite', database: path.join(cwd(), 'data', 'dotenv.db') });

      // The real environment wins over .env.
      const other = path.join(cwd(), 'data', 'other.db');
      const refused = await execa(process.execPath, ['dist/stdio.js'], {
        cwd: cwd(),
        env: { MCP_PROD_DB: other, MCP_PROD_TOKEN: token },
        reject: false,
        stdin: 'ignore',
      });
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain(`no such token in the store at ${other}`);
    } finally {
      rmSync(dotenv, { force: true });
    }
  });
});

describe('the contract lockfile in a generated project', () => {
  const scenario = scenarios[0]!;
  const cwd = () => dirOf(scenario);
  const mcpProd = (args: string[]) =>
    execa('npx', ['--no-install', 'mcp-prod', ...args], { cwd: cwd(), reject: false, stdin: 'ignore', env: { MCP_PROD_NOW: '2026-12-01' } });
  const git = (args: string[]) => run('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', ...args], { cwd: cwd() });
  const toolFile = () => path.join(cwd(), 'src/tools/search-notes.ts');
  const edit = (from: string, to: string) => {
    const text = readFileSync(toolFile(), 'utf8');
    expect(text).toContain(from);
    writeFileSync(toolFile(), text.replace(from, to));
  };

  it('fails check on a breaking schema change, then passes once the major is bumped and re-locked', async () => {
    await git(['init', '--quiet']);
    await git(['add', '--all']);
    await git(['commit', '--quiet', '-m', 'generated']);

    edit('query: z.string().min(1).max(200)', 'query: z.string().min(1).max(100)');
    const failing = await mcpProd(['check']);
    expect(failing.exitCode, failing.stdout + failing.stderr).toBe(1);
    expect(failing.stdout).toContain('search_notes (1.0.0 -> 1.0.0; needs a major bump) src/tools/search-notes.ts');
    expect(failing.stdout).toContain('input.maxLength-tightened at /inputSchema/properties/query/maxLength: maxLength 200 -> 100');
    expect(failing.stdout).toContain(
      "search_notes: run: mcp-prod bump search_notes   (sets version: '2.0.0' in src/tools/search-notes.ts and updates the lockfile)",
    );

    const json = JSON.parse(String((await mcpProd(['check', '--json'])).stdout));
    expect(json.ok).toBe(false);
    expect(json.tools.find((t: { name: string }) => t.name === 'search_notes')).toMatchObject({
      change: 'changed',
      requiredBump: 'major',
      from: '1.0.0',
      to: '1.0.0',
      result: 'fail',
      findings: [{ pointer: '/inputSchema/properties/query/maxLength', rule: 'input.maxLength-tightened', verdict: 'breaking' }],
    });

    const refused = await mcpProd(['lock']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('Refusing to update mcp-tools.lock.json');

    edit("version: '1.0.0'", "version: '2.0.0'");
    const locked = await mcpProd(['lock']);
    expect(locked.exitCode, locked.stderr).toBe(0);
    expect(locked.stdout).toContain('Wrote mcp-tools.lock.json');
    expect((await mcpProd(['lock'])).stdout).toContain('up to date');
    const passing = await mcpProd(['check']);
    expect(passing.exitCode, passing.stdout).toBe(0);
    const lock = JSON.parse(readFileSync(path.join(cwd(), 'mcp-tools.lock.json'), 'utf8'));
    expect(lock.tools.search_notes.history['1']).toMatchObject({ version: '1.0.0', inputSchema: { properties: { query: { maxLength: 200 } } } });
  });

  it('diffs the committed lockfile (a git ref) against the working copy', async () => {
    const result = await mcpProd(['diff', 'HEAD', 'mcp-tools.lock.json', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(String(result.stdout));
    expect(report.ok).toBe(true);
    expect(report.tools.find((t: { name: string }) => t.name === 'search_notes')).toMatchObject({
      change: 'changed',
      requiredBump: 'major',
      from: '1.0.0',
      to: '2.0.0',
      result: 'pass',
    });
    const missing = await mcpProd(['diff', 'no-such-ref', 'mcp-tools.lock.json']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('neither a lockfile path nor a git ref');
  });

  it('annotates failures for GitHub Actions', async () => {
    edit("version: '2.0.0'", "version: '1.9.0'");
    const result = await mcpProd(['check', '--reporter', 'github']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^::error file=src\/tools\/search-notes.ts,title=mcp-prod check%3A search_notes::version went down from 2.0.0 to 1.9.0/m);
    edit("version: '1.9.0'", "version: '2.0.0'");
  });
});

describe('growing a generated project with add-tool, bump and deprecate', () => {
  const scenario = scenarios.find((s) => s.name === 'bare-both')!;
  const cwd = () => dirOf(scenario);
  const mcpProd = (args: string[], now = '2026-12-01') =>
    execa('npx', ['--no-install', 'mcp-prod', ...args], { cwd: cwd(), reject: false, stdin: 'ignore', env: { MCP_PROD_NOW: now } });
  const weatherFile = () => path.join(cwd(), 'src/tools/get-weather.ts');

  it('adds a tool that type-checks, passes its own test and the contract check', async () => {
    const added = await mcpProd(['add-tool', 'get_weather', '--scope', 'weather:read', '--description', 'Current weather for a city.']);
    expect(added.exitCode, added.stderr).toBe(0);
    expect(added.stdout).toContain('CREATE src/tools/get-weather.ts');
    expect((await mcpProd(['add-tool', 'get_weather', '--scope', 'weather:read', '--description', 'Current weather for a city.'])).stdout).toContain(
      'Nothing to do',
    );
    expect((await mcpProd(['add-tool', 'get_forecast', '--scope', 'weather:read', '--description', 'Forecast for a city.'])).exitCode).toBe(0);
    await run('npm', ['run', 'typecheck'], { cwd: cwd() });
    const tests = await run('npx', ['vitest', 'run', 'test/tools/get-weather.test.ts'], { cwd: cwd() });
    expect(tests.stdout).toMatch(/Tests\s+2 passed/);
    expect((await mcpProd(['check'])).exitCode).toBe(0);
  });

  it('fails check on a breaking change and passes after bump', async () => {
    writeFileSync(weatherFile(), readFileSync(weatherFile(), 'utf8').replace('z.string().min(1).max(500)', 'z.string().min(1).max(100)'));
    const failing = await mcpProd(['check']);
    expect(failing.exitCode).toBe(1);
    expect(failing.stdout).toContain('run: mcp-prod bump get_weather');
    const bumped = await mcpProd(['bump', 'get_weather']);
    expect(bumped.exitCode, bumped.stderr).toBe(0);
    expect(bumped.stdout).toContain('get_weather: 1.0.0 -> 2.0.0 (major, required by input.maxLength-tightened');
    expect((await mcpProd(['bump', 'get_weather'])).stdout).toContain('nothing to bump');
    expect((await mcpProd(['check'])).exitCode).toBe(0);
  });

  it('deprecates the tool, and the built server shows the notice', async () => {
    const deprecated = await mcpProd(['deprecate', 'get_weather', '--replacement', 'get_forecast', '--since', '2026-11-01']);
    expect(deprecated.exitCode, deprecated.stderr).toBe(0);
    expect((await mcpProd(['check'])).exitCode).toBe(0);
    await run('npm', ['run', 'build'], { cwd: cwd() });
    const db = path.join(cwd(), 'data', 'deprecation.db');
    const { token } = await issueWithCli(cwd(), db, ['weather:read']);
    const client = new Client({ name: 'e2e-deprecation', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['dist/stdio.js'],
        cwd: cwd(),
        env: { ...process.env, MCP_PROD_DB: db, MCP_PROD_TOKEN: token } as Record<string, string>,
        stderr: 'pipe',
      }),
    );
    const listed = (await client.listTools()).tools.find((t) => t.name === 'get_weather');
    const result = await client.callTool({ name: 'get_weather', arguments: { query: 'Oslo' } });
    // Today (the real clock) decides the phase: before 2026-12-01 the call works with a notice;
    // from then on it is refused and no longer listed.
    if (new Date().toISOString().slice(0, 10) < '2026-12-01') {
      expect(listed!.description).toMatch(/^DEPRECATED: use get_forecast instead; calls are refused from 2026-12-01\./);
      expect(result._meta?.['mcp-prod/deprecation']).toMatchObject({ replacement: 'get_forecast' });
    } else {
      expect(listed).toBeUndefined();
      expect(result._meta?.['mcp-prod/error']).toMatchObject({ code: 'removed_use_replacement', replacement: 'get_forecast' });
    }
    await client.close();
  });

  it('removes the tool from its removeAfter date, and check accepts the removal', async () => {
    const early = await mcpProd(['deprecate', 'get_weather', '--remove'], '2026-12-15');
    expect(early.exitCode).toBe(1);
    expect(early.stderr).toContain('may be removed from 2026-12-31');
    const removed = await mcpProd(['deprecate', 'get_weather', '--remove'], '2026-12-31');
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(existsSync(weatherFile())).toBe(false);
    expect(existsSync(path.join(cwd(), 'test/tools/get-weather.test.ts'))).toBe(false);
    expect(existsSync(path.join(cwd(), 'evals/get-weather.eval.ts'))).toBe(false);
    await run('npm', ['run', 'typecheck'], { cwd: cwd() });
    const checked = await mcpProd(['check'], '2026-12-31');
    expect(checked.exitCode, checked.stdout).toBe(0);
    const lock = JSON.parse(readFileSync(path.join(cwd(), 'mcp-tools.lock.json'), 'utf8'));
    expect(lock.tools.get_weather).toMatchObject({ removedAt: '2026-12-31', version: '2.0.0' });
  });
});

describe('costs and evals in a generated project', () => {
  const scenario = scenarios.find((s) => s.name === 'http-notes')!;
  const cwd = () => dirOf(scenario);

  it('rolls up what the HTTP calls cost, from the store and from the log lines', async () => {
    const db = path.join(cwd(), 'data', 'http.db');
    const fromStore = await execa('npx', ['--no-install', 'mcp-prod', 'costs', '--json'], {
      cwd: cwd(),
      env: { MCP_PROD_DB: db },
      reject: false,
      stdin: 'ignore',
    });
    expect(fromStore.exitCode, fromStore.stderr).toBe(0);
    const report = JSON.parse(String(fromStore.stdout));
    const tools = report.groups.map((g: { tool: string }) => g.tool).sort();
    expect(tools).toEqual(expect.arrayContaining(['create_note', 'search_notes']));
    expect(report.totals.calls).toBeGreaterThan(0);
    expect(report.totals.replays).toBeGreaterThan(0);

    const fromLog = await execa('npx', ['--no-install', 'mcp-prod', 'costs', '--json', '--from-log', path.join(cwd(), 'data', 'http.log')], {
      cwd: cwd(),
      reject: false,
      stdin: 'ignore',
    });
    expect(fromLog.exitCode, fromLog.stderr).toBe(0);
    expect(JSON.parse(String(fromLog.stdout)).totals).toEqual(report.totals);

    const table = await execa('npx', ['--no-install', 'mcp-prod', 'costs', '--by', 'user'], {
      cwd: cwd(),
      env: { MCP_PROD_DB: db },
      reject: false,
      stdin: 'ignore',
    });
    expect(table.stdout).toMatch(/^USER\s+CALLS\s+ERRORS\s+REPLAYS/m);
    expect(table.stdout).toMatch(/^e2e\s+\d+/m);
  });

  it('runs the example evals through the pipeline, and fails on a failing case', async () => {
    const passing = await execa('npm', ['run', 'evals'], { cwd: cwd(), reject: false, stdin: 'ignore' });
    expect(passing.exitCode, passing.stdout + passing.stderr).toBe(0);
    expect(passing.stdout).toContain('PASS search_notes > finds a note by a word of its body');
    expect(passing.stdout).toMatch(/Cost of this run by tool/);
    expect(passing.stdout).toMatch(/6 passed, 0 failed/);

    const failing = path.join(cwd(), 'evals', 'broken.eval.ts');
    writeFileSync(
      failing,
      `import { defineEvals } from './harness.js';\nexport default defineEvals('search_notes', [{ name: 'expects the impossible', arguments: { query: 'x' }, expect: { error: 'note_not_found' } }]);\n`,
    );
    try {
      const failed = await execa('npm', ['run', 'evals'], { cwd: cwd(), reject: false, stdin: 'ignore' });
      expect(failed.exitCode).not.toBe(0);
      expect(failed.stdout).toContain('FAIL search_notes > expects the impossible: expected error note_not_found, but the call succeeded');
      expect(failed.stdout).toMatch(/6 passed, 1 failed/);
    } finally {
      rmSync(failing);
    }
  });
});

describe('Node 24 and the official MCP conformance suite', () => {
  const scenario = scenarios.find((s) => s.name === 'http-notes')!;
  const cwd = () => dirOf(scenario);

  it('create-mcp-prod itself runs on Node 24', async () => {
    const node24 = await ensureNode24();
    const target = makeWorkDir('node24-create');
    try {
      const created = await execa(node24.node, [createBin, 'on-node-24', '--yes', '--no-install', '--no-git', `--cli-version=file:${tarball}`], {
        cwd: target,
        env: nodeEnv(node24),
        reject: false,
        stdin: 'ignore',
      });
      expect(created.exitCode, created.stderr).toBe(0);
      expect(created.stdout).toContain('Created on-node-24');
      expect(existsSync(path.join(target, 'on-node-24', 'src', 'platform', 'pipeline.ts'))).toBe(true);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });

  it("passes its own test suite on Node 24 (better-sqlite3 compiled against Node 24's headers)", async () => {
    const node24 = await ensureNode24();
    const result = await testProjectOnNode(cwd(), node24);
    expect(result.testsPassed).toBeGreaterThan(0);
    expect(new Set(result.processes.map((p) => p.version))).toEqual(new Set([node24.version]));
  });

  it('passes the official conformance suite apart from test/conformance/expected-failures.yml', async () => {
    const node24 = await ensureNode24();
    const report = await runConformance({
      projectDir: cwd(),
      node24,
      token: async (db) => (await issueWithCli(cwd(), db, ['notes:admin', 'system:read'])).token,
    });
    expect(report.ok, formatConformanceReport(report)).toBe(true);
    expect(report.unauthenticatedStatus).toBe(401);
  });
});

describe('several instances on one PostgreSQL database (a project made with --store postgres)', () => {
  const cwd = () => dirOf(pgScenario);
  let database: TestDatabase;
  let instances: StartedHttp[] = [];
  let token: string;
  // REDIS_URL turns on each instance's token cache (30 s), which only a revocation broadcast keeps honest.
  const env = () => ({
    MCP_PROD_STORE: 'postgres',
    DATABASE_URL: database.url,
    MCP_PROD_IDEMPOTENCY_LEASE_SECONDS: '3',
    REDIS_URL: process.env.MCP_PROD_TEST_REDIS_URL!,
  });
  const mcpProd = (args: string[]) => run('npx', ['--no-install', 'mcp-prod', ...args], { cwd: cwd(), env: env() });
  const clients: AnyClient[] = [];
  const connectAll = async (bearer: string) => Promise.all(instances.map((instance) => connectSdk('v2', { kind: 'http', url: instance.url, token: bearer })));
  const outcomeOf = (result: Record<string, any>) =>
    result.isError ? readableError(result).code : result._meta?.['mcp-prod/idempotentReplay'] ? 'replay' : 'executed';

  beforeAll(async () => {
    // A tool with an effect outside the store (think: charging a card), added the user's way; it
    // waits when asked to, so that an instance can be killed while it runs.
    await run(
      'npx',
      ['--no-install', 'mcp-prod', 'add-tool', 'charge_card', '--mutating', '--scope', 'notes:write', '--description', 'Charge a card (pretend).', '--yes'],
      { cwd: cwd() },
    );
    const file = path.join(cwd(), 'src', 'tools', 'charge-card.ts');
    const body = "ctx.cost.external({ usd: 0, vendor: 'none' });";
    expect(readFileSync(file, 'utf8')).toContain(body);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(body, `${body}\n    if (query === 'wait') await new Promise((resolve) => setTimeout(resolve, 60_000));`),
    );
    await run('npm', ['run', 'build'], { cwd: cwd() });
    database = await createTestDatabase('instances');
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    for (const instance of instances) if (instance.child.exitCode === null && instance.child.signalCode === null) await instance.stop();
    await database?.drop();
  });

  it('starts three instances at the same moment on an empty database; the migrations run once', async () => {
    instances = await Promise.all([0, 1, 2].map(() => startBuiltHttpServer(cwd(), env())));
    for (const instance of instances) expect(logLines(instance.stderr()).find((l) => l.event === 'started')).toMatchObject({ store: 'postgres' });
    const applied = await database.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(applied.map((row) => row.id)).toEqual([...new Set(applied.map((row) => row.id))]);
    expect(applied.length).toBeGreaterThan(0);
    ({ token } = JSON.parse(String((await mcpProd(['token', 'issue', '--scopes', 'notes:admin', '--principal', 'alice', '--json'])).stdout)) as {
      token: string;
    });
    clients.push(...(await connectAll(token)));
  });

  it('runs 60 concurrent create_note calls with one key, spread over the three, exactly once', async () => {
    const title = `once ${Date.now()}`;
    const key = `e2e-once-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        clients[i % 3]!.callTool({ name: 'create_note', arguments: { title, body: 'x' }, _meta: { 'mcp-prod/idempotencyKey': key } }),
      ),
    );
    const outcomes = results.map(outcomeOf);
    expect(outcomes.filter((o) => o === 'executed')).toHaveLength(1);
    expect(
      outcomes.every((o) => ['executed', 'replay', 'idempotency_key_in_use'].includes(o)),
      outcomes.join(','),
    ).toBe(true);
    expect(await database.query('SELECT id FROM notes WHERE title = $1', [title])).toHaveLength(1);
  });

  it('counts 300 calls over the three instances exactly in mcp-prod costs, to the nano-dollar', async () => {
    const before = JSON.parse(String((await mcpProd(['costs', '--json', '--by', 'tool'])).stdout));
    const searched = (report: { groups: { tool: string; calls: number; totalNanoUsd: string }[] }) =>
      report.groups.find((g) => g.tool === 'search_notes') ?? { calls: 0, totalNanoUsd: '0' };
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => clients[i % 3]!.callTool({ name: 'search_notes', arguments: { query: 'once' } })));
    expect(results.filter((r) => r.isError)).toEqual([]);
    // Each instance writes its cost records behind the calls, in batches: poll until they are in.
    await vi.waitFor(
      async () => {
        const after = JSON.parse(String((await mcpProd(['costs', '--json', '--by', 'tool'])).stdout));
        expect(searched(after).calls - searched(before).calls).toBe(300);
        expect(BigInt(searched(after).totalNanoUsd) - BigInt(searched(before).totalNanoUsd)).toBe(300n * 123_000n);
      },
      { timeout: 15_000, interval: 500 },
    );
  });

  it('refuses a token revoked with mcp-prod token revoke on every instance at once, although each caches verified tokens', async () => {
    const issued = JSON.parse(String((await mcpProd(['token', 'issue', '--scopes', 'notes:read', '--principal', 'bob', '--json'])).stdout)) as {
      token: string;
      id: string;
    };
    const bobs = await connectAll(issued.token);
    for (const client of bobs) expect((await client.callTool({ name: 'search_notes', arguments: { query: 'x' } })).isError).toBeFalsy();
    const revoked = await mcpProd(['token', 'revoke', issued.id]);
    expect(revoked.stderr).not.toContain('could not tell running instances');
    const revokedAt = Date.now();
    for (const client of bobs) {
      // Delivery through Redis is asynchronous: allow it a moment, and measure it below.
      await vi.waitFor(
        async () => {
          const refused = await client.callTool({ name: 'search_notes', arguments: { query: 'x' } }).then(
            () => undefined,
            (error: Error) => error,
          );
          expect(refused?.message).toMatch(/401|revoked/);
        },
        { timeout: 2_000, interval: 20 },
      );
      await client.close().catch(() => undefined);
    }
    // The bound the generated README states is the cache TTL (30 s); through Redis it is milliseconds.
    expect(Date.now() - revokedAt).toBeLessThan(2_000);
  });

  it('runs a call once when its instance is killed mid-transaction and the retry lands on another', async () => {
    const title = `killed ${Date.now()}`;
    const key = `e2e-killed-${Date.now()}`;
    const call = (client: AnyClient) => client.callTool({ name: 'create_note', arguments: { title, body: 'x' }, _meta: { 'mcp-prod/idempotencyKey': key } });
    // Hold the notes table so that instance 0's insert waits inside its transaction, then kill it.
    const locker = await database.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE notes IN ACCESS EXCLUSIVE MODE');
    const doomed = call(clients[0]!).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 500));
    instances[0]!.child.kill('SIGKILL');
    await doomed;
    await locker.query('ROLLBACK');
    await locker.end();
    expect(await database.query('SELECT id FROM notes WHERE title = $1', [title])).toHaveLength(0);

    const early = await call(clients[1]!);
    expect(outcomeOf(early)).toBe('idempotency_key_in_use');
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    expect(outcomeOf(await call(clients[1]!))).toBe('executed');
    expect(outcomeOf(await call(clients[2]!))).toBe('replay');
    expect(await database.query('SELECT id FROM notes WHERE title = $1', [title])).toHaveLength(1);
  });

  it('answers store_unavailable (never a 500 or a hang) while its connections are killed, and recovers without a restart', async () => {
    const live = [clients[1]!, clients[2]!];
    const statuses: string[] = [];
    const deadline = Date.now() + 4_000;
    let i = 0;
    const load = Promise.all(
      live.map(async (client) => {
        while (Date.now() < deadline) {
          const started = Date.now();
          const result = await client
            .callTool({ name: 'search_notes', arguments: { query: 'once' } })
            .then(outcomeOf, (error: Error) => (/503|store_unavailable/.test(error.message) ? 'store_unavailable' : `thrown: ${error.message}`));
          expect(Date.now() - started).toBeLessThan(10_000);
          statuses.push(result);
          i++;
        }
      }),
    );
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      await database
        .query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database.name])
        .catch(() => []);
    }
    await load;
    expect(i).toBeGreaterThan(10);
    expect(statuses.filter((s) => !['executed', 'store_unavailable'].includes(s))).toEqual([]);
    for (const instance of instances.slice(1)) {
      expect(instance.stderr()).not.toMatch(/"status":500|Internal server error/);
    }
    // Recovered: every live instance answers again.
    for (const client of live) expect(outcomeOf(await client.callTool({ name: 'search_notes', arguments: { query: 'once' } }))).toBe('executed');
  });

  it('answers idempotency_outcome_unknown, never a second run, when an instance dies inside a tool with outside effects', async () => {
    const key = `e2e-charge-${Date.now()}`;
    const call = (client: AnyClient) => client.callTool({ name: 'charge_card', arguments: { query: 'wait' }, _meta: { 'mcp-prod/idempotencyKey': key } });
    const doomed = call(clients[1]!).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 500));
    instances[1]!.child.kill('SIGKILL');
    await doomed;
    expect(outcomeOf(await call(clients[2]!))).toBe('idempotency_key_in_use');
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    expect(readableError(await call(clients[2]!))).toMatchObject({ code: 'idempotency_outcome_unknown', retryable: false });
  });
});
