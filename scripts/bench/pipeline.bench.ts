/**
 * Runs inside a generated project (copied there by scripts/bench/run.mjs). Measures per-call
 * latency of the full pipeline against a bare SDK v2 McpServer tool doing the same store work,
 * in one process, over the in-process Streamable HTTP handler with a real SDK Client. The
 * pipeline side pays for token verification and, on create_note, the idempotency claim and
 * completion (two more SQLite writes); the bare side has neither.
 *
 * A second table runs the same pipeline with OpenTelemetry on (spans and metrics exported over
 * OTLP/HTTP to a sink in another process) against the same pipeline with it off, as a ratio.
 * "Off" is the default: no SDK loaded, and no hook in the pipeline does any work.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { pino } from 'pino';
import { z } from 'zod/v4';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { buildServer } from '../src/server.js';
import { startTelemetry } from '../src/platform/telemetry.js';
import { issueToken } from '../src/platform/tokens.js';
import { openSqliteStore } from '../src/store/sqlite.js';

type Era = 'legacy' | 'auto';
const CALLS = Number(process.env.BENCH_CALLS ?? 3000);
const WARMUP = 300;
const ROUNDS = 6;

const dir = mkdtempSync(path.join(tmpdir(), 'mcp-prod-bench-'));
const store = openSqliteStore(path.join(dir, 'bench.db'));
for (let i = 0; i < 200; i++) {
  await store.notes.create({ ownerId: 'local', title: `note ${i}`, body: `body of note ${i} about benchmarks`, tags: [], createdAt: new Date().toISOString() });
}

// The pipeline writes its log line to a real pino destination, like production (minus the terminal).
const app = createApp({
  config: loadConfig({ MCP_PROD_STORE: 'memory', LOG_LEVEL: 'info' }),
  store,
  logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })),
});
const { token } = await issueToken(store.tokens, { principal: 'local', scopes: ['notes:admin'], now: new Date() });
const mcp = createMcpHandler(() => buildServer(app, { transport: 'http' }));
// Every pipeline request also pays for what src/http.ts does in front of it: verifying the
// bearer token against the store (SHA-256 and an indexed lookup) before handing over authInfo.
function pipelineHandlerFor(target: typeof app, handler: typeof mcp) {
  return {
    async fetch(request: Request) {
      const { principal } = await target.verifier.verify(token, new Date());
      return handler.fetch(request, {
        authInfo: { token: principal.tokenId!, clientId: principal.id, scopes: [...principal.scopes], extra: { principalId: principal.id } },
      });
    },
  };
}
const pipelineHandler = pipelineHandlerFor(app, mcp);

// Telemetry on: an OTLP/HTTP sink in its own process (a collector is never in the server's), spans
// batched every 200 ms so that their export is part of what is measured.
const sink = spawn(
  process.execPath,
  [
    '-e',
    "const s=require('http').createServer((q,r)=>{q.resume();q.on('end',()=>r.writeHead(200,{'content-type':'application/json'}).end('{}'))});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))",
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const sinkPort = await new Promise<string>((resolve) => sink.stdout.once('data', (data: Buffer) => resolve(data.toString().trim())));
process.env.OTEL_BSP_SCHEDULE_DELAY = '200';
const telemetry = await startTelemetry(
  { serviceName: 'bench', serviceVersion: '0.0.0' },
  { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_METRIC_EXPORT_INTERVAL: '5000' },
);
const tracedApp = createApp({
  config: loadConfig({ MCP_PROD_STORE: 'memory', LOG_LEVEL: 'info' }),
  store,
  logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })),
  telemetry,
});
const tracedHandler = pipelineHandlerFor(
  tracedApp,
  createMcpHandler(() => buildServer(tracedApp, { transport: 'http' })),
);

/** The same two tools on a bare McpServer: SDK validation only, no platform stages. */
function bareServer(): McpServer {
  const server = new McpServer({ name: 'bare', version: '1.0.0' });
  const note = z.object({ id: z.number().int(), title: z.string(), body: z.string(), tags: z.array(z.string()), createdAt: z.string() });
  server.registerTool(
    'search_notes',
    {
      description: 'Search notes',
      inputSchema: z.strictObject({ query: z.string().min(1).max(200), limit: z.number().int().min(1).max(50).default(10) }),
      outputSchema: z.object({ notes: z.array(note) }),
      annotations: { readOnlyHint: true },
    },
    async ({ query, limit }) => {
      const found = await store.notes.search('local', query, limit);
      const structured = { notes: found.map(({ ownerId: _o, ...rest }) => rest) };
      return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
    },
  );
  server.registerTool(
    'create_note',
    {
      description: 'Create a note',
      inputSchema: z.strictObject({
        title: z.string().min(1).max(200),
        body: z.string().max(10_000).default(''),
        tags: z.array(z.string()).max(20).default([]),
        idempotencyKey: z.string().optional(),
      }),
      outputSchema: z.object({ id: z.number().int(), createdAt: z.string() }),
    },
    async ({ title, body, tags }) => {
      const created = await store.notes.create({ ownerId: 'local', title, body, tags, createdAt: new Date().toISOString() });
      const structured = { id: created.id, createdAt: created.createdAt };
      return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
    },
  );
  return server;
}
const bareHandler = createMcpHandler(() => bareServer());

