#!/usr/bin/env node
// `npm run bench:http`: HTTP throughput of the generated server beside the bare official SDK v2
// (as documented, and with its schemas built once), the SDK v1 with express, FastMCP-TS,
// mcp-framework and a bare node:http handler, all answering the same search_notes result.
//
// 1. Installs the peers (this folder's own package.json, never the product's) when missing or stale.
// 2. Generates and installs the sample project (../sample-project.mjs, shared with `npm run bench`),
//    builds it, issues a token with its own CLI and starts `node dist/http.js` on SQLite twice:
//    one process for search_notes, one for create_note, each with its own database, so that the
//    notes create_note writes never reach the table search_notes scans.
// 3. Seeds notes, captures ours' search_notes result and writes its content as the fixture every
//    peer and the bare handler answer with.
// 4. Drives every (server, concurrency) cell in interleaved rounds with a closed-loop undici load
//    generator in this process; every response is checked; a cell with any failure is INVALID.
// 5. Prints a markdown table and writes it with the raw numbers to .bench/http/.
//
// Environment: BENCH_HTTP_SECONDS (3) measured after BENCH_HTTP_WARMUP_SECONDS (1) per cell,
// BENCH_HTTP_INITIAL_WARMUP_SECONDS (6: every server's JIT warm-up at concurrency 8 before the
// first round), BENCH_HTTP_ROUNDS (4), BENCH_HTTP_CONCURRENCY ("1,8,32"), BENCH_HTTP_SERVERS (row ids, comma-
// separated; default all), BENCH_HTTP_PROFILE (row ids, or "ours": run under --cpu-prof),
// BENCH_HTTP_PERF (row ids, or "ours": their CPU by layer, system calls included, from perf record
// during every measured cell; see cpu-layers.mjs), BENCH_HTTP_DATA_DIR (where the SQLite files go;
// .bench/http/data),
// BENCH_HTTP_SKIP_PREPARE=1 (reuse .bench/project as it is, without rebuilding this checkout),
// BENCH_HTTP_IDLE_SECONDS (45: how long every server idles after the last round before its resident
// size is read again; V8 gives its grown heap back only some seconds after the load stops).
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineCpu, median, processCpu, processPeakRss, processRss, quantile, rpcResponse, stopProcesses, waitForStarted } from '../measure.mjs';
import { benchDir, prepareSampleProject, projectDir, root } from '../sample-project.mjs';
import { layersPerRequest, layersTable, recordCpuLayers } from './cpu-layers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(benchDir, 'http');
const logDir = path.join(outDir, 'logs');
const profileDir = path.join(outDir, 'profiles');
const perfDir = path.join(outDir, 'perf');
// On tmpfs (/dev/shm) a flush costs next to nothing: what the disk adds to a durable write.
const dataRoot = path.resolve(process.env.BENCH_HTTP_DATA_DIR ?? path.join(outDir, 'data'));
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_HTTP_WARMUP_SECONDS ?? 1);
const INITIAL_WARMUP_SECONDS = Number(process.env.BENCH_HTTP_INITIAL_WARMUP_SECONDS ?? 6);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 4);
const IDLE_SECONDS = Number(process.env.BENCH_HTTP_IDLE_SECONDS ?? 45);
const CONCURRENCY = (process.env.BENCH_HTTP_CONCURRENCY ?? '1,8,32').split(',').map(Number);
const PROTOCOL = '2025-11-25';
const SEARCH_ARGUMENTS = { query: 'benchmarks', limit: 10 };
/** The size of search_notes' text the seed aims at. */
const TARGET_RESULT_BYTES = 1400;

