/**
 * What an HTTP server process loads to serve clients: the SDK's web-standard handler behind
 * src/http/fetch-bridge.ts, not the SDK's Node adapter, whose module brings @hono/node-server for
 * a transport class this server does not use. V8 lists every
 * script a process parsed when NODE_V8_COVERAGE is set, ES modules and Node's own included.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer } from './faults/http-support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the HTTP server process', () => {
  it('serves a 2025-11-25 session and its calls without the SDK Node adapter or hono', async () => {
    const coverage = mkdtempSync(path.join(tmpdir(), 'http-modules-'));
    dirs.push(coverage);
    const server = await spawnServer({ MCP_PROD_STORE: 'memory', NODE_V8_COVERAGE: coverage });
    const client = new Client({ name: 'modules-probe', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.auth } }));
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('echo');
    expect(await client.callTool({ name: 'echo', arguments: { text: 'hi' } })).toMatchObject({ structuredContent: { text: 'hi' } });
    await client.close();
    server.child.kill('SIGTERM');
    expect((await server.exited)[0]).toBe(0);

    const scripts = readdirSync(coverage).flatMap((file) =>
      (JSON.parse(readFileSync(path.join(coverage, file), 'utf8')) as { result: { url: string }[] }).result.map((script) => script.url),
    );
    // The list is complete enough to show them: the bridge and Node's own http modules are in it.
    expect(scripts.some((url) => url.endsWith('/src/http/fetch-bridge.ts'))).toBe(true);
    expect(scripts).toContain('node:_http_server');
    expect(scripts.filter((url) => /\/node_modules\/(@hono|@modelcontextprotocol\/node)\//.test(url))).toEqual([]);
  });
});
