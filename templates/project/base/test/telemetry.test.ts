/**
 * OpenTelemetry end to end: the real SDK and OTLP/HTTP exporters (JSON bodies) send to a
 * receiver the test starts (helpers/otlp.ts), and the tests read what arrived: the span tree of each call (the
 * request's SERVER span, continued from the caller's traceparent, with a child per store
 * operation), its attributes and the metrics.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import type { App } from '../src/app.js';
import { noopSpan, noTelemetry, startTelemetry } from '../src/platform/telemetry.js';
import { defineTool } from '../src/platform/tool.js';
import { createMemoryStore } from '../src/store/memory.js';
import { connectClient, issueTestToken, newKey, testApp, type Era } from './helpers/harness.js';
import { attrs, point, SPAN_KIND_SERVER, startReceiver, STATUS_ERROR, total, type OtlpSpan } from './helpers/otlp.js';

const transfer = defineTool({
  name: 'transfer',
  version: '1.0.0',
  description: 'Writes only through ctx.tx (a test tool).',
  scopes: ['billing:write'],
  readOnly: false,
  transactional: true,
  input: z.strictObject({}),
  async handler(_input, ctx) {
    ctx.cost.external({ usd: 0.001 });
    return 'moved';
  },
});

const charge = defineTool({
  name: 'charge',
  version: '1.2.0',
  description: 'Charges a card (a test tool that also annotates its span).',
  scopes: ['billing:write'],
  readOnly: false,
  idempotency: 'optional',
  input: z.strictObject({ amount: z.number().int().min(1) }),
  output: z.object({ charged: z.number().int() }),
  async handler({ amount }, ctx) {
    ctx.span.setAttribute('app.charge.amount', amount);
    ctx.span.addEvent('card_charged');
    ctx.cost.external({ usd: 0.002, vendor: 'payments' });
    return { charged: amount };
  },
});

const run = promisify(execFile);

let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  receiver.clear();
});

/** An app with telemetry on, exporting to the receiver; calls authenticate with a real stored token. */
async function setup(scopes = ['billing:write'], era: Era = 'legacy') {
  const telemetry = await startTelemetry(
    { serviceName: 'telemetry-test', serviceVersion: '0.1.0' },
    { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_METRIC_EXPORT_INTERVAL: '600000' },
  );
  expect(telemetry.enabled).toBe(true);
  let app: App | undefined;
  let token = '';
  // Verifying the token inside the call puts the store's token lookup into the call's trace.
  ({ app } = testApp({ tools: [charge, transfer], telemetry, authenticate: async () => (await app!.verifier.verify(token, app!.clock.now())).principal }));
  token = (await issueTestToken(app, scopes)).token;
  const connection = await connectClient(app, era);
  cleanups.push(async () => {
    await connection.close();
    await app!.close();
  });
  return { app, telemetry, client: connection.client };
}

const traceparent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;
const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

function serverSpan(name: string): OtlpSpan {
  const matching = receiver.spans().filter((span) => span.name === name);
  expect(matching, `one span named ${name}`).toHaveLength(1);
  return matching[0]!;
}
const childrenOf = (parent: OtlpSpan) => receiver.spans().filter((span) => span.parentSpanId === parent.spanId);

