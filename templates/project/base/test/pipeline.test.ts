import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { localPrincipal } from '../src/platform/auth.js';
import { fixedClock } from '../src/platform/clock.js';
import { connectClient, errorOf, rawCall, testApp, type Era } from './helpers/harness.js';
import { fixtureTools, handlerRuns } from './fixtures/tools.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(era: Era, options: { scopes?: string[]; now?: string } = {}) {
  const clock = fixedClock(options.now ?? '2026-02-01T12:00:00Z');
  const { app, logs } = testApp({
    tools: fixtureTools,
    clock,
    ...(options.scopes ? { authenticate: localPrincipal(options.scopes) } : {}),
  });
  const connection = await connectClient(app, era);
  cleanups.push(connection.close);
  return { app, logs, clock, client: connection.client };
}

describe.each<Era>(['legacy', 'auto'])('tool-call pipeline (%s era)', (era) => {
  it('publishes each tool with its contract metadata in tools/list', async () => {
    const { client } = await setup(era);
    const { tools } = await client.listTools();
    const echo = tools.find((t) => t.name === 'echo')!;
    expect(echo._meta?.['mcp-prod/tool']).toEqual({ version: '2.3.0', scopes: ['test:read'], idempotency: 'none', readOnly: true });
    expect(echo.inputSchema).toMatchObject({ type: 'object', required: ['text'], additionalProperties: false });
    expect(echo.outputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } } });
    expect(echo.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    const write = tools.find((t) => t.name === 'write_thing')!;
    expect(write._meta?.['mcp-prod/tool']).toMatchObject({ idempotency: 'optional', readOnly: false });
  });

  it('runs a valid call and writes one log line with every field', async () => {
    const { client, logs } = await setup(era);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hi', times: 2 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ text: 'hihi' });
    expect(result.content).toEqual([{ type: 'text', text: '{"text":"hihi"}' }]);

    const [line] = logs.calls();
    expect(logs.calls()).toHaveLength(1);
    expect(line).toMatchObject({
      level: 'info',
      event: 'tool_call',
      tool_name: 'echo',
      tool_version: '2.3.0',
      scopes_required: ['test:read'],
      user_id: 'local',
      input: { text: 'hi', times: 2 },
      output_summary: { is_error: false, content_items: 1, structured: true },
      llm_cost_usd: 0,
      external_cost_usd: 0,
      status: 'ok',
      error_code: null,
    });
    expect(line!.call_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof line!.latency_ms).toBe('number');
    expect(line!.latency_ms as number).toBeGreaterThanOrEqual(0);
    expect(typeof line!.time).toBe('string');
  });

  it('returns validation issues with JSON-pointer paths and does not run the handler', async () => {
    const { client, logs } = await setup(era);
    const before = handlerRuns.get('echo') ?? 0;
    const result = await client.callTool({ name: 'echo', arguments: { text: '', times: 9, extra: true } });
    const error = errorOf(result);
    expect(error.code).toBe('validation_failed');
    expect(error.retryable).toBe(false);
    const paths = (error.issues as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual(['', '/text', '/times']);
    expect(error.issues).toContainEqual(expect.objectContaining({ path: '/text', code: 'too_small' }));
    expect(handlerRuns.get('echo') ?? 0).toBe(before);
    expect(logs.calls()[0]).toMatchObject({ status: 'error', error_code: 'validation_failed', tool_version: '2.3.0' });
  });

  it('answers schema_mismatch when the caller cached another major version', async () => {
    const { client, logs } = await setup(era);
    const stale = await client.callTool({ name: 'echo', arguments: { text: 'hi' }, _meta: { 'mcp-prod/toolVersion': '1.9.0' } });
    const error = errorOf(stale);
    expect(error).toMatchObject({ code: 'schema_mismatch', requestedVersion: '1.9.0', currentVersion: '2.3.0' });
    expect(error.currentInputSchema).toMatchObject({ type: 'object', required: ['text'] });
    expect(logs.calls()[0]).toMatchObject({ error_code: 'schema_mismatch' });

    const sameMajor = await client.callTool({ name: 'echo', arguments: { text: 'ok' }, _meta: { 'mcp-prod/toolVersion': '2.0.1' } });
    expect(sameMajor.isError).toBeFalsy();
  });

  it('refuses a toolVersion that is not a semantic version', async () => {
    const { client } = await setup(era);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hi' }, _meta: { 'mcp-prod/toolVersion': 'latest' } });
    expect(errorOf(result)).toMatchObject({ code: 'validation_failed', issues: [{ path: '/params/_meta/mcp-prod~1toolVersion' }] });
  });

  it('denies a caller without the required scope before the handler runs', async () => {
    const { client, logs } = await setup(era, { scopes: ['test:read'] });
    const before = handlerRuns.get('write_thing') ?? 0;
    const result = await client.callTool({ name: 'write_thing', arguments: { value: 'x' } });
    expect(errorOf(result)).toMatchObject({ code: 'insufficient_scope', requiredScopes: ['test:write'], missingScopes: ['test:write'] });
    expect(handlerRuns.get('write_thing') ?? 0).toBe(before);
    expect(logs.calls()[0]).toMatchObject({ status: 'error', error_code: 'insufficient_scope' });
  });

  it('lets a higher tier of the same resource through (admin covers write)', async () => {
    const { client } = await setup(era, { scopes: ['test:admin'] });
    const result = await client.callTool({ name: 'write_thing', arguments: { value: 'x' } });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: 'text', text: 'wrote x' }]);
  });

  it('serves a deprecated tool with a notice during phase 1', async () => {
    const { client, logs } = await setup(era, { now: '2026-03-15T00:00:00Z' });
    const { tools } = await client.listTools();
    const old = tools.find((t) => t.name === 'old_echo')!;
    expect(old.description).toMatch(/^DEPRECATED: use echo instead; calls are refused from 2026-03-31\. Merged into echo\.\n/);
    expect(old._meta?.['mcp-prod/tool']).toMatchObject({
      deprecated: { since: '2026-03-01', replacement: 'echo', refuseAfter: '2026-03-31', removeAfter: '2026-04-30' },
    });

    const result = await client.callTool({ name: 'old_echo', arguments: { text: 'still here' } });
    expect(result.isError).toBeFalsy();
    expect(result._meta?.['mcp-prod/deprecation']).toEqual({
      since: '2026-03-01',
      replacement: 'echo',
      refuseAfter: '2026-03-31',
      removeAfter: '2026-04-30',
      reason: 'Merged into echo.',
    });
    expect(logs.calls()[0]).toMatchObject({ tool_name: 'old_echo', status: 'deprecated', error_code: null });
  });

  it('shows no notice before the deprecation date', async () => {
    const { client } = await setup(era, { now: '2026-02-28T23:59:59.999Z' });
    const old = (await client.listTools()).tools.find((t) => t.name === 'old_echo')!;
    expect(old.description).toBe('Echo, the old way.');
    const result = await client.callTool({ name: 'old_echo', arguments: { text: 'x' } });
    expect(result._meta?.['mcp-prod/deprecation']).toBeUndefined();
  });

  it('refuses a deprecated tool from refuseAfter (phase 2), naming the replacement', async () => {
    const { client, logs, clock } = await setup(era, { now: '2026-03-30T23:59:59.999Z' });
    expect((await client.callTool({ name: 'old_echo', arguments: { text: 'x' } })).isError).toBeFalsy();

    clock.set('2026-03-31T00:00:00.000Z');
    const before = handlerRuns.get('old_echo') ?? 0;
    const refused = await client.callTool({ name: 'old_echo', arguments: { text: 'x' } });
    expect(errorOf(refused)).toMatchObject({ code: 'removed_use_replacement', replacement: 'echo', refusedSince: '2026-03-31' });
    expect(handlerRuns.get('old_echo') ?? 0).toBe(before);
    expect(logs.calls()[1]).toMatchObject({ status: 'error', error_code: 'removed_use_replacement' });
  });

  it('lists a deprecated tool until its refusal date and leaves it out from then on', async () => {
    const { client, clock } = await setup(era, { now: '2026-03-30T23:59:59.999Z' });
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('old_echo');
    clock.set('2026-03-31T00:00:00.000Z');
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('old_echo');
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo');
  });

  it('records the cost a handler reported on its log line', async () => {
    const { client, logs } = await setup(era);
    await client.callTool({ name: 'priced', arguments: {} });
    expect(logs.calls()[0]).toMatchObject({ llm_cost_usd: 0.0021, external_cost_usd: 0.015, status: 'ok' });
  });

  it('turns a crash into internal_error without leaking the exception message', async () => {
    const { client, logs } = await setup(era);
    const result = await client.callTool({ name: 'failing', arguments: { mode: 'crash' } });
    const error = errorOf(result);
    expect(error.code).toBe('internal_error');
    expect(JSON.stringify(result)).not.toContain('hunter2');
    const [call] = logs.calls();
    expect(error.call_id).toBe(call!.call_id);
    expect(call).toMatchObject({ status: 'error', error_code: 'internal_error', level: 'error' });
    expect(logs.events('handler_threw')).toHaveLength(1);
  });

  it('reports a handler business error with its own code', async () => {
    const { client, logs } = await setup(era);
    const result = await client.callTool({ name: 'failing', arguments: { mode: 'business' } });
    expect(errorOf(result)).toEqual({ code: 'thing_not_found', message: 'No such thing.', retryable: false, id: 7 });
    expect(logs.calls()[0]).toMatchObject({ status: 'error', error_code: 'thing_not_found' });
  });

  it('refuses output that violates the output schema as internal_error', async () => {
    const { client, logs } = await setup(era);
    const result = await client.callTool({ name: 'failing', arguments: { mode: 'bad_output' } });
    expect(errorOf(result).code).toBe('internal_error');
    expect(logs.events('output_schema_violation')).toHaveLength(1);
  });

  it('answers an unknown tool with a protocol error and still logs the call', async () => {
    const { client, logs } = await setup(era);
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool: no_such_tool/);
    expect(logs.calls()).toHaveLength(1);
    expect(logs.calls()[0]).toMatchObject({ tool_name: 'no_such_tool', tool_version: null, status: 'error', error_code: 'unknown_tool' });
  });

  it('redacts secrets and caps large values in the logged input', async () => {
    const { client, logs } = await setup(era);
    await client.callTool({
      name: 'write_thing',
      arguments: { value: 'v'.repeat(1000), password: 'hunter2', nested: { apiKey: 'sk-live-123' } },
    });
    const line = JSON.stringify(logs.calls()[0]);
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('sk-live-123');
    expect(logs.calls()[0]!.input).toMatchObject({ password: '[REDACTED]', nested: { apiKey: '[REDACTED]' } });
    expect((logs.calls()[0]!.input as { value: string }).value.length).toBeLessThan(300);
  });

  it('writes call_id once per line, and never the idempotency key in any field', async () => {
    const { client, logs } = await setup(era);
    const key = `secret-key-${Date.now()}`;
    await client.callTool({ name: 'write_thing', arguments: { value: 'x', idempotencyKey: key } });
    const [line] = logs.raw.filter((l) => l.includes('"event":"tool_call"'));
    expect(line!.match(/"call_id":/g)).toHaveLength(1);
    expect(logs.calls()[0]!.input).toMatchObject({ idempotencyKey: '[REDACTED]' });
    expect(logs.raw.join('\n')).not.toContain(key);
  });

  it('writes exactly one tool_call line per call, whatever the outcome', async () => {
    const { client, logs } = await setup(era, { scopes: ['test:read'] });
    await client.callTool({ name: 'echo', arguments: { text: 'a' } });
    await client.callTool({ name: 'echo', arguments: {} });
    await client.callTool({ name: 'write_thing', arguments: { value: 'x' } });
    await client.callTool({ name: 'failing', arguments: { mode: 'crash' } });
    await client.callTool({ name: 'nope', arguments: {} }).catch(() => undefined);
    const calls = logs.calls();
    expect(calls.map((c) => c.error_code)).toEqual([null, 'validation_failed', 'insufficient_scope', 'internal_error', 'unknown_tool']);
    expect(new Set(calls.map((c) => c.call_id)).size).toBe(5);
  });
});

