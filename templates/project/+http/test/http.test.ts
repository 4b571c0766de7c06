import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { openAdmin } from '../src/admin.js';
import { loadConfig } from '../src/config.js';
import { startHttpServer, type RunningHttpServer } from '../src/http.js';
import { defineTool } from '../src/platform/tool.js';
import { fixtureTools } from './fixtures/tools.js';
import { issueTestToken, testApp } from './helpers/harness.js';

const running: RunningHttpServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close(100);
});

let releaseSlowCall: () => void = () => {};
const slow = defineTool({
  name: 'slow',
  version: '1.0.0',
  description: 'Waits until the test releases it.',
  scopes: [],
  readOnly: true,
  input: z.strictObject({}),
  async handler() {
    await new Promise<void>((resolve) => (releaseSlowCall = resolve));
    return 'finished';
  },
});

async function start(env: Record<string, string> = {}) {
  const { app, logs } = testApp({
    tools: [...fixtureTools, slow],
    config: loadConfig({ MCP_PROD_STORE: 'memory', PORT: '0', MCP_PROD_MAX_BODY_BYTES: '4096', ...env }),
  });
  const server = await startHttpServer(app);
  running.push(server);
  const { token } = await issueTestToken(app, ['test:admin']);
  return { app, logs, server, token, auth: { authorization: `Bearer ${token}` } };
}

/** A raw HTTP request, so that headers the fetch API forbids (Host) can be set. */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; chunked?: boolean }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    if (options.body && options.chunked) {
      for (let i = 0; i < options.body.length; i += 1024) req.write(options.body.slice(i, i + 1024));
      req.end();
    } else req.end(options.body);
  });
}

const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
const listTools = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });

async function connect(url: string, token: string) {
  const client = new Client({ name: 'http-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

describe('Streamable HTTP server', () => {
  it('serves tools to an SDK client over a real socket', async () => {
    const { server, logs, token } = await start();
    const client = await connect(server.url, token);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'over http' } });
    expect(result.structuredContent).toEqual({ text: 'over http' });
    await client.close();
    expect(logs.calls()).toHaveLength(1);
  });

  it('answers /healthz and 404 for other paths', async () => {
    const { server } = await start();
    const base = server.url.replace(/\/mcp$/, '');
    expect(await send(`${base}/healthz`, { method: 'GET' })).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect((await send(`${base}/other`, { method: 'GET' })).status).toBe(404);
  });

  it('reports an unavailable store on /readyz, while /healthz (liveness) stays up', async () => {
    const { server, app } = await start();
    const base = server.url.replace(/\/mcp$/, '');
    expect(await send(`${base}/readyz`, { method: 'GET' })).toEqual({ status: 200, body: '{"status":"ready"}' });
    await app.store.close();
    expect(await send(`${base}/readyz`, { method: 'GET' })).toEqual({ status: 503, body: '{"status":"not_ready","reason":"store_unavailable"}' });
    expect((await send(`${base}/healthz`, { method: 'GET' })).status).toBe(200);
  });

  it('rejects a foreign Host header (DNS rebinding) with 403', async () => {
    const { server } = await start();
    const response = await send(server.url, { headers: { ...mcpHeaders, host: 'evil.example:80' }, body: listTools });
    expect(response.status).toBe(403);
    expect(response.body).toContain('Invalid Host');
  });

  it('rejects a foreign Origin with 403 and accepts a local one', async () => {
    const { server, auth } = await start();
    const evil = await send(server.url, { headers: { ...mcpHeaders, ...auth, origin: 'https://evil.example' }, body: listTools });
    expect(evil.status).toBe(403);
    const local = await send(server.url, { headers: { ...mcpHeaders, ...auth, origin: 'http://localhost:5173' }, body: listTools });
    expect(local.status).toBe(200);
  });

  it('accepts configured hosts and origins instead of the loopback defaults', async () => {
    const { server, auth } = await start({ MCP_PROD_ALLOWED_HOSTS: 'mcp.example.com', MCP_PROD_ALLOWED_ORIGINS: 'app.example.com' });
    const ok = await send(server.url, { headers: { ...mcpHeaders, ...auth, host: 'mcp.example.com', origin: 'https://app.example.com' }, body: listTools });
    expect(ok.status).toBe(200);
    const loopback = await send(server.url, { headers: { ...mcpHeaders, ...auth }, body: listTools });
    expect(loopback.status).toBe(403);
  });

  it('answers 413 to a body over the limit, declared or streamed', async () => {
    const { server, auth } = await start();
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x'.repeat(8000) } } });
    expect((await send(server.url, { headers: mcpHeaders, body: big })).status).toBe(413);
    // A streamed body is only read once the token is accepted (without one the answer is 401).
    expect((await send(server.url, { headers: { ...mcpHeaders, ...auth, 'transfer-encoding': 'chunked' }, body: big, chunked: true })).status).toBe(413);
  });

  it('lets an in-flight call finish during a graceful shutdown, then refuses new connections', async () => {
    const { server, token } = await start();
    const client = await connect(server.url, token);
    const call = client.callTool({ name: 'slow', arguments: {} });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = server.close(5_000);
    releaseSlowCall();
    expect((await call).content).toEqual([{ type: 'text', text: 'finished' }]);
    await closing;
    await expect(send(server.url, { headers: mcpHeaders, body: listTools })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('exits cleanly on SIGTERM when run as a program', async () => {
    const { child, started, stderr } = await startProgram({ MCP_PROD_STORE: 'memory' });
    const health = await send(started.url.replace(/\/mcp$/, '/healthz'), { method: 'GET' });
    expect(health.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(stderr()).toContain('"event":"stopping","reason":"SIGTERM"');
  });

  it('refuses a token revoked by another process from the next request on, though it caches verified tokens', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'http-revoke-'));
    const env = { MCP_PROD_STORE: 'sqlite', MCP_PROD_DB: path.join(dir, 'mcp.db') };
    // What `npx mcp-prod token issue` and `token revoke` do, from this process, on the same file.
    const admin = openAdmin(env);
    const { child, started } = await startProgram(env);
    try {
      const { token, record } = await admin.tokens.issue({ scopes: ['notes:read'], name: 'revoke-test' });
      const list = () => send(started.url, { headers: { ...mcpHeaders, authorization: `Bearer ${token}` }, body: listTools });
      expect((await list()).status).toBe(200);
      expect((await list()).status).toBe(200);
      await admin.tokens.revoke(record.id);
      expect((await list()).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await admin.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The server as `npm run start:http` runs it, on a port of its own. */
async function startProgram(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/http.ts'], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const started = await new Promise<{ url: string }>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${stderr}`)));
    child.stderr.on('data', () => {
      const line = stderr.split('\n').find((l) => l.includes('"event":"started"'));
      if (line) resolve(JSON.parse(line) as { url: string });
    });
  });
  return { child, started, stderr: () => stderr };
}
