#!/usr/bin/env node
// Throughput of one, two and three instances of the generated HTTP server on one PostgreSQL
// database (part of `npm run bench`, after run.mjs has generated and installed .bench/project).
//
// Builds the project, issues a token with the project's own `npx mcp-prod token issue` (and, for
// the many-principals load, more through its admin API), starts three `node dist/http.js`
// processes on a fresh schema, and drives the first N of them with a closed-loop load generator:
// C workers, each sending its next raw JSON-RPC `tools/call` as soon as the previous one
// answered, spread round-robin over the instances. Every response must be HTTP 200 carrying a
// tool result without isError; a cell with any failure is reported INVALID. The schema is
// dropped at the end; the servers' logs stay in .bench/instances/.
//
// Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_LOAD_SECONDS (2, measured after BENCH_LOAD_WARMUP_SECONDS, 0.5), BENCH_LOAD_ROUNDS (4:
// every cell runs this many times, the order of instance counts reversed each round, so that
// whatever else the machine is doing meanwhile is spread over all of them).
// Short runs, many of them: on a shared machine the background load changes from one minute to
// the next, and interleaving keeps it from landing on one instance count.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { machineCpu, processCpu, quantile, rpcResponse, stopProcesses, waitForStarted } from './measure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const project = path.join(root, '.bench', 'project');
const logDir = path.join(root, '.bench', 'instances');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SCHEMA = `bench_instances_${process.pid}_${Date.now().toString(36)}`;
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 2);
const WARMUP_SECONDS = Number(process.env.BENCH_LOAD_WARMUP_SECONDS ?? 0.5);
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 4);
const INSTANCES = [1, 2, 3];
// Concurrency, and how many principals (one token each) the requests rotate through: with one,
// every call updates the same cost roll-up row (day, tool, principal).
const LOADS = [
  { concurrency: 8, principals: 1 },
  { concurrency: 32, principals: 1 },
  { concurrency: 32, principals: 32 },
];
const TOOLS = ['search_notes', 'create_note'];
const PROTOCOL = '2025-11-25';

// undici's Pool when it resolves from this checkout (today it does, as a dependency of the
// @modelcontextprotocol/conformance devDependency), else the global fetch Node ships (built on
// undici too, keep-alive by default).
const undici = await import('undici').catch(() => undefined);
const undiciVersion = () => {
  try {
    return createRequire(import.meta.url)('undici/package.json').version;
  } catch {
    return '';
  }
};

function withApplicationName(url, name) {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}

const env = {
  ...process.env,
  CI: 'true',
  MCP_PROD_STORE: 'postgres',
  // Tags the servers' connections, so the sampler below sees only this run's backends.
  DATABASE_URL: withApplicationName(DATABASE_URL, SCHEMA),
  MCP_PROD_PG_SCHEMA: SCHEMA,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** CPU seconds used so far by this run's PostgreSQL backends (the servers' connections), by pid. */