describe('the logger of a call', () => {
  it('is made only when the call logs something of its own, and then carries its call_id', async () => {
    const { app, client, logs } = await setup('legacy');
    const child = vi.spyOn(app.logger, 'child');
    await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(logs.calls()).toHaveLength(1);
    expect(child).not.toHaveBeenCalled();
    // An unknown model: the call warns before its line.
    await client.callTool({ name: 'summarize', arguments: { model: 'mystery-model', inputTokens: 5, outputTokens: 5 } });
    expect(child).toHaveBeenCalledTimes(1);
    const line = logs.calls()[1]!;
    expect(logs.events('cost_unpriced')).toMatchObject([{ call_id: line.call_id, model: 'mystery-model' }]);
  });
});

describe('boundary check of the raw request', () => {
  it('logs unexpected protocol fields as schema_drift and still serves the call', async () => {
    const { app, logs } = testApp({ tools: fixtureTools });
    const { message } = await rawCall(app, {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'priced', surprise: 1, _meta: { 'mcp-prod/idempotency_key': 'typo' } },
    });
    expect(message.result.isError).toBeFalsy();
    const drift = logs.events('schema_drift').map((d) => `${d.kind} ${d.path}`);
    expect(drift.sort()).toEqual(['unexpected_field /params/_meta/mcp-prod~1idempotency_key', 'unexpected_field /params/surprise']);
    expect(logs.calls()).toHaveLength(1);
  });

  it('logs nothing as drift for a well-formed request', async () => {
    const { app, logs } = testApp({ tools: fixtureTools });
    await rawCall(app, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'priced', arguments: {} } });
    expect(logs.events('schema_drift')).toEqual([]);
  });

  it('treats a call without arguments as well-formed: the protocol makes them optional, and official clients omit them', async () => {
    const { app, logs } = testApp({ tools: fixtureTools });
    const { message } = await rawCall(app, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'priced' } });
    expect(message.result.isError).toBeFalsy();
    expect(logs.events('schema_drift')).toEqual([]);
  });
});