/** The rows of the table, in print order. `ours`: the generated project; `session`: initialize per worker. */
const ROWS = [
  { id: 'sdk-v2', label: 'bare SDK v2 (documented)', script: 'sdk-v2.mjs' },
  { id: 'sdk-v2-once', label: 'bare SDK v2, schemas built once', script: 'sdk-v2.mjs', env: { BENCH_SCHEMAS: 'once' } },
  { id: 'sdk-v1-express', label: 'SDK v1 + express (stateless)', script: 'sdk-v1-express.mjs' },
  { id: 'fastmcp', label: 'FastMCP-TS (stateless)', script: 'fastmcp.mjs' },
  { id: 'mcp-framework', label: 'mcp-framework (session per worker)', script: 'mcp-framework.mjs', session: true },
  { id: 'ours-search', label: 'ours search_notes', ours: true, tool: 'search_notes' },
  // The same server answering the fixture without its SQLite query: the handler work of every peer.
  { id: 'ours-fixture', label: 'ours search_notes, fixture handler', ours: true, tool: 'search_notes', script: 'ours-fixture.mjs' },
  { id: 'ours-create', label: 'ours create_note', ours: true, tool: 'create_note' },
  { id: 'bare-http', label: 'bare node:http handler', script: 'bare-http.mjs' },
  // The disk's part of create_note: its rows in one flushed commit, with nothing else around them.
  {
    id: 'bare-http-sqlite',
    label: 'bare node:http handler, create_note rows in one flushed SQLite commit',
    script: 'bare-http-sqlite.mjs',
    tool: 'create_note',
  },
];
const BARE_SDK = 'sdk-v2';
const BARE_HTTP = 'bare-http';

const wanted = process.env.BENCH_HTTP_SERVERS?.split(',').map((s) => s.trim());
const rows = ROWS.filter(({ id, ours }) => !wanted || wanted.includes(id) || (ours && wanted.includes('ours')));
const rowIds = (list) =>
  new Set(
    (list ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .flatMap((id) => (id === 'ours' ? ROWS.filter((r) => r.ours).map((r) => r.id) : [id])),
  );
const profiled = rowIds(process.env.BENCH_HTTP_PROFILE);
const perfRecorded = rowIds(process.env.BENCH_HTTP_PERF);
if (rows.length === 0) throw new Error(`BENCH_HTTP_SERVERS matches no row; the rows are ${ROWS.map(({ id }) => id).join(', ')}.`);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sh = (file, args, cwd, env = process.env) => execFileSync(file, args, { cwd, stdio: 'inherit', env: { ...env, CI: 'true' } });

// 1. The peers, installed from this folder's lockfile. npm records what it installed in
// node_modules/.package-lock.json; older than the lockfile (or package.json) means stale.
function installPeers() {
  const installed = path.join(here, 'node_modules', '.package-lock.json');
  const lockfile = path.join(here, 'package-lock.json');
  const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);
  if (mtime(installed) > Math.max(mtime(lockfile), mtime(path.join(here, 'package.json')))) return;
  console.error(`Installing the benchmark's peers in ${path.relative(root, here)}/ …`);
  sh('npm', existsSync(lockfile) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], here);
}

installPeers();
const { Pool } = await import('undici');
const peerVersions = Object.fromEntries(
  ['@modelcontextprotocol/server', '@modelcontextprotocol/node', '@modelcontextprotocol/sdk', 'express', 'fastmcp', 'mcp-framework', 'undici'].map((name) => [
    name,
    JSON.parse(readFileSync(path.join(here, 'node_modules', name, 'package.json'), 'utf8')).version,
  ]),
);

// 2. The sample project.
if (process.env.BENCH_HTTP_SKIP_PREPARE === '1' && existsSync(path.join(projectDir, 'node_modules'))) {
  console.error(`Reusing ${path.relative(root, projectDir)} as it is (BENCH_HTTP_SKIP_PREPARE=1).`);
} else {
  prepareSampleProject();
}
sh('npm', ['run', 'build', '--silent'], projectDir);
const projectVersions = JSON.parse(readFileSync(path.join(projectDir, 'package.json'), 'utf8')).dependencies;

rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });
if (profiled.size > 0) mkdirSync(profileDir, { recursive: true });
rmSync(perfDir, { recursive: true, force: true });
if (perfRecorded.size > 0) mkdirSync(perfDir, { recursive: true });

/** A port nobody listens on now, for the peers that cannot report the one the OS chose. */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const running = [];
async function startProcess(row, args, { cwd, env }) {
  const logFile = path.join(logDir, `${row.id}.log`);
  const fd = openSync(logFile, 'w');
  const nodeArgs = profiled.has(row.id) ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${row.id}.${Date.now()}.cpuprofile`] : [];
  // Logs go to a file, as a process manager would collect them, not through this process.
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const server = { row, child, logFile, exited: undefined };
  child.on('exit', (code, signal) => (server.exited = { code, signal }));
  running.push(server);
  server.url = await waitForStarted({ logFile, exited: () => server.exited, name: row.id });
  return server;
}

const stopAll = () => stopProcesses(running);

let stopping;
process.once('SIGINT', () => {
  stopping ??= stopAll().finally(() => process.exit(130));
});

/** A path for a new SQLite file of the row's own, in an emptied directory. */
function freshDatabase(row) {
  const dataDir = path.join(dataRoot, row.id);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  return path.join(dataDir, 'mcp.db');
}

/** Starts one generated server on its own SQLite database and issues it a token with the project's CLI. */
async function startOurs(row) {
  const env = {
    CI: 'true',
    MCP_PROD_STORE: 'sqlite',
    MCP_PROD_DB: freshDatabase(row),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  const issued = execFileSync('npx', ['--no-install', 'mcp-prod', 'token', 'issue', '--scopes', 'notes:read,notes:write', '--name', 'bench-http', '--json'], {
    cwd: projectDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const entry = row.script ? [path.join(here, 'servers', row.script)] : ['dist/http.js'];
  const server = await startProcess(row, entry, {
    cwd: projectDir,
    env: { ...env, BENCH_PROJECT_DIR: projectDir, BENCH_HTTP_FIXTURE: path.join(outDir, 'fixture.json') },
  });
  server.token = JSON.parse(issued).token;
  return server;
}

let requestId = 0;
function requestBody(tool) {
  const id = ++requestId;
  const params =
    tool === 'create_note'
      ? {
          name: 'create_note',
          // No "benchmarks" in it: nothing create_note writes could ever change what search_notes finds.
          arguments: { title: `load ${id}`, body: 'written by the load generator' },
          _meta: { 'mcp-prod/idempotencyKey': randomUUID() },
        }
      : { name: 'search_notes', arguments: SEARCH_ARGUMENTS };
  return { id, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params }) };
}

function baseHeaders(server) {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': PROTOCOL,
    ...(server.token ? { authorization: `Bearer ${server.token}` } : {}),
  };
}

async function post(pool, server, headers, body) {
  const res = await pool.request({ path: new URL(server.url).pathname, method: 'POST', headers, body });
  return { status: res.statusCode, headers: res.headers, contentType: String(res.headers['content-type'] ?? ''), text: await res.body.text() };
}

/** A problem with a tools/call response, or undefined when it is the expected successful result. */
function checkResponse(res, id, expectedContent) {
  if (res.status !== 200) return `HTTP ${res.status}: ${res.text.slice(0, 200)}`;
  let message;
  try {
    message = rpcResponse(res.contentType, res.text, id);
  } catch (error) {
    return `unparsable body (${error.message}): ${res.text.slice(0, 200)}`;
  }
  if (!message?.result) return `no result: ${res.text.slice(0, 200)}`;
  if (message.result.isError) return `tool error: ${JSON.stringify(message.result).slice(0, 200)}`;
  if (expectedContent !== undefined && JSON.stringify(message.result.content) !== expectedContent) return 'a result other than the fixture';
  return undefined;
}

/** One call outside the measurement (seeding, capturing the fixture); throws unless it succeeds. */
async function callOnce(server, name, args, meta) {
  const pool = new Pool(new URL(server.url).origin, { connections: 1 });
  try {
    const id = ++requestId;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) } });
    const res = await post(pool, server, baseHeaders(server), body);
    const problem = checkResponse(res, id);
    if (problem) throw new Error(`${server.row.id} ${name}: ${problem}`);
    return rpcResponse(res.contentType, res.text, id).result;
  } finally {
    await pool.close();
  }
}

/** An initialized session (initialize, then notifications/initialized), for servers that keep them. */
async function openSession(pool, server) {
  const res = await post(
    pool,
    server,
    baseHeaders(server),
    JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'bench-http', version: '1.0.0' } },
    }),
  );
  const sessionId = res.headers['mcp-session-id'];
  if (res.status !== 200 || !sessionId) throw new Error(`${server.row.id}: initialize failed: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  const headers = { ...baseHeaders(server), 'mcp-session-id': String(sessionId) };
  const ack = await post(pool, server, headers, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  if (ack.status >= 300) throw new Error(`${server.row.id}: notifications/initialized failed: HTTP ${ack.status} ${ack.text.slice(0, 200)}`);
  return headers;
}

/**
 * One closed-loop cell: `concurrency` workers, each sending its next tools/call as soon as the
 * previous one answered, for the warm-up and then the measured window. Only requests completed
 * inside the window count toward throughput and latency; a failure anywhere counts as an error.
 * The server's CPU time is read from /proc at both ends of the window.
 */
async function runCell(server, concurrency, expectedContent, { warmupSeconds = WARMUP_SECONDS, seconds = SECONDS } = {}) {
  const { row } = server;
  const pool = new Pool(new URL(server.url).origin, { connections: concurrency, pipelining: 1 });
  const headers = [];
  for (let w = 0; w < concurrency; w++) {
    if (!row.session) headers.push(baseHeaders(server));
    else {
      server.sessions ??= [];
      server.sessions[w] ??= await openSession(pool, server);
      headers.push(server.sessions[w]);
    }
  }
  const tool = row.tool ?? 'search_notes';
  const latencies = [];
  const failures = [];
  const started = performance.now();
  const measureFrom = started + warmupSeconds * 1000;
  const end = measureFrom + seconds * 1000;
  // CPU at both ends of the window: the server's, this process's (the load generator) and the machine's.
  const sample = () => ({ server: processCpu(server.child.pid), self: process.cpuUsage(), machine: machineCpu() });
  let from;
  let to;
  const perfFile = seconds > 0 && perfRecorded.has(row.id) ? path.join(perfDir, `${row.id}.c${concurrency}.${Date.now()}.data`) : undefined;
  let stopPerf;
  let perfStopped;
  const marks = [
    setTimeout(() => {
      from = sample();
      if (perfFile) stopPerf = recordCpuLayers(server.child.pid, perfFile);
    }, warmupSeconds * 1000),
    setTimeout(
      () => {
        to = sample();
        perfStopped = stopPerf?.();
        // Awaited below, once the workers are done; a failed recording fails the run there.
        perfStopped?.catch(() => undefined);
      },
      (warmupSeconds + seconds) * 1000,
    ),
  ];

  const worker = async (w) => {
    while (performance.now() < end) {
      const { id, body } = requestBody(tool);
      const sent = performance.now();
      let problem;
      try {
        problem = checkResponse(await post(pool, server, headers[w], body), id, expectedContent);
      } catch (error) {
        problem = `${error.code ?? error.name}: ${error.message}`;
      }
      const done = performance.now();
      if (problem) failures.push(problem);
      else if (done >= measureFrom && done <= end) latencies.push(done - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  await sleep(Math.max(0, end - performance.now()) + 5);
  for (const mark of marks) clearTimeout(mark);
  await (perfStopped ?? stopPerf?.());
  await pool.close();
  const sorted = latencies.sort((a, b) => a - b);
  const cpuSeconds = from?.server !== undefined && to?.server !== undefined ? to.server - from.server : undefined;
  const selfSeconds = from && to ? (to.self.user + to.self.system - from.self.user - from.self.system) / 1e6 : undefined;
  const machineSeconds = from?.machine && to?.machine ? to.machine.busy - from.machine.busy : undefined;
  return {
    requests: sorted.length,
    rps: sorted.length / seconds,
    p50: sorted.length ? quantile(sorted, 0.5) : undefined,
    p99: sorted.length ? quantile(sorted, 0.99) : undefined,
    cpuUsPerRequest: cpuSeconds !== undefined && sorted.length ? (cpuSeconds * 1e6) / sorted.length : undefined,
    // Cores busy during the window: the server, the load generator, and everything else on the machine.
    serverCores: cpuSeconds === undefined ? undefined : cpuSeconds / seconds,
    generatorCores: selfSeconds === undefined ? undefined : selfSeconds / seconds,
    otherCores:
      machineSeconds === undefined || cpuSeconds === undefined || selfSeconds === undefined
        ? undefined
        : Math.max(0, machineSeconds - cpuSeconds - selfSeconds) / seconds,
    failures,
    perf: perfFile ? { file: perfFile, requests: sorted.length } : undefined,
  };
}

const startedAt = new Date();
const loadBefore = os.loadavg()[0];
const servers = new Map();
const results = new Map(rows.map(({ id }) => [id, { rounds: [], failures: [] }]));
let fixture;
try {
  // 3. Ours first: the seed and the fixture come from it. The search server is seeded even when
  // only peers are measured, because they answer with its result.
  const searchRow = ROWS.find(({ id }) => id === 'ours-search');
  const search = await startOurs(searchRow);
  const first = await callOnce(search, 'search_notes', SEARCH_ARGUMENTS);
  if (first.content?.[0]?.text === undefined) throw new Error(`unexpected search_notes result: ${JSON.stringify(first)}`);
  // One short note shows the size of a note in the result; the rest are padded to reach the target.
  const seed = (body) =>
    callOnce(search, 'create_note', { title: `Seeded note about benchmarks`, body, tags: ['bench', 'http'] }, { 'mcp-prod/idempotencyKey': randomUUID() });
  await seed('benchmarks');
  const one = Buffer.byteLength((await callOnce(search, 'search_notes', SEARCH_ARGUMENTS)).content[0].text);
  // The result is {"notes":[…]}: its wrapper, then one note per seed, separated by commas.
  const wrapper = Buffer.byteLength('{"notes":[]}');
  const note = one - wrapper;
  const extra = Math.max(0, Math.round((TARGET_RESULT_BYTES - wrapper - SEARCH_ARGUMENTS.limit * (note + 1) + 1) / (SEARCH_ARGUMENTS.limit - 1)));
  const filler = 'Closed-loop load, interleaved rounds, the same result from every server. '.repeat(10);
  for (let i = 1; i < SEARCH_ARGUMENTS.limit; i++) await seed(`benchmarks ${filler.slice(0, Math.max(0, extra - 1))}`.trimEnd());
  const captured = await callOnce(search, 'search_notes', SEARCH_ARGUMENTS);
  fixture = { content: captured.content };
  const fixtureFile = path.join(outDir, 'fixture.json');
  writeFileSync(fixtureFile, `${JSON.stringify(fixture)}\n`);
  const expectedContent = JSON.stringify(fixture.content);
  const resultBytes = Buffer.byteLength(fixture.content.map((c) => c.text ?? '').join(''));
  console.error(`Fixture: search_notes text of ${resultBytes} bytes (${fixture.content.length} content block(s)), in ${path.relative(root, fixtureFile)}`);
  if (rows.some(({ id }) => id === 'ours-search')) servers.set('ours-search', search);
  else search.child.kill('SIGTERM');

  for (const row of rows) {
    if (servers.has(row.id)) continue;
    if (row.ours) servers.set(row.id, await startOurs(row));
    else {
      const env = { ...row.env, PORT: String(await freePort()), BENCH_HTTP_FIXTURE: fixtureFile, NODE_ENV: 'production' };
      if (row.tool === 'create_note') Object.assign(env, { BENCH_PROJECT_DIR: projectDir, BENCH_HTTP_DB: freshDatabase(row) });
      servers.set(row.id, await startProcess(row, [path.join(here, 'servers', row.script)], { cwd: here, env }));
    }
  }
  // Every server answers once correctly before anything is measured.
  for (const server of servers.values()) {
    if (server.row.session) continue;
    const result = await callOnce(server, server.row.tool ?? 'search_notes', server.row.tool === 'create_note' ? { title: 'check' } : SEARCH_ARGUMENTS, {
      'mcp-prod/idempotencyKey': randomUUID(),
    });
    if (server.row.tool !== 'create_note' && JSON.stringify(result.content) !== expectedContent) {
      throw new Error(`${server.row.id} answers search_notes with something other than the fixture: ${JSON.stringify(result).slice(0, 300)}`);
    }
  }

  // The first few thousand calls of a fresh process run unoptimized code at several times the
  // CPU per call of later ones: every server gets through that before the first round.
  for (const server of servers.values()) {
    const warm = await runCell(server, 8, server.row.tool === 'create_note' ? undefined : expectedContent, {
      warmupSeconds: INITIAL_WARMUP_SECONDS,
      seconds: 0,
    });
    if (warm.failures.length > 0) throw new Error(`${server.row.id} failed during its warm-up: ${warm.failures[0]}`);
    process.stderr.write(`  warmed up ${server.row.id} for ${INITIAL_WARMUP_SECONDS} s\n`);
  }

  // 4. Interleaved rounds: every cell once per round, the server order rotated each round and
  // reversed every other round, the concurrency order reversed every other round.
  const ids = [...servers.keys()];
  for (let round = 0; round < ROUNDS; round++) {
    const rotated = [...ids.slice(round % ids.length), ...ids.slice(0, round % ids.length)];
    const order = round % 2 === 0 ? rotated : rotated.reverse();
    const levels = round % 2 === 0 ? CONCURRENCY : [...CONCURRENCY].reverse();
    const cells = {};
    for (const id of order) {
      for (const concurrency of levels) {
        const server = servers.get(id);
        const cell = await runCell(server, concurrency, server.row.tool === 'create_note' ? undefined : expectedContent);
        cells[`${id}@${concurrency}`] = cell;
        results.get(id).failures.push(...cell.failures);
        process.stderr.write(
          `  round ${round + 1}/${ROUNDS} ${id} c=${concurrency}: ${cell.rps.toFixed(0)} requests/s, p50 ${cell.p50?.toFixed(2) ?? '-'} ms, ${cell.cpuUsPerRequest?.toFixed(0) ?? '-'} µs CPU/request, ${cell.failures.length} errors\n`,
        );
        if (server.exited) throw new Error(`${id} exited during the run (${JSON.stringify(server.exited)}); see ${server.logFile}`);
      }
    }
    for (const id of ids) {
      results.get(id).rounds.push(
        Object.fromEntries(
          CONCURRENCY.map((c) => {
            const cell = cells[`${id}@${c}`];
            const ratio = (other) => {
              const base = cells[`${other}@${c}`];
              return base && base.rps > 0 && base.failures.length === 0 ? cell.rps / base.rps : undefined;
            };
            return [c, { ...cell, failures: cell.failures.length, vsBareSdk: ratio(BARE_SDK), vsBareHttp: ratio(BARE_HTTP) }];
          }),
        ),
      );
    }
  }
  // Right after the last round, a server's size depends on when its last collection ran, which
  // its place in the round decides; after the same idle time, every server has settled.
  for (const [id, server] of servers) {
    results.get(id).rssBytes = processRss(server.child.pid);
    results.get(id).peakRssBytes = processPeakRss(server.child.pid);
  }
  process.stderr.write(`  idling ${IDLE_SECONDS} s before reading resident sizes again\n`);
  await sleep(IDLE_SECONDS * 1000);
  for (const [id, server] of servers) results.get(id).idleRssBytes = processRss(server.child.pid);
} finally {
  stopping ??= stopAll();
  await stopping;
}

// 5. The table: medians over rounds.
const fmt = (value, digits = 0) => (value === undefined ? '-' : value.toFixed(digits));
const mid = (id, c, key) =>
  median(
    results
      .get(id)
      .rounds.map((round) => round[c][key])
      .filter((v) => v !== undefined),
  );
const cpus = os.cpus();
const cpuModel =
  readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('model name'))
    ?.split(':')[1]
    .trim() ??
  cpus[0]?.model ??
  'unknown CPU';
const cs = CONCURRENCY.join('/');
const top = Math.max(...CONCURRENCY);
const lines = [
  `## HTTP throughput, ${startedAt.toISOString().slice(0, 10)}`,
  '',
  `${cpuModel}, ${cpus.length} cores, Node ${process.version}, load average ${loadBefore.toFixed(2)} before the run. ` +
    `Each server warmed up for ${INITIAL_WARMUP_SECONDS} s at concurrency 8, then ${ROUNDS} interleaved rounds; per cell ${SECONDS} s measured after ${WARMUP_SECONDS} s warm-up; medians over rounds. ` +
    `Resident size (VmRSS) right after the last round and after ${IDLE_SECONDS} s without load, peak (VmHWM) over the whole run. ` +
    `Closed-loop load generator (undici ${peerVersions.undici} Pool, one connection per worker) in the harness process, sharing the ${cpus.length} cores with the server under test. ` +
    `Every request is a tools/call POST (protocol ${PROTOCOL}); every response was checked (HTTP 200, a result without isError, for search_notes the fixture's exact content of ${Buffer.byteLength(fixture?.content?.map((c) => c.text ?? '').join('') ?? '')} bytes).`,
  '',
  `| server | requests/s c=${cs} | p50 ms c=${cs} | p99 ms c=${cs} | server CPU µs/request c=${cs} | RSS MB end / idle / peak | requests/s vs bare SDK v2 c=${cs} | vs bare node:http c=${cs} | cores busy c=${top}: server / load generator / rest of machine | errors |`,
  '|---|---|---|---|---|---|---|---|---|---|',
];
let invalid = 0;
for (const { id, label } of rows) {
  const result = results.get(id);
  if (!result || result.rounds.length === 0) continue;
  const valid = result.failures.length === 0;
  if (!valid) invalid++;
  const per = (key, digits) => CONCURRENCY.map((c) => fmt(mid(id, c, key), digits)).join(' / ');
  const ratio = (key) => CONCURRENCY.map((c) => fmt(mid(id, c, key), 2)).join(' / ');
  lines.push(
    `| ${label} | ${valid ? per('rps', 0) : `INVALID (${per('rps', 0)})`} | ${per('p50', 2)} | ${per('p99', 2)} | ${per('cpuUsPerRequest', 0)} | ${[result.rssBytes, result.idleRssBytes, result.peakRssBytes].map((bytes) => fmt(bytes === undefined ? undefined : bytes / 2 ** 20, 0)).join(' / ')} | ${id === BARE_SDK ? '1' : ratio('vsBareSdk')} | ${id === BARE_HTTP ? '1' : ratio('vsBareHttp')} | ${['serverCores', 'generatorCores', 'otherCores'].map((key) => fmt(mid(id, top, key), 2)).join(' / ')} | ${result.failures.length} |`,
  );
}
lines.push(
  '',
  `Peers: ${Object.entries(peerVersions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')}. Ours: @modelcontextprotocol/server ${projectVersions['@modelcontextprotocol/server']}, SQLite store, LOG_LEVEL=info to a file.`,
);
// What a durable mutating call costs against a read-only one, and how much of the difference
// one flushed commit explains on this machine's disk (the two bare rows differ by that commit).
const cpuOf = (id) => (results.get(id)?.rounds.length ? CONCURRENCY.map((c) => mid(id, c, 'cpuUsPerRequest')) : undefined);
const [createCpu, searchCpu, floorCpu, bareCpu] = ['ours-create', 'ours-search', 'bare-http-sqlite', BARE_HTTP].map(cpuOf);
const each = (f) => CONCURRENCY.map((_, i) => f(i)).join(' / ');
if (createCpu && searchCpu) {
  lines.push('', `CPU per request of create_note against search_notes, c=${cs}: ${each((i) => fmt(createCpu[i] / searchCpu[i], 2))}x.`);
  if (floorCpu && bareCpu) {
    lines.push(
      `create_note minus search_notes: ${each((i) => fmt(createCpu[i] - searchCpu[i]))} µs; one flushed commit of create_note's rows (the two bare handlers' difference): ${each((i) => fmt(floorCpu[i] - bareCpu[i]))} µs.`,
    );
  }
}
// perf's own sampling costs the recorded rows some CPU, so their µs in the table above run high.
const perfCells = [...perfRecorded]
  .filter((id) => results.get(id)?.rounds.length)
  .flatMap((id) =>
    CONCURRENCY.map((c) => ({
      name: `${id} c=${c}`,
      recordings: results
        .get(id)
        .rounds.map((round) => round[c].perf)
        .filter(Boolean),
    })),
  )
  .filter(({ recordings }) => recordings.length > 0);
if (perfCells.length > 0) {
  lines.push('', 'CPU by layer (perf record -e cpu-clock, every measured window; perf itself adds to these rows):', '');
  lines.push(layersTable(perfCells.map(({ name, recordings }) => ({ name, layers: layersPerRequest(recordings) }))));
}
for (const [id, result] of results) {
  if (result.failures.length === 0) continue;
  const kinds = new Map();
  for (const failure of result.failures) kinds.set(failure, (kinds.get(failure) ?? 0) + 1);
  lines.push('', `INVALID ${id}: ${result.failures.length} failed requests`);
  for (const [message, count] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 5)) lines.push(`  ${count} x ${message}`);
}
const markdown = `${lines.join('\n')}\n`;
process.stdout.write(`\n${markdown}`);
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'results.md'), markdown);
writeFileSync(
  path.join(outDir, 'results.json'),
  `${JSON.stringify(
    {
      date: startedAt.toISOString(),
      machine: { cpu: cpuModel, cores: cpus.length, node: process.version, loadAverageBefore: loadBefore },
      settings: { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, rounds: ROUNDS, idleSeconds: IDLE_SECONDS, concurrency: CONCURRENCY, protocol: PROTOCOL },
      versions: { peers: peerVersions, ours: projectVersions },
      fixture,
      rows: rows.map(({ id, label }) => ({ id, label, ...results.get(id) })),
    },
    null,
    2,
  )}\n`,
);
if (profiled.size > 0 && existsSync(profileDir)) {
  console.log(`\nCPU profiles in ${path.relative(root, profileDir)}/ (node scripts/bench/http/top-self-time.mjs <file> [N]):`);
  for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) console.log(`  ${path.relative(root, path.join(profileDir, file))}`);
}
if (invalid > 0) {
  console.log(`\n${invalid} row(s) INVALID: requests failed; server logs in ${path.relative(root, logDir)}/`);
  process.exitCode = 1;
}