async function backendCpu() {
  const { rows } = await sampler.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [SCHEMA]);
  return new Map(rows.map(({ pid }) => [pid, processCpu(pid)]).filter(([, cpu]) => cpu !== undefined));
}
const servers = [];
async function startServer(index) {
  const logFile = path.join(logDir, `instance-${index}.log`);
  const fd = openSync(logFile, 'w');
  // Logs go to a file, as a process manager would collect them, not through this process.
  const child = spawn(process.execPath, ['dist/http.js'], { cwd: project, env, stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  const server = { child, logFile, url: undefined, exited: undefined };
  child.on('exit', (code, signal) => (server.exited = { code, signal }));
  servers.push(server);
  server.url = await waitForStarted({ logFile, exited: () => server.exited, name: `instance ${index}` });
  return server;
}

const stopServers = () => stopProcesses(servers);

let sampler;
/**
 * What the servers' PostgreSQL backends are doing, sampled every 100 ms from pg_stat_activity
 * between `from` and `to`: per wait event ("CPU" when not waiting, "idle in transaction"), the
 * share of the busy backends (active or in a transaction).
 */
async function sampleWaits(from, to) {
  const tally = new Map();
  let total = 0;
  while (performance.now() < from) await sleep(Math.min(100, from - performance.now()));
  while (performance.now() < to) {
    const { rows } = await sampler.query(
      // Lock waits name the statement that waits (its first three words).
      // "idle in transaction": a transaction waiting for its server process to send the next
      // statement (while it may hold row locks others wait for).
      `SELECT CASE WHEN state = 'idle in transaction' THEN 'idle in transaction'
                   ELSE coalesce(wait_event_type || ':' || wait_event, 'CPU')
                        || CASE WHEN wait_event_type = 'Lock' THEN coalesce(' in ' || substring(query from '^\\s*(\\S+\\s+\\S+\\s+\\S+)'), '') ELSE '' END
              END AS wait,
              count(*)::int AS n
       FROM pg_stat_activity WHERE application_name = $1 AND state IN ('active', 'idle in transaction') GROUP BY 1`,
      [SCHEMA],
    );
    for (const { wait, n } of rows) {
      tally.set(wait, (tally.get(wait) ?? 0) + n);
      total += n;
    }
    await sleep(100);
  }
  return { tally, total };
}

/** A fresh HTTP client per cell: undici Pools (one per instance), else global fetch. */
function httpClient(urls, concurrency) {
  if (undici) {
    const pools = urls.map((url) => new undici.Pool(new URL(url).origin, { connections: concurrency, pipelining: 1 }));
    const paths = urls.map((url) => new URL(url).pathname);
    return {
      async post(index, headers, body) {
        const res = await pools[index].request({ path: paths[index], method: 'POST', headers, body });
        return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text: await res.body.text() };
      },
      close: () => Promise.all(pools.map((pool) => pool.close())),
    };
  }
  return {
    async post(index, headers, body) {
      const res = await fetch(urls[index], { method: 'POST', headers, body });
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
    },
    close: async () => undefined,
  };
}

let requestId = 0;
function toolCall(tool) {
  const id = ++requestId;
  const params =
    tool === 'search_notes'
      ? { name: 'search_notes', arguments: { query: 'benchmarks', limit: 10 } }
      : {
          name: 'create_note',
          arguments: { title: `load ${id}`, body: 'written by the load generator about benchmarks' },
          _meta: { 'mcp-prod/idempotencyKey': randomUUID() },
        };
  return { id, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params }) };
}

/**
 * One closed-loop run: `concurrency` workers for warm-up plus measurement; request i goes to
 * instance i mod N with token i mod T. Only requests that complete inside the measured window
 * count toward throughput and latency; a failure anywhere (warm-up included) counts as an error. With `count`,
 * it stops after that many requests instead (for seeding).
 */
