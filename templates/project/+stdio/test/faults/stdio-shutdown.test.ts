import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { collectLogs } from '../faults/secret-scan.js';

const fixtureServer = path.resolve('test/fixtures/stdio-server.ts');

/** A fixture server over stdio, spoken to line by line, with everything it said kept. */
function session(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixtureServer], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const responses = new Map<unknown, Record<string, any>>();
  const unmatched: Record<string, any>[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as Record<string, any>;
    if (message.id === null || message.id === undefined) unmatched.push(message);
    else responses.set(message.id, message);
  });
  const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
  send({
    jsonrpc: '2.0',
    id: 'init',
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const waitFor = async (test: () => boolean, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!test() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(test(), `waited ${ms} ms; stderr:\n${stderr}`).toBe(true);
  };
  const calls = () =>
    stderr
      .split('\n')
      .filter((l) => l.includes('"event":"tool_call"'))
      .map((l) => JSON.parse(l) as Record<string, any>);
  return { child, send, responses, unmatched, exited, waitFor, calls, stderr: () => stderr };
}

const slowCall = (id: number, delayMs: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'append_effect', arguments: { label: `slow-${id}`, delayMs }, _meta: { 'mcp-prod/idempotencyKey': `k-${id}-${Date.now()}` } },
});

describe('stdio shutdown drains', () => {
  it('answers a call already read when the input ends, then exits 0', async () => {
    const s = session();
    await s.waitFor(() => s.responses.has('init'));
    s.send(slowCall(1, 800));
    s.child.stdin.end();
    const [code] = await s.exited;
    collectLogs(s.stderr());
    expect(code, s.stderr()).toBe(0);
    expect(s.responses.get(1)?.result?.structuredContent).toMatchObject({ effect: expect.any(Number) });
    expect(s.calls()).toMatchObject([{ tool_name: 'append_effect', status: 'ok' }]);
  });

  it('lets a call in flight finish on SIGTERM within the grace period, and exits 0', async () => {
    const s = session({ MCP_PROD_SHUTDOWN_GRACE_SECONDS: '5' });
    await s.waitFor(() => s.responses.has('init'));
    s.send(slowCall(2, 1000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    s.child.kill('SIGTERM');
    const [code] = await s.exited;
    collectLogs(s.stderr());
    expect(code, s.stderr()).toBe(0);
    expect(s.responses.get(2)?.result?.isError).toBeFalsy();
  });

  it('cuts off a call that outlives the grace period: its log line and cost are still written, and the exit code says so', async () => {
    const s = session({ MCP_PROD_SHUTDOWN_GRACE_SECONDS: '1' });
    await s.waitFor(() => s.responses.has('init'));
    s.send(slowCall(3, 30_000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    s.child.kill('SIGTERM');
    const [code] = await s.exited;
    collectLogs(s.stderr());
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(s.calls()).toMatchObject([{ tool_name: 'append_effect', status: 'error', error_code: 'cancelled', external_cost_usd: 0.01 }]);
    expect(s.stderr()).toContain('"event":"calls_cut_off"');
  });
});

describe('stdio input the server cannot take', () => {
  it('writes one call line for a tools/call the SDK refuses before the pipeline (no tool name)', async () => {
    const s = session();
    await s.waitFor(() => s.responses.has('init'));
    s.send({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { arguments: { text: 'x' } } });
    await s.waitFor(() => s.responses.has(11));
    expect(s.responses.get(11)?.error ?? s.responses.get(11)?.result?.isError).toBeTruthy();
    await s.waitFor(() => s.calls().length === 1);
    expect(s.calls()).toMatchObject([{ tool_name: 'unknown', status: 'error', error_code: 'invalid_params' }]);
    s.child.stdin.end();
    await s.exited;
    collectLogs(s.stderr());
  });

  it('answers a message over the size limit with an error and keeps serving', async () => {
    const s = session({ MCP_PROD_MAX_MESSAGE_BYTES: '65536' });
    await s.waitFor(() => s.responses.has('init'));
    s.child.stdin.write(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"text":"${'x'.repeat(2_000_000)}"}}}\n`);
    s.send({ jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 'echo', arguments: { text: 'still here' } } });
    await s.waitFor(() => s.responses.has(10));
    expect(s.responses.get(10)?.result?.structuredContent).toEqual({ text: 'still here' });
    expect(s.unmatched).toMatchObject([{ error: { code: -32600, message: expect.stringContaining('exceeds the limit of 65536 bytes') } }]);
    expect(s.stderr()).toContain('"event":"stdio_message_too_large"');
    s.child.stdin.end();
    expect((await s.exited)[0]).toBe(0);
    collectLogs(s.stderr());
  });
});
