import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';
import { issueToken } from '../src/platform/tokens.js';
import { openSqliteStore } from '../src/store/sqlite.js';

const fixtureServer = path.resolve('test/fixtures/stdio-server.ts');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Talks JSON-RPC to a spawned server by hand, keeping every stdout line so that the test can
 * prove stdout carried nothing but protocol messages.
 */
async function rawSession(messages: object[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixtureServer], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stdoutLines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const responses = new Map<number, Record<string, any>>();
  const waiting = new Map<number, () => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdoutLines.push(line);
    const message = JSON.parse(line) as Record<string, any>;
    if (typeof message.id === 'number') {
      responses.set(message.id, message);
      waiting.get(message.id)?.();
    }
  });
  for (const message of messages) {
    child.stdin.write(`${JSON.stringify(message)}\n`);
    const id = (message as { id?: number }).id;
    if (id !== undefined && !responses.has(id)) await new Promise<void>((resolve) => waiting.set(id, resolve));
  }
  child.stdin.end();
  await once(child, 'exit');
  return { stdoutLines, stderr, responses };
}

describe('stdio transport', () => {
  it('keeps stdout protocol-only even when a handler writes to it', async () => {
    const { stdoutLines, stderr, responses } = await rawSession([
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'noisy', arguments: {} } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo', arguments: { text: 'after the noise' } } },
    ]);
    expect(stdoutLines.length).toBeGreaterThanOrEqual(3);
    for (const line of stdoutLines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(responses.get(2)?.result.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(responses.get(3)?.result.structuredContent).toEqual({ text: 'after the noise' });
    expect(stderr).toContain('console.log from a handler');
    expect(stderr).toContain('raw stdout write from a handler');
    const logLines = stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logLines.filter((l) => l.event === 'tool_call').map((l) => l.tool_name)).toEqual(['noisy', 'echo']);
  });

  it('serves the real entry point to an SDK client, with the token from the environment', async () => {
    const { file, token, id } = await databaseWithToken(['notes:admin', 'test:admin']);
    const { client, stderr } = await connectToEntry({ MCP_PROD_DB: file, MCP_PROD_TOKEN: token });
    const { tools } = await client.listTools();
    for (const tool of tools) expect(tool._meta?.['mcp-prod/tool']).toHaveProperty('version');
    expect(await client.callTool({ name: 'no_such_tool', arguments: {} }).catch((e: Error) => e.message)).toMatch(/Unknown tool/);

    // Revocation takes effect on the next request, on a connection that is already open.
    const store = openSqliteStore(file);
    await store.tokens.revoke(id, new Date().toISOString());
    await store.close();
    expect(await client.listTools()).toEqual({ tools: [] });
    await client.close();
    expect(stderr()).not.toContain(token);
  });

  it.each([
    ['missing', undefined, /MCP_PROD_TOKEN is not set/],
    ['malformed', 'not-a-token', /MCP_PROD_TOKEN was refused: The bearer token is not a well-formed/],
  ])('exits non-zero with a clear message and a silent stdout when the token is %s', async (_label, token, message) => {
    const { file } = await databaseWithToken(['test:read']);
    const { code, stdout, stderr } = await runEntry({ MCP_PROD_DB: file, ...(token ? { MCP_PROD_TOKEN: token } : {}) });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('names the database it looked in when the token is not recognised (issued against another one)', async () => {
    const { token } = await databaseWithToken(['test:read']);
    const other = await databaseWithToken(['test:read']);
    const { code, stderr } = await runEntry({ MCP_PROD_DB: other.file, MCP_PROD_TOKEN: token });
    expect(code).toBe(1);
    expect(stderr).toContain('not recognised');
    expect(stderr).toContain(other.file);
    expect(stderr).not.toContain(token);
  });

  it('resolves a relative MCP_PROD_DB against the project root when started from a subdirectory', async () => {
    const relative = `data/stdio-relative-${process.pid}-${Date.now()}.db`;
    const absolute = path.resolve(relative);
    dirs.push(absolute, `${absolute}-wal`, `${absolute}-shm`);
    const store = openSqliteStore(absolute);
    const { token } = await issueToken(store.tokens, { principal: 'alice', scopes: ['test:read'], now: new Date() });
    await store.close();
    const { client, stderr } = await connectToEntry({ MCP_PROD_DB: relative, MCP_PROD_TOKEN: token }, path.resolve('test'));
    await client.listTools();
    await client.close();
    const started = stderr()
      .split('\n')
      .find((line) => line.includes('"event":"started"'));
    expect(JSON.parse(started!)).toMatchObject({ store: 'sqlite', database: absolute });
  });

  it('exits non-zero for a revoked token without echoing it', async () => {
    const { file, token, id } = await databaseWithToken(['test:read']);
    const store = openSqliteStore(file);
    await store.tokens.revoke(id, new Date().toISOString());
    await store.close();
    const { code, stdout, stderr } = await runEntry({ MCP_PROD_DB: file, MCP_PROD_TOKEN: token });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('revoked');
    expect(stderr).not.toContain(token);
  });

  it('exits non-zero with a clear message and a silent stdout when the configuration is invalid', async () => {
    const { code, stdout, stderr } = await runEntry({ LOG_LEVEL: 'loud' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('LOG_LEVEL="loud"');
  });
});

async function databaseWithToken(scopes: string[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'stdio-test-'));
  dirs.push(dir);
  const file = path.join(dir, 'mcp.db');
  const store = openSqliteStore(file);
  const { token, record } = await issueToken(store.tokens, { principal: 'alice', scopes, now: new Date() });
  await store.close();
  return { file, token, id: record.id };
}

async function connectToEntry(env: Record<string, string>, cwd?: string) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    ...(cwd ? { cwd } : {}),
    args: ['--import', 'tsx', path.resolve('src/stdio.ts')],
    env: { ...process.env, MCP_PROD_STORE: 'sqlite', ...env } as Record<string, string>,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'stdio-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

async function runEntry(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/stdio.ts')], {
    env: { ...process.env, MCP_PROD_TOKEN: '', MCP_PROD_STORE: 'sqlite', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}