async function drive({ urls, concurrency, tool, tokens, warmupMs, measureMs, count = Infinity }) {
  const client = httpClient(urls, concurrency);
  const headers = tokens.map((token) => ({
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': PROTOCOL,
    authorization: `Bearer ${token}`,
  }));
  const latencies = [];
  const failures = [];
  let next = 0;
  const started = performance.now();
  const measureFrom = started + warmupMs;
  const end = measureFrom + measureMs;
  const cpuBefore = {
    self: process.cpuUsage(),
    servers: servers.map(({ child }) => processCpu(child.pid)),
    postgres: await backendCpu(),
    machine: machineCpu(),
  };
  const waits = sampleWaits(measureFrom, end);

  const worker = async () => {
    while (count === Infinity ? performance.now() < end : next < count) {
      const i = next++;
      const { id, body } = toolCall(tool);
      const sent = performance.now();
      let problem;
      try {
        const res = await client.post(i % urls.length, headers[i % headers.length], body);
        if (res.status !== 200) problem = `HTTP ${res.status}: ${res.text.slice(0, 300)}`;
        else {
          const message = rpcResponse(res.contentType, res.text, id);
          if (!message?.result) problem = `no result: ${res.text.slice(0, 300)}`;
          else if (message.result.isError) problem = `tool error: ${JSON.stringify(message.result).slice(0, 300)}`;
        }
      } catch (error) {
        problem = `${error.code ?? error.name}: ${error.message}`;
      }
      const done = performance.now();
      if (problem) failures.push(problem);
      else if (done >= measureFrom && done <= end) latencies.push(done - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = (performance.now() - started) / 1000;
  const self = process.cpuUsage(cpuBefore.self);
  const serverCpu = servers.reduce((sum, { child }, i) => {
    const now = processCpu(child.pid);
    return now === undefined || cpuBefore.servers[i] === undefined ? sum : sum + now - cpuBefore.servers[i];
  }, 0);
  const machineAfter = machineCpu();
  const postgresAfter = await backendCpu();
  await client.close();
  return {
    latencies,
    failures,
    seconds: measureMs / 1000,
    cpu: {
      generator: (self.user + self.system) / 1e6 / wall,
      servers: serverCpu / wall,
      // A backend opened during the run counts from zero; one closed during it is missed (the pools
      // close a connection only after 10 s idle).
      postgres: [...postgresAfter].reduce((sum, [pid, cpu]) => sum + cpu - (cpuBefore.postgres.get(pid) ?? 0), 0) / wall,
      machine: cpuBefore.machine && machineAfter ? (machineAfter.busy - cpuBefore.machine.busy) / wall : undefined,
    },
    waits: await waits,
  };
}

const pct = (share) => (share === undefined ? '?' : `${Math.round(share * 100)}%`);

mkdirSync(logDir, { recursive: true });
const admin = new pg.Client({ connectionString: DATABASE_URL });
await admin.connect();
const settings = (
  await admin.query("SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS s, current_setting('max_connections') AS m")
).rows[0];
await admin.end();

sampler = new pg.Client({ connectionString: DATABASE_URL, application_name: 'mcp-prod-bench-sampler' });
await sampler.connect();

let cleaning;
const cleanUp = () =>
  (cleaning ??= (async () => {
    await stopServers();
    await sampler.end().catch(() => undefined);
    const dropper = new pg.Client({ connectionString: DATABASE_URL });
    await dropper.connect();
    await dropper.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await dropper.end();
  })());
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

const results = new Map();
const cellKey = (tool, concurrency, principals, n) => `${tool}, concurrency ${concurrency}, ${principals} principal(s), ${n} instance(s)`;
const startedAt = Date.now();
const loadBefore = os.loadavg()[0];
try {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: project, stdio: 'inherit', env });
  const issued = execFileSync('npx', ['--no-install', 'mcp-prod', 'token', 'issue', '--scopes', 'notes:admin', '--name', 'load-generator', '--json'], {
    cwd: project,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { token } = JSON.parse(issued);
  // The other principals' tokens through the project's admin API in one process (the CLI would
  // take seconds per token).
  const maxPrincipals = Math.max(...LOADS.map(({ principals }) => principals));
  const others = JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { openAdmin } from './src/admin.ts';
         const admin = openAdmin();
         const tokens = [];
         for (let i = 1; i < ${maxPrincipals}; i++) tokens.push((await admin.tokens.issue({ scopes: ['notes:admin'], principal: 'load-' + i })).token);
         await admin.close();
         process.stdout.write(JSON.stringify(tokens));`,
      ],
      { cwd: project, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    ),
  );
  const tokens = [token, ...others];
  await Promise.all(INSTANCES.map((_, i) => startServer(i)));
  const urls = servers.map(({ url }) => url);

  // Notes for search_notes to find (it returns the newest 10): 200 for the first principal, 10
  // for each of the others.
  const seeds = [
    await drive({ urls, concurrency: 4, tool: 'create_note', tokens: [token], warmupMs: 0, measureMs: 0, count: 200 }),
    await drive({ urls, concurrency: 8, tool: 'create_note', tokens: others, warmupMs: 0, measureMs: 0, count: 10 * others.length }),
  ];
  const seedFailure = seeds.flatMap(({ failures }) => failures)[0];
  if (seedFailure) throw new Error(`seeding notes failed: ${seedFailure}`);

  // Every instance through its JIT warm-up on both tools before anything is measured.
  for (const tool of TOOLS) {
    const warm = await drive({ urls, concurrency: 16, tool, tokens, warmupMs: 2000, measureMs: 0 });
    if (warm.failures.length > 0) throw new Error(`warm-up failed: ${warm.failures[0]}`);
  }

  // search_notes cells first, so that every one of them searches the same tables.
  for (const tool of TOOLS) {
    for (const { concurrency, principals } of LOADS) {
      for (let round = 0; round < ROUNDS; round++) {
        for (const n of round % 2 === 0 ? INSTANCES : [...INSTANCES].reverse()) {
          const run = await drive({
            urls: urls.slice(0, n),
            concurrency,
            tool,
            tokens: tokens.slice(0, principals),
            warmupMs: WARMUP_SECONDS * 1000,
            measureMs: SECONDS * 1000,
          });
          const key = cellKey(tool, concurrency, principals, n);
          const cell = results.get(key) ?? { latencies: [], failures: [], seconds: 0, cpu: [], waits: new Map(), waitSamples: 0 };
          cell.latencies.push(...run.latencies);
          cell.failures.push(...run.failures);
          cell.seconds += run.seconds;
          cell.cpu.push(run.cpu);
          for (const [wait, count] of run.waits.tally) cell.waits.set(wait, (cell.waits.get(wait) ?? 0) + count);
          cell.waitSamples += run.waits.total;
          results.set(key, cell);
          process.stderr.write(`  ${key}, run ${round + 1}: ${(run.latencies.length / run.seconds).toFixed(0)} requests/s, ${run.failures.length} errors\n`);
        }
      }
    }
  }
  const dead = servers.filter(({ exited }) => exited);
  if (dead.length > 0) throw new Error(`${dead.length} instance(s) exited during the run; see ${logDir}`);
} finally {
  await cleanUp();
}

const cpus = os.cpus();
console.log(
  `\nInstances: closed-loop throughput on one PostgreSQL database, ${SECONDS} s measured after ${WARMUP_SECONDS} s warm-up per run, ${ROUNDS} runs per cell`,
);
console.log(
  `(${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${new Date(startedAt).toISOString().slice(0, 10)}, PostgreSQL ${settings.v.split(' ')[0]} on the same machine with synchronous_commit=${settings.s}; ` +
    `load average ${loadBefore.toFixed(2)} before the run; HTTP client: ${undici ? `undici ${undiciVersion()} Pool` : 'global fetch'})`,
);
console.log(
  `The load generator, the ${INSTANCES.at(-1)} server processes and PostgreSQL all share these ${cpus.length} cores` +
    (cpus.length < INSTANCES.at(-1) + 2 ? ': more instances cannot scale linearly here. ' : '. ') +
    'Each instance has its own node-postgres pool of 10 connections; every request is a tools/call POST on a kept-alive connection, the token verified against PostgreSQL.\n',
);
console.log('| tool | concurrency | principals | instances | requests/s | median ms | p99 ms | requests/s vs 1 instance | errors |');
console.log('|---|---|---|---|---|---|---|---|---|');
let invalid = 0;
const diagnostics = [];
for (const tool of TOOLS) {
  for (const { concurrency, principals } of LOADS) {
    const base = results.get(cellKey(tool, concurrency, principals, 1));
    for (const n of INSTANCES) {
      const cell = results.get(cellKey(tool, concurrency, principals, n));
      const sorted = [...cell.latencies].sort((a, b) => a - b);
      const rps = cell.latencies.length / cell.seconds;
      const baseRps = base.latencies.length / base.seconds;
      const mean = (pick) => {
        const values = cell.cpu.map(pick).filter((v) => v !== undefined);
        return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
      };
      const valid = cell.failures.length === 0 && sorted.length > 0;
      if (!valid) invalid++;
      console.log(
        `| ${tool} | ${concurrency} | ${principals} | ${n} | ${valid ? rps.toFixed(0) : `INVALID (${rps.toFixed(0)})`} | ${sorted.length ? quantile(sorted, 0.5).toFixed(2) : '-'} | ${sorted.length ? quantile(sorted, 0.99).toFixed(2) : '-'} | ${valid && baseRps > 0 && base.failures.length === 0 ? `${(rps / baseRps).toFixed(2)}x` : '-'} | ${cell.failures.length} |`,
      );
      const waits = [...cell.waits]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([wait, count]) => `${wait} ${pct(count / cell.waitSamples)}`)
        .join(', ');
      const busyBackends = cell.waitSamples / Math.max(1, cell.seconds * 10);
      diagnostics.push(
        `| ${tool} | ${concurrency} | ${principals} | ${n} | ${pct(mean((c) => c.generator))} | ${pct(mean((c) => c.servers))} | ${pct(mean((c) => c.postgres))} | ${pct(mean((c) => (c.machine === undefined ? undefined : c.machine - c.generator - c.servers - c.postgres)))} | ${busyBackends.toFixed(1)} | ${waits || '-'} |`,
      );
    }
  }
}
console.log(
  `\nWhere the time went: CPU in % of one core, out of ${cpus.length * 100}% (PostgreSQL: this run's backends; everything else: the rest of the machine, other jobs and PostgreSQL's own background processes included); ` +
    'busy PostgreSQL backends of the servers (running a statement or inside a transaction) and what they waited on, sampled every 100 ms from pg_stat_activity (CPU = running, not waiting; idle in transaction = waiting for the server process to send the next statement).\n',
);
console.log(
  '| tool | concurrency | principals | instances | CPU load generator | CPU servers | CPU PostgreSQL | CPU everything else | busy backends | backend waits |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const row of diagnostics) console.log(row);
for (const [key, cell] of results) {
  if (cell.failures.length === 0) continue;
  const kinds = new Map();
  for (const failure of cell.failures) kinds.set(failure, (kinds.get(failure) ?? 0) + 1);
  console.log(`\nINVALID ${key}: ${cell.failures.length} failed requests`);
  for (const [message, count] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`  ${count} x ${message}`);
}
if (invalid > 0) {
  console.log(`\n${invalid} cell(s) INVALID: requests failed; server logs in ${path.relative(root, logDir)}/`);
  process.exitCode = 1;
}
