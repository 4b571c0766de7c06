/**
 * Runs inside a generated project (copied there by scripts/bench/run.mjs). Measures per-call
 * latency of the full pipeline on the SQLite store and on the PostgreSQL store in the same
 * process and the same run: the token check the HTTP gate does, the tool, the cost record and,
 * for create_note, the idempotency claim and the completion committed with the note through
 * ctx.tx. Both go through the in-process Streamable HTTP handler with a real SDK Client; the two
 * stores alternate in rounds so that drift on the machine hits both alike.
 *
 * PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres). The
 * tables live in a fresh schema, dropped at the end. BENCH_STORE_CALLS: calls per cell (2000).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import pg from 'pg';
import { pino } from 'pino';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { buildServer } from '../src/server.js';
import { issueToken } from '../src/platform/tokens.js';
import { openStore, type Store } from '../src/store/index.js';

type Kind = 'sqlite' | 'postgres';
const CALLS = Number(process.env.BENCH_STORE_CALLS ?? 2000);
const WARMUP = 300;
const ROUNDS = 6;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SCHEMA = `bench_stores_${process.pid}_${Date.now().toString(36)}`;

const dir = mkdtempSync(path.join(tmpdir(), 'mcp-prod-bench-stores-'));
const envs: Record<Kind, NodeJS.ProcessEnv> = {
  sqlite: { MCP_PROD_STORE: 'sqlite', MCP_PROD_DB: path.join(dir, 'bench.db'), LOG_LEVEL: 'info' },
  postgres: { MCP_PROD_STORE: 'postgres', DATABASE_URL, MCP_PROD_PG_SCHEMA: SCHEMA, LOG_LEVEL: 'info' },
};

interface Variant {
  store: Store;
  app: App;
  handler: { fetch(request: Request): Promise<Response> };
}

async function open(kind: Kind): Promise<Variant> {
  const config = loadConfig(envs[kind]);
  // The store the configuration names, as the entry points open it; ping() migrates PostgreSQL.
  const store = openStore(config);
  await store.ping();
  for (let i = 0; i < 200; i++) {
    await store.notes.create({
      ownerId: 'local',
      title: `note ${i}`,
      body: `body of note ${i} about benchmarks`,
      tags: [],
      createdAt: new Date().toISOString(),
    });
  }
  // The log line goes to a real pino destination, like production (minus the terminal).
  const app = createApp({ config, store, logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })) });
  const { token } = await issueToken(store.tokens, { principal: 'local', scopes: ['notes:admin'], now: new Date() });
  const mcp = createMcpHandler(() => buildServer(app, { transport: 'http' }));
  // What src/http.ts does in front of every request: verify the bearer token against the store.
  const handler = {
    async fetch(request: Request) {
      const { principal } = await app.verifier.verify(token, new Date());
      return mcp.fetch(request, {
        authInfo: { token: principal.tokenId!, clientId: principal.id, scopes: [...principal.scopes], extra: { principalId: principal.id } },
      });
    },
  };
  return { store, app, handler };
}

async function connect(handler: Variant['handler']) {
  const client = new Client({ name: 'bench', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
  await client.connect(new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
  return client;
}

type Call = { name: string; arguments: Record<string, unknown>; _meta?: Record<string, unknown> };
const calls: Record<string, (i: number) => Call> = {
  'search_notes (read-only)': () => ({ name: 'search_notes', arguments: { query: 'benchmarks', limit: 10 } }),
  'create_note (mutating)': (i) => ({
    name: 'create_note',
    arguments: { title: `bench ${i}`, body: 'written by the benchmark' },
    _meta: { 'mcp-prod/idempotencyKey': randomUUID() },
  }),
};

async function sample(client: Awaited<ReturnType<typeof connect>>, make: (i: number) => Call, n: number, into: number[]) {
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    const result = await client.callTool(make(i));
    into.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.isError) throw new Error(`benchmark call failed: ${JSON.stringify(result)}`);
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
};

let variants: Partial<Record<Kind, Variant>> = {};
const rows: string[] = [];
try {
  variants = { sqlite: await open('sqlite'), postgres: await open('postgres') };
  for (const [label, make] of Object.entries(calls)) {
    const samples: Record<Kind, number[]> = { sqlite: [], postgres: [] };
    // Fresh clients per round (the 2.4.0 client leaks AbortSignal listeners on long connections);
    // the store that goes first alternates too.
    for (let round = 0; round < ROUNDS; round++) {
      const order: Kind[] = round % 2 === 0 ? ['sqlite', 'postgres'] : ['postgres', 'sqlite'];
      for (const kind of order) {
        const client = await connect(variants[kind]!.handler);
        await sample(client, make, round < 2 ? WARMUP / 2 : 0, []);
        await sample(client, make, Math.ceil(CALLS / ROUNDS), samples[kind]);
        await client.close();
      }
    }
    const lite = stats(samples.sqlite);
    const pgs = stats(samples.postgres);
    rows.push(
      `| ${label} | ${lite.median.toFixed(3)} | ${lite.p99.toFixed(3)} | ${pgs.median.toFixed(3)} | ${pgs.p99.toFixed(3)} | ${(pgs.median / lite.median).toFixed(2)}x | ${(pgs.p99 / lite.p99).toFixed(2)}x |`,
    );
  }
} finally {
  await variants.sqlite?.app.close();
  await variants.postgres?.app.close();
  rmSync(dir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.end();
}

const server = await (async () => {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const { rows: settings } = await admin.query<{ v: string; s: string }>(
    "SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS s",
  );
  await admin.end();
  return `PostgreSQL ${settings[0]!.v} on 127.0.0.1, synchronous_commit=${settings[0]!.s}`;
})();
console.log(
  `\nStores: per-call latency in ms of the full pipeline, ${CALLS} calls per cell after ${WARMUP} warm-up calls, SQLite and PostgreSQL alternating in ${ROUNDS} rounds`,
);
console.log(`(Node ${process.version}, protocol 2025-11-25, ${server}, node-postgres pool of 10; one caller, calls one after another)\n`);
console.log('| tool | SQLite median | SQLite p99 | PostgreSQL median | PostgreSQL p99 | median ratio PG/SQLite | p99 ratio PG/SQLite |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
