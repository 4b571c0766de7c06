/**
 * OpenTelemetry through the real stdio entry point: OTEL_EXPORTER_OTLP_ENDPOINT in the
 * environment turns it on, spans carry network.transport=pipe, the caller's traceparent is
 * continued, and what is buffered is exported when the server stops.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueToken } from '../src/platform/tokens.js';
import { serverInfo } from '../src/server.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { attrs, SPAN_KIND_SERVER, startReceiver } from './helpers/otlp.js';

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let dir: string;
beforeAll(async () => {
  receiver = await startReceiver();
  dir = mkdtempSync(path.join(tmpdir(), 'stdio-otel-'));
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

it('exports the spans of a stdio session when the server stops', async () => {
  const file = path.join(dir, 'mcp.db');
  const store = openSqliteStore(file);
  const { token } = await issueToken(store.tokens, { principal: 'alice', scopes: ['notes:admin', 'test:admin'], now: new Date() });
  await store.close();

  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', path.resolve('src/stdio.ts')],
    env: {
      ...process.env,
      MCP_PROD_STORE: 'sqlite',
      MCP_PROD_DB: file,
      MCP_PROD_TOKEN: token,
      // Without the verified-token cache the token is read from the store inside every request's span.
      MCP_PROD_TOKEN_CACHE_SECONDS: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Longer than the test: whatever arrives was exported by the shutdown's flush.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      OTEL_METRIC_EXPORT_INTERVAL: '600000',
    } as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'stdio-otel-test', version: '1.0.0' });
  await client.connect(transport);
  await client.listTools();
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  await expect(client.callTool({ name: 'no_such_tool', arguments: {}, _meta: { traceparent: `00-${traceId}-${parentId}-01` } })).rejects.toThrow(
    /Unknown tool/,
  );
  await client.close();

  // Closing the session stops the server, which flushes spans and metrics before it exits.
  const spans = await receiver.waitForSpans((received) => received.some((span) => span.name === 'tools/call no_such_tool'));
  expect(attrs(receiver.resource().attributes)).toMatchObject({ 'service.name': serverInfo.name, 'service.version': serverInfo.version });
  for (const method of ['initialize', 'tools/list']) {
    const span = spans.find((s) => s.name === method)!;
    expect(span.kind).toBe(SPAN_KIND_SERVER);
    expect(attrs(span.attributes)).toMatchObject({ 'mcp.method.name': method, 'network.transport': 'pipe', 'mcp.protocol.version': '2025-11-25' });
  }
  const call = spans.find((s) => s.name === 'tools/call no_such_tool')!;
  expect(call.traceId).toBe(traceId);
  expect(call.parentSpanId).toBe(parentId);
  expect(attrs(call.attributes)).toMatchObject({ 'network.transport': 'pipe', 'error.type': '-32602', 'mcp_prod.error.code': 'unknown_tool' });
  await receiver.waitForMetrics();
  const duration = receiver.metric('mcp.server.operation.duration');
  expect(duration?.histogram?.dataPoints.map((p) => attrs(p.attributes)['mcp.method.name'])).toEqual(
    expect.arrayContaining(['initialize', 'tools/list', 'tools/call']),
  );
  // The token is checked once at start-up (outside any request), then per request inside its span.
  expect(spans.some((span) => span.parentSpanId === spans.find((s) => s.name === 'tools/list')!.spanId && span.name === 'store tokens.findByHash')).toBe(true);
});