describe('OpenTelemetry (OTLP/HTTP JSON to a receiver)', () => {
  it('traces a successful call as a SERVER span continuing the caller trace, with store child spans and metrics', async () => {
    const { client, telemetry } = await setup();
    const traceId = randomHex(16);
    const parentId = randomHex(8);
    const key = newKey();
    const result = await client.callTool({
      name: 'charge',
      arguments: { amount: 5 },
      _meta: { traceparent: traceparent(traceId, parentId), 'mcp-prod/idempotencyKey': key },
    });
    expect(result.isError).toBeFalsy();
    await client.listTools();
    await client.ping();
    await telemetry.flush();

    expect(receiver.received.headers.every((h) => h['content-type'] === 'application/json')).toBe(true);
    expect(attrs(receiver.resource().attributes)).toMatchObject({ 'service.name': 'telemetry-test', 'service.version': '0.1.0' });

    const span = serverSpan('tools/call charge');
    expect(span.kind).toBe(SPAN_KIND_SERVER);
    expect(span.traceId).toBe(traceId);
    expect(span.parentSpanId).toBe(parentId);
    expect(span.status?.code ?? 0).not.toBe(STATUS_ERROR);
    const a = attrs(span.attributes);
    expect(a).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'charge',
      'gen_ai.operation.name': 'execute_tool',
      'mcp.protocol.version': '2025-11-25',
      'network.transport': 'tcp',
      'mcp_prod.tool.version': '1.2.0',
      'mcp_prod.scopes': ['billing:write'],
      'mcp_prod.principal_id': 'alice',
      'mcp_prod.status': 'ok',
      'mcp_prod.idempotency': 'executed',
      'mcp_prod.cost.nano_usd': 2_000_000,
      'app.charge.amount': 5,
    });
    expect(a['jsonrpc.request.id']).toMatch(/^\d+$/);
    expect(a['mcp_prod.call_id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toHaveProperty('error.type');
    expect(span.events?.map((e) => e.name)).toContain('card_charged');

    const children = childrenOf(span);
    const names = children.map((child) => child.name);
    expect(names).toEqual(expect.arrayContaining(['store tokens.findByHash', 'store idempotency.claim', 'store idempotency.complete', 'store costs.record']));
    for (const child of children) {
      expect(child.traceId).toBe(traceId);
      expect(attrs(child.attributes)).toMatchObject({ 'mcp_prod.store.kind': 'memory' });
    }

    // Every MCP request has its span, not only tools/call.
    for (const method of ['tools/list', 'ping', 'initialize']) {
      const other = serverSpan(method);
      expect(other.kind).toBe(SPAN_KIND_SERVER);
      expect(attrs(other.attributes)).toMatchObject({ 'mcp.method.name': method, 'network.transport': 'tcp' });
      expect(other.traceId).not.toBe(traceId);
    }

    const duration = receiver.metric('mcp.server.operation.duration');
    expect(duration?.unit).toBe('s');
    const callDurations = point(duration, { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'charge' });
    expect(total(callDurations)).toBe(1);
    expect(callDurations[0]!.attributes.some((x) => x.key === 'error.type')).toBe(false);
    expect(total(point(duration, { 'mcp.method.name': 'tools/list' }))).toBe(1);
    expect(
      total(point(receiver.metric('mcp_prod.tool.calls'), { 'gen_ai.tool.name': 'charge', 'mcp_prod.status': 'ok', 'mcp_prod.idempotency': 'executed' })),
    ).toBe(1);
    expect(total(point(receiver.metric('mcp_prod.tool.cost'), { 'gen_ai.tool.name': 'charge', 'mcp_prod.cost.kind': 'external' }))).toBe(2_000_000);
    expect(receiver.metric('mcp_prod.tool.errors')).toBeUndefined();
  });

  it('marks refused calls: a tool error (validation, scope) as error.type tool_error, an unknown tool as its JSON-RPC code', async () => {
    const { client, telemetry } = await setup(['billing:read']);
    const refused = await client.callTool({ name: 'charge', arguments: { amount: 5 } });
    expect(refused.isError).toBe(true);
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow();
    await telemetry.flush();

    const span = serverSpan('tools/call charge');
    expect(span.status?.code).toBe(STATUS_ERROR);
    expect(attrs(span.attributes)).toMatchObject({
      'error.type': 'tool_error',
      'mcp_prod.error.code': 'insufficient_scope',
      'mcp_prod.status': 'error',
      'mcp_prod.scopes': ['billing:write'],
    });
    expect(attrs(span.attributes)).not.toHaveProperty('mcp_prod.idempotency');
    // Refused before idempotency: the token was looked up, nothing was claimed.
    const names = childrenOf(span).map((child) => child.name);
    expect(names).toContain('store tokens.findByHash');
    expect(names).not.toContain('store idempotency.claim');

    const unknown = serverSpan('tools/call no_such_tool');
    expect(unknown.status?.code).toBe(STATUS_ERROR);
    expect(attrs(unknown.attributes)).toMatchObject({ 'error.type': '-32602', 'rpc.response.status_code': '-32602', 'mcp_prod.error.code': 'unknown_tool' });

    const duration = receiver.metric('mcp.server.operation.duration');
    expect(total(point(duration, { 'gen_ai.tool.name': 'charge', 'error.type': 'tool_error' }))).toBe(1);
    // Metrics name only registered tools: a caller's made-up names would each be a new series.
    expect(total(point(duration, { 'gen_ai.tool.name': '_OTHER', 'error.type': '-32602' }))).toBe(1);
    expect(point(duration, { 'gen_ai.tool.name': 'no_such_tool' })).toHaveLength(0);
    const errors = receiver.metric('mcp_prod.tool.errors');
    expect(total(point(errors, { 'gen_ai.tool.name': 'charge', 'mcp_prod.error.code': 'insufficient_scope' }))).toBe(1);
    expect(total(point(errors, { 'gen_ai.tool.name': '_OTHER', 'mcp_prod.error.code': 'unknown_tool' }))).toBe(1);
  });

  it('records a validation failure as a tool_error with its code', async () => {
    const { client, telemetry } = await setup();
    const result = await client.callTool({ name: 'charge', arguments: { amount: 0 } });
    expect(result.isError).toBe(true);
    await telemetry.flush();
    expect(attrs(serverSpan('tools/call charge').attributes)).toMatchObject({ 'error.type': 'tool_error', 'mcp_prod.error.code': 'validation_failed' });
    expect(total(point(receiver.metric('mcp_prod.tool.errors'), { 'mcp_prod.error.code': 'validation_failed' }))).toBe(1);
  });

  it('shows an idempotent replay: its own span, a claim that found the stored result, no handler work, and the replay counter', async () => {
    const { client, telemetry } = await setup();
    const key = newKey();
    const traceId = randomHex(16);
    await client.callTool({ name: 'charge', arguments: { amount: 7 }, _meta: { 'mcp-prod/idempotencyKey': key } });
    receiver.clear();
    await telemetry.flush();
    receiver.clear();
    const replay = await client.callTool({
      name: 'charge',
      arguments: { amount: 7 },
      _meta: { 'mcp-prod/idempotencyKey': key, traceparent: traceparent(traceId, randomHex(8)) },
    });
    expect(replay.structuredContent).toEqual({ charged: 7 });
    await telemetry.flush();

    const span = serverSpan('tools/call charge');
    expect(span.traceId).toBe(traceId);
    const a = attrs(span.attributes);
    expect(a).toMatchObject({ 'mcp_prod.idempotency': 'replayed', 'mcp_prod.status': 'ok', 'mcp_prod.cost.nano_usd': 0 });
    expect(a).not.toHaveProperty('app.charge.amount');
    const names = childrenOf(span).map((child) => child.name);
    expect(names).toContain('store idempotency.claim');
    expect(names).not.toContain('store idempotency.complete');

    expect(total(point(receiver.metric('mcp_prod.tool.replays'), { 'gen_ai.tool.name': 'charge' }))).toBe(1);
    expect(total(point(receiver.metric('mcp_prod.tool.calls'), { 'gen_ai.tool.name': 'charge' }))).toBe(2);
    expect(total(point(receiver.metric('mcp_prod.tool.calls'), { 'mcp_prod.idempotency': 'replayed' }))).toBe(1);
  });

  it('wraps a transactional call: the transaction span, with the writes committed inside it as its children', async () => {
    const { client, telemetry } = await setup();
    expect((await client.callTool({ name: 'transfer', arguments: {}, _meta: { 'mcp-prod/idempotencyKey': newKey() } })).isError).toBeFalsy();
    await telemetry.flush();
    const span = serverSpan('tools/call transfer');
    const transaction = childrenOf(span).find((child) => child.name === 'store transaction')!;
    expect(transaction).toBeDefined();
    expect(childrenOf(transaction).map((child) => child.name)).toEqual(expect.arrayContaining(['store tx.idempotency.complete', 'store tx.costs.record']));
    expect(attrs(span.attributes)).toMatchObject({ 'mcp_prod.idempotency': 'executed', 'mcp_prod.cost.nano_usd': 1_000_000 });
  });

  it('reads the protocol version from the request envelope in the 2026-07-28 era', async () => {
    const { client, telemetry } = await setup(['billing:write'], 'auto');
    await client.callTool({ name: 'charge', arguments: { amount: 1 }, _meta: { 'mcp-prod/idempotencyKey': newKey() } });
    await telemetry.flush();
    expect(attrs(serverSpan('tools/call charge').attributes)).toMatchObject({ 'mcp.protocol.version': '2026-07-28', 'network.transport': 'tcp' });
  });

  it('reports what it cannot honour, and an unreachable collector, as warnings', async () => {
    const warnings: string[] = [];
    const telemetry = await startTelemetry(
      { serviceName: 'x', serviceVersion: '0', onWarning: (message) => warnings.push(message) },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TIMEOUT: '500' },
    );
    const { app } = testApp({ tools: [charge], telemetry, store: createMemoryStore() });
    cleanups.push(() => app.close());
    const connection = await connectClient(app);
    cleanups.push(connection.close);
    await connection.client.ping();
    await telemetry.flush().catch(() => undefined);
    expect(warnings[0]).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported.*http\/json/);
    await expect.poll(() => warnings.slice(1), { timeout: 5000 }).toContainEqual(expect.stringMatching(/export failed.*ECONNREFUSED/));
    expect(warnings.join('\n')).not.toContain('    at ');
  });

  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT (or with OTEL_SDK_DISABLED): no SDK, a no-op span in handlers', async () => {
    expect(await startTelemetry({ serviceName: 'x', serviceVersion: '0' }, {})).toBe(noTelemetry);
    expect(await startTelemetry({ serviceName: 'x', serviceVersion: '0' }, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: 'true' })).toBe(
      noTelemetry,
    );
    let seen: unknown;
    const probe = defineTool({
      name: 'probe',
      version: '1.0.0',
      description: 'Reports its span.',
      scopes: [],
      readOnly: true,
      input: z.strictObject({}),
      async handler(_input, ctx) {
        seen = ctx.span;
        ctx.span.setAttribute('ignored', true);
        return 'ok';
      },
    });
    const store = createMemoryStore();
    const { app } = testApp({ tools: [probe], store });
    const connection = await connectClient(app);
    cleanups.push(connection.close);
    expect((await connection.client.callTool({ name: 'probe', arguments: {} })).isError).toBeFalsy();
    expect(seen).toBe(noopSpan);
    expect(app.store).toBe(store);
    expect(receiver.received.traces).toHaveLength(0);
  });

  it('loads no OpenTelemetry module at all when off, not even the API (a process serving a call)', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/fixtures/telemetry-off-probe.ts'], { env });
    expect(JSON.parse(stdout)).toEqual({ isError: false, loaded: [] });
  });
});