async function connect(handler: { fetch(r: Request): Promise<Response> }, era: Era) {
  const client = new Client({ name: 'bench', version: '1.0.0' }, { versionNegotiation: { mode: era } });
  await client.connect(new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
  return client;
}

type Call = { name: string; arguments: Record<string, unknown> };
const calls: Record<string, (i: number) => Call> = {
  'search_notes (read-only)': () => ({ name: 'search_notes', arguments: { query: 'benchmarks', limit: 10 } }),
  'create_note (mutating)': (i) => ({
    name: 'create_note',
    arguments: { title: `bench ${i}`, body: 'written by the benchmark', idempotencyKey: randomUUID() },
  }),
};

async function sample(client: Client, make: (i: number) => Call, n: number, into: number[]) {
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    const result = await client.callTool(make(i));
    into.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.isError) throw new Error(`benchmark call failed: ${JSON.stringify(result)}`);
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

const rows: string[] = [];
const telemetryRows: string[] = [];
for (const era of ['legacy', 'auto'] as Era[]) {
  for (const [label, make] of Object.entries(calls)) {
    const samples = { pipeline: [] as number[], bare: [] as number[], traced: [] as number[] };
    // Fresh clients per round (the 2.4.0 client leaks AbortSignal listeners on long connections),
    // and the variants alternate so that drift on this machine hits them alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of ['pipeline', 'bare', 'traced'] as const) {
        const client = await connect({ pipeline: pipelineHandler, bare: bareHandler, traced: tracedHandler }[variant], era);
        await sample(client, make, round === 0 ? WARMUP : 0, []);
        await sample(client, make, Math.ceil(CALLS / ROUNDS), samples[variant]);
        await client.close();
      }
    }
    const stats = Object.fromEntries(
      Object.entries(samples).map(([k, v]) => {
        const sorted = [...v].sort((a, b) => a - b);
        return [k, { median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) }];
      }),
    ) as Record<'pipeline' | 'bare' | 'traced', { median: number; p99: number }>;
    rows.push(
      `| ${era === 'legacy' ? '2025-11-25' : '2026-07-28'} | ${label} | ${stats.bare.median.toFixed(3)} | ${stats.bare.p99.toFixed(3)} | ${stats.pipeline.median.toFixed(3)} | ${stats.pipeline.p99.toFixed(3)} | ${(stats.pipeline.median / stats.bare.median).toFixed(2)}x | ${(stats.pipeline.p99 / stats.bare.p99).toFixed(2)}x |`,
    );
    telemetryRows.push(
      `| ${era === 'legacy' ? '2025-11-25' : '2026-07-28'} | ${label} | ${stats.pipeline.median.toFixed(3)} | ${stats.pipeline.p99.toFixed(3)} | ${stats.traced.median.toFixed(3)} | ${stats.traced.p99.toFixed(3)} | ${(stats.traced.median / stats.pipeline.median).toFixed(2)}x | ${(stats.traced.p99 / stats.pipeline.p99).toFixed(2)}x |`,
    );
  }
}

console.log(`Per-call latency in ms over ${CALLS} calls per cell (Node ${process.version}, SQLite store)\n`);
console.log('| protocol era | tool | bare median | bare p99 | pipeline median | pipeline p99 | median ratio | p99 ratio |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log('\nThe same pipeline with OpenTelemetry off (the default: no SDK loaded) and on (OTLP/HTTP JSON to a sink process)\n');
console.log('| protocol era | tool | off median | off p99 | on median | on p99 | median ratio | p99 ratio |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of telemetryRows) console.log(row);
await tracedApp.telemetry.shutdown();
sink.kill();
await store.close();
rmSync(dir, { recursive: true, force: true });
