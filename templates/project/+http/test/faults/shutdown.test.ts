import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/index.js';
import { fixtureTools } from '../fixtures/tools.js';
import { waitAWhile } from '../fixtures/wait-a-while.js';
import { closeServers, mcpHeaders, rawSocket, send, serve, spawnServer, toolCall, within } from './http-support.js';
import { collectSecrets } from './secret-scan.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  await closeServers();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const withKey = (name: string, args: unknown, key: string) =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args, _meta: { 'mcp-prod/idempotencyKey': key } } });

/** A SQLite file of its own, so that what a stopped server wrote can be read afterwards. */
function sqliteEnv() {
  const dir = mkdtempSync(path.join(tmpdir(), 'http-shutdown-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { MCP_PROD_STORE: 'sqlite', MCP_PROD_DB: path.join(dir, 'mcp.db') };
}

describe('shutdown drains', () => {
  it('answers 503 with Retry-After to requests on open connections while draining; /readyz says draining, /healthz stays up', async () => {
    const { server, url, auth } = await serve();
    const { host } = new URL(url);
    const key = `drain-${Date.now()}`;
    collectSecrets(key);
    const call = send(url, { headers: { ...mcpHeaders, ...auth }, body: withKey('append_effect', { label: 'draining', delayMs: 800 }, key) });
    // Requests already begun on open connections, finished once the drain has started.
    const late = { mcp: rawSocket(url), ready: rawSocket(url), live: rawSocket(url) };
    late.mcp.socket.write(`POST /mcp HTTP/1.1\r\nHost: ${host}\r\n`);
    late.ready.socket.write(`GET /readyz HTTP/1.1\r\nHost: ${host}\r\n`);
    late.live.socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closing = server.close(5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    late.mcp.socket.write(`Authorization: ${auth.authorization}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
    late.ready.socket.write('\r\n');
    late.live.socket.write('\r\n');
    await within(2_000, late.mcp.closed);
    expect(late.mcp.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(late.mcp.received().toLowerCase()).toMatch(/retry-after: 1\r\n[\s\S]*connection: close/);
    expect(late.mcp.received()).toContain('"code":"shutting_down"');
    await within(
      2_000,
      (async () => {
        while (!late.ready.received().includes('}') || !late.live.received().includes('}')) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
    );
    expect(late.ready.received()).toMatch(/^HTTP\/1\.1 503 [\s\S]*\{"status":"not_ready","reason":"draining"\}/);
    expect(late.live.received()).toMatch(/^HTTP\/1\.1 200 [\s\S]*\{"status":"ok"\}/);
    // The call that was in flight finishes normally, so nothing was cut off.
    const finished = await call;
    expect(finished.status).toBe(200);
    expect(finished.json().result.isError).toBeFalsy();
    expect(await closing).toEqual({ cutOff: 0 });
  });

  it('cuts off calls of both protocol eras at the deadline: each handler sees its abort and each call is logged', async () => {
    const { server, url, token, logs } = await serve({ tools: [...fixtureTools, waitAWhile] });
    const clients = await Promise.all(
      (['legacy', 'auto'] as const).map(async (mode) => {
        const client = new Client({ name: `drain-${mode}`, version: '1.0.0' }, { versionNegotiation: { mode } });
        await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
        return client;
      }),
    );
    const calls = clients.map((client) => client.callTool({ name: 'wait_a_while', arguments: { ms: 15_000 } }).catch((error: Error) => error));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { value, ms } = await within(5_000, server.close(500));
    expect(value).toEqual({ cutOff: 2 });
    expect(ms).toBeLessThan(2_000);
    // The clients learn at once: their connections are reset, not left to wait for a resumption.
    const outcomes = (await within(2_000, Promise.all(calls))).value;
    expect(outcomes.map((outcome) => outcome instanceof Error)).toEqual([true, true]);
    expect(logs.events('wait_aborted')).toHaveLength(2);
    expect(logs.calls().filter((line) => line.tool_name === 'wait_a_while')).toHaveLength(2);
    expect(logs.events('shutdown_cut_off')).toMatchObject([{ cut_off: 2 }]);
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  });

  it('exits 0 on SIGTERM once a call in flight has finished within the grace period', async () => {
    const server = await spawnServer({ MCP_PROD_STORE: 'memory', MCP_PROD_SHUTDOWN_GRACE_SECONDS: '5' });
    try {
      const call = send(server.url, { headers: { ...mcpHeaders, ...server.auth }, body: toolCall('wait_a_while', { ms: 1_000 }) });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const sent = Date.now();
      server.child.kill('SIGTERM');
      const response = await call;
      const [code] = await server.exited;
      process.stderr.write(`HTTP shutdown, 1 s call, 5 s grace: exit ${code} after ${Date.now() - sent} ms\n`);
      expect(code, server.stderr()).toBe(0);
      expect(response.json().result.structuredContent.waitedMs).toBeGreaterThanOrEqual(950);
      expect(server.events('drained')).toMatchObject([{ cut_off: 0 }]);
      expect(server.events('tool_call')).toMatchObject([{ tool_name: 'wait_a_while', status: 'ok' }]);
    } finally {
      await server.finish();
    }
  });

  it('cuts off a call that outlives the grace period: its handler is aborted at the deadline, its log line and cost are written, and the exit code is 1', async () => {
    const env = { ...sqliteEnv(), MCP_PROD_SHUTDOWN_GRACE_SECONDS: '1' };
    const server = await spawnServer(env);
    try {
      const call = send(server.url, { headers: { ...mcpHeaders, ...server.auth }, body: toolCall('wait_a_while', { ms: 15_000 }) }).catch(
        (error: Error) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = Date.now();
      server.child.kill('SIGTERM');
      const [code] = await server.exited;
      const took = Date.now() - sent;
      process.stderr.write(`HTTP shutdown, 15 s call, 1 s grace: exit ${code} after ${took} ms\n`);
      expect(code, server.stderr()).toBe(1);
      expect(took).toBeGreaterThanOrEqual(950);
      expect(took).toBeLessThan(4_000);
      await within(1_000, call);
      expect(server.events('shutdown_cut_off')).toMatchObject([{ cut_off: 1, grace_ms: 1_000 }]);
      expect(server.events('wait_aborted')).toHaveLength(1);
      expect(server.events('tool_call')).toMatchObject([{ tool_name: 'wait_a_while', status: 'error', external_cost_usd: 0.02 }]);
      expect(server.events('shutdown_unsettled')).toEqual([]);

      const store = openStore(loadConfig(env));
      try {
        const rows = await store.costs.daily(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
        expect(rows).toMatchObject([{ tool: 'wait_a_while', principalId: 'fault-tester', calls: 1, errors: 1, externalNanoUsd: 20_000_000n }]);
      } finally {
        await store.close();
      }
    } finally {
      await server.finish();
    }
  });

  it('lets a cut-off transactional call unwind before the store closes, so its idempotency key can be used again', async () => {
    const env = { ...sqliteEnv(), MCP_PROD_SHUTDOWN_GRACE_SECONDS: '1' };
    const key = `shutdown-key-${Date.now()}`;
    collectSecrets(key);
    const body = withKey('tx_effect', { label: 'cut-off', waitMs: 3_000 }, key);
    const first = await spawnServer(env);
    try {
      const call = send(first.url, { headers: { ...mcpHeaders, ...first.auth }, body }).catch((error: Error) => error);
      await new Promise((resolve) => setTimeout(resolve, 300));
      first.child.kill('SIGTERM');
      expect((await first.exited)[0], first.stderr()).toBe(1);
      await call;
      expect(first.events('tool_call')).toMatchObject([{ tool_name: 'tx_effect', status: 'error' }]);
    } finally {
      await first.finish();
    }
    const second = await spawnServer(env);
    try {
      const retry = await send(second.url, { headers: { ...mcpHeaders, ...second.auth }, body });
      const result = retry.json().result;
      expect(result._meta?.['mcp-prod/error']?.code ?? 'none', JSON.stringify(result)).not.toMatch(/idempotency_outcome_unknown|idempotency_key_in_use/);
      expect(result.structuredContent).toMatchObject({ effect: expect.any(Number) });
    } finally {
      await second.finish();
    }
  });
});
