import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBin, logLines, makeWorkDir, packTarball, run, startBuiltHttpServer } from './support.js';

interface Scenario {
  name: string;
  transport: 'stdio' | 'http' | 'both';
  example: boolean;
  /** Installed by create-mcp-prod itself (the user's path) rather than in the shared workspace. */
  standalone?: boolean;
}

const scenarios: Scenario[] = [
  { name: 'full-server', transport: 'both', example: true, standalone: true },
  { name: 'bare-both', transport: 'both', example: false },
  { name: 'stdio-bare', transport: 'stdio', example: false },
  { name: 'http-notes', transport: 'http', example: true },
];

let workDir: string;
let tarball: string;
const dirOf = (scenario: Scenario) =>
  path.join(workDir, scenario.standalone ? 'standalone' : 'workspace', scenario.name);

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
        `--cli-version=file:${tarball}`,
        ...(scenario.example ? [] : ['--no-example']),
        ...(install ? [] : ['--no-install']),
      ],
      { cwd },
    );

  // The standalone scenario goes through create-mcp-prod's own install; the others share one
  // npm workspace install (compiling better-sqlite3 once). Both installs run concurrently.
  const workspace = path.join(workDir, 'workspace');
  const shared = scenarios.filter((s) => !s.standalone);
  mkdirSync(workspace, { recursive: true });
  mkdirSync(path.join(workDir, 'standalone'), { recursive: true });
  for (const scenario of shared) await create(scenario, workspace, false);
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

  it('type-checks, passes its own tests and builds', async () => {
    const cwd = dirOf(scenario);
    await run('npm', ['run', 'typecheck'], { cwd });
    const tests = await run('npm', ['test'], { cwd });
    expect(tests.stdout).toMatch(/Tests\s+\d+ passed/);
    await run('npm', ['run', 'build'], { cwd });
    expect(existsSync(path.join(cwd, stdio ? 'dist/stdio.js' : 'dist/http.js'))).toBe(true);
  });

  it('runs the pinned mcp-prod CLI from the installed tarball', async () => {
    const result = await run('npx', ['--no-install', 'mcp-prod', '--version'], { cwd: dirOf(scenario) });
    const own = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(String(result.stdout).trim()).toBe(own.version);
  });

  if (stdio) {
    it('serves a real client over stdio from the build', async () => {
      const cwd = dirOf(scenario);
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: ['dist/stdio.js'],
        cwd,
        env: { ...process.env, MCP_PROD_DB: path.join(cwd, 'data', 'stdio.db') } as Record<string, string>,
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
      await client.connect(transport);
      await exerciseTools(client, scenario);
      await client.close();
      expect(logLines(stderr).filter((l) => l.event === 'tool_call').length).toBeGreaterThan(0);
    });
  }

  if (http) {
    it('serves a real client over Streamable HTTP from the build, and stops on SIGTERM', async () => {
      const cwd = dirOf(scenario);
      const server = await startBuiltHttpServer(cwd, { MCP_PROD_DB: path.join(cwd, 'data', 'http.db') });
      try {
        for (const mode of ['legacy', 'auto'] as const) {
          const client = new Client({ name: `e2e-http-${mode}`, version: '1.0.0' }, { versionNegotiation: { mode } });
          await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
          await exerciseTools(client, scenario);
          await client.close();
        }
        const health = await fetch(server.url.replace(/\/mcp$/, '/healthz'));
        expect(health.status).toBe(200);
      } finally {
        expect(await server.stop()).toBe(0);
      }
      const calls = logLines(server.stderr()).filter((l) => l.event === 'tool_call');
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) expect(Object.keys(call)).toEqual(expect.arrayContaining(['call_id', 'tool_name', 'tool_version', 'status', 'latency_ms']));
    });
  }
});

/** Lists tools and, where the examples exist, creates and finds a note through the pipeline. */
async function exerciseTools(client: Client, scenario: Scenario): Promise<void> {
  const { tools } = await client.listTools();
  if (!scenario.example) {
    expect(tools).toEqual([]);
    await expect(client.callTool({ name: 'create_note', arguments: {} })).rejects.toThrow(/Unknown tool/);
    return;
  }
  expect(tools.map((t) => t.name).sort()).toEqual(['create_note', 'delete_note', 'search_notes']);
  for (const tool of tools) expect(tool._meta?.['mcp-prod/tool']).toMatchObject({ version: '1.0.0' });
  const title = `e2e ${Math.random().toString(36).slice(2)}`;
  const created = await client.callTool({ name: 'create_note', arguments: { title, body: 'from the e2e test' } });
  expect(created.isError).toBeFalsy();
  const found = await client.callTool({ name: 'search_notes', arguments: { query: title } });
  expect(found.structuredContent).toMatchObject({ notes: [{ title }] });
  const invalid = await client.callTool({ name: 'create_note', arguments: { title: '' } });
  expect(invalid.isError).toBe(true);
  expect(invalid.structuredContent).toMatchObject({ error: { code: 'validation_failed', issues: [{ path: '/title' }] } });
}