describe('schema_mismatch from the lockfile history', () => {
  const v1Input = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { message: { type: 'string' } },
    required: ['message'],
    additionalProperties: false,
  };

  async function setup() {
    const dir = mkdtempSync(path.join(tmpdir(), 'lock-history-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const lockfile = path.join(dir, 'mcp-tools.lock.json');
    writeFileSync(
      lockfile,
      JSON.stringify({ lockfileVersion: 1, tools: { echo: { history: { '1': { version: '1.4.0', inputSchema: v1Input, outputSchema: null } } } } }),
    );
    const { app, logs } = testApp({ tools: fixtureTools, config: loadConfig({ MCP_PROD_STORE: 'memory', MCP_PROD_LOCKFILE: lockfile }) });
    const connection = await connectClient(app);
    cleanups.push(connection.close);
    return { client: connection.client, logs };
  }

  it("carries the called major's locked input schema beside the current one", async () => {
    const { client } = await setup();
    const error = errorOf(await client.callTool({ name: 'echo', arguments: { message: 'hi' }, _meta: { 'mcp-prod/toolVersion': '1.2.0' } }));
    expect(error).toMatchObject({ code: 'schema_mismatch', requestedVersion: '1.2.0', currentVersion: '2.3.0', requestedInputSchema: v1Input });
    expect(error.currentInputSchema).toMatchObject({ required: ['text'] });
  });

  it('recognises a stale caller by its arguments when it sends no version', async () => {
    const { client, logs } = await setup();
    const error = errorOf(await client.callTool({ name: 'echo', arguments: { message: 'hi' } }));
    expect(error).toMatchObject({ code: 'schema_mismatch', requestedVersion: '1.4.0', inferredFromArguments: true, requestedInputSchema: v1Input });
    expect(logs.calls()[0]).toMatchObject({ error_code: 'schema_mismatch' });
  });

  it('still answers validation_failed for arguments no version accepts', async () => {
    const { client } = await setup();
    expect(errorOf(await client.callTool({ name: 'echo', arguments: { nothing: true } })).code).toBe('validation_failed');
  });
});
