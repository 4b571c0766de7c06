/**
 * The official MCP conformance suite (`@modelcontextprotocol/conformance`, server mode) against a
 * built generated project's Streamable HTTP server, compared with an expected-failures baseline.
 *
 * The suite cannot send a bearer token, so it talks to a loopback proxy in this process that
 * forwards every request unchanged (method, path, Host, Origin, body and streamed responses)
 * and only sets `Authorization: Bearer <token>`. The server's own auth stays on: a request that
 * reaches it without the proxy is still refused with 401, and that is checked before each run.
 *
 * The suite needs Node >= 22, so it runs on the Node 24 from `node-runtime.ts`; the server runs
 * on the Node that runs the tests (its better-sqlite3 was compiled for that one).
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { cleanEnv, type NodeRuntime } from './node-runtime.js';
import { repoRoot, run, startBuiltHttpServer } from './support.js';

export const defaultBaselinePath = path.join(repoRoot, 'test', 'conformance', 'expected-failures.yml');

export type CheckStatus = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';

/** One check as the suite writes it to `<output>/server-<scenario>-<timestamp>/checks.json`. */
export interface ConformanceCheck {
  id: string;
  name: string;
  description: string;
  status: CheckStatus;
  errorMessage?: string;
  details?: Record<string, unknown>;
}

export interface ScenarioOutcome {
  name: string;
  /** The suite's own rule (and its `--expected-failures` rule): any FAILURE or WARNING fails the scenario. */
  passed: boolean;
  checks: ConformanceCheck[];
  /** The checks that made it fail (FAILURE or WARNING). */
  problems: ConformanceCheck[];
}

export interface BaselineEntry {
  scenario: string;
  reason: string;
  line: number;
}

export interface StaleEntry extends BaselineEntry {
  why: 'now passing' | 'not a scenario of the installed suite';
}

export interface ConformanceReport {
  /**
   * No unexpected failure, no stale baseline entry, no 401 behind the proxy (the token was
   * accepted), and the server stayed up and shut down cleanly.
   */
  ok: boolean;
  suiteVersion: string;
  suite: string;
  node: string;
  serverUrl: string;
  proxyUrl: string;
  baselinePath: string;
  scenarios: ScenarioOutcome[];
  passed: string[];
  expectedFailures: BaselineEntry[];
  unexpectedFailures: ScenarioOutcome[];
  staleEntries: StaleEntry[];
  /** Baseline entries for scenarios this run left out (`scenarios` or `suite: 'active'`): neither confirmed nor stale. */
  unjudged: BaselineEntry[];
  /** What went through the proxy: requests by method and responses by status. */
  proxy: { requests: number; byMethod: Record<string, number>; byStatus: Record<string, number>; byContentType: Record<string, number> };
  /** The server's status for an initialize sent straight to it without a token (must be 401). */
  unauthenticatedStatus: number;
  /** The server exited during the run (`ok` is then false). */
  serverCrashed: boolean;
  /** Its exit code after SIGTERM at the end (0 for a graceful shutdown; `ok` requires 0). */
  serverExitCode: number | null;
  serverStderr: string;
  suiteOutput: string;
  outputDir: string;
  durationMs: number;
}

export interface ConformanceOptions {
  /** A generated project that has been installed and built (`dist/http.js`). */
  projectDir: string;
  /** Node >= 22 to run the suite with: the runtime from `ensureNode24()` or a path to a `node` binary. */
  node24: NodeRuntime | string;
  /**
   * The bearer token, or a function that issues one for the given SQLite file. Default: a fresh
   * token from the project's own `mcp-prod token issue` for every scope its lockfile names.
   */
  token?: string | ((db: string) => Promise<string>);
  /** The server's SQLite file (`MCP_PROD_DB`). Default: a fresh file in a temporary directory. */
  db?: string;
  /** Extra environment for the server. */
  serverEnv?: Record<string, string>;
  /** Default `test/conformance/expected-failures.yml` of this repository. */
  baselinePath?: string;
  /**
   * `all` (default): every server scenario of the installed suite, including the ones it marks
   * pending, so every baseline entry is judged. `active`: the suite's own default set.
   */
  suite?: 'active' | 'all';
  /** Run only these scenarios; baseline entries for other scenarios are then not judged. */
  scenarios?: string[];
  /** Where the suite writes its per-scenario `checks.json`. Default: a temporary directory, removed afterwards. */
  outputDir?: string;
  /** Upper bound for the whole suite run. Default 5 minutes. */
  timeoutMs?: number;
}

const requireFromHere = createRequire(import.meta.url);

function suiteEntry(): { script: string; version: string } {
  const manifest = requireFromHere.resolve('@modelcontextprotocol/conformance/package.json');
  const { version } = requireFromHere(manifest) as { version: string };
  return { script: path.join(path.dirname(manifest), 'dist', 'index.js'), version };
}

/**
 * Reads the baseline: the conformance suite's own `--expected-failures` YAML shape, where every
 * scenario is one line `  - <scenario>  # <reason>` under `server:`. A missing reason is an error.
 */
export async function loadBaseline(file: string): Promise<BaselineEntry[]> {
  const text = await readFile(file, 'utf8');
  const entries: BaselineEntry[] = [];
  let section: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\s+$/, '');
    if (line === '' || /^\s*#/.test(line)) return;
    const key = /^([A-Za-z_]+):\s*(\[\])?\s*(#.*)?$/.exec(line);
    if (key) {
      section = key[1];
      return;
    }
    const item = /^\s+-\s+([A-Za-z0-9][\w./-]*)\s*(?:#\s*(.*))?$/.exec(line);
    if (!item || section === undefined) throw new Error(`${file}:${index + 1}: expected "  - <scenario>  # <reason>" under "server:", got: ${raw}`);
    if (section !== 'server') return;
    const reason = item[2]?.trim() ?? '';
    if (reason === '') throw new Error(`${file}:${index + 1}: ${item[1]} has no reason; write it after a # on the same line`);
    if (entries.some((e) => e.scenario === item[1])) throw new Error(`${file}:${index + 1}: ${item[1]} is listed twice`);
    entries.push({ scenario: item[1]!, reason, line: index + 1 });
  });
  return entries;
}

/**
 * Compares outcomes with the baseline: a failure not listed is unexpected; a listed scenario that
 * passed, or that the installed suite does not have, is stale; a listed scenario the run left out
 * is unjudged.
 */
export function compareWithBaseline(
  outcomes: ScenarioOutcome[],
  baseline: BaselineEntry[],
  knownScenarios: string[],
): Pick<ConformanceReport, 'passed' | 'expectedFailures' | 'unexpectedFailures' | 'staleEntries' | 'unjudged' | 'ok'> {
  const listed = new Map(baseline.map((entry) => [entry.scenario, entry]));
  const ran = new Map(outcomes.map((outcome) => [outcome.name, outcome]));
  const known = new Set(knownScenarios);
  const passed = outcomes.filter((o) => o.passed && !listed.has(o.name)).map((o) => o.name);
  const unexpectedFailures = outcomes.filter((o) => !o.passed && !listed.has(o.name));
  const expectedFailures: BaselineEntry[] = [];
  const staleEntries: StaleEntry[] = [];
  const unjudged: BaselineEntry[] = [];
  for (const entry of baseline) {
    const outcome = ran.get(entry.scenario);
    if (outcome) {
      if (outcome.passed) staleEntries.push({ ...entry, why: 'now passing' });
      else expectedFailures.push(entry);
    } else if (!known.has(entry.scenario)) {
      staleEntries.push({ ...entry, why: 'not a scenario of the installed suite' });
    } else {
      unjudged.push(entry);
    }
  }
  return { ok: unexpectedFailures.length === 0 && staleEntries.length === 0, passed, expectedFailures, unexpectedFailures, staleEntries, unjudged };
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

export interface AuthProxy {
  url: string;
  stats: ConformanceReport['proxy'];
  close(): Promise<void>;
}

/**
 * A loopback reverse proxy to `target` (an http://127.0.0.1:port/... URL) that sets
 * `Authorization: Bearer <token>` on every request and changes nothing else: Host and Origin go
 * through as the client sent them (so DNS-rebinding checks still see the attacker's values),
 * request bodies and responses (SSE included) are streamed chunk by chunk.
 */
export async function startAuthProxy(target: string, token: string): Promise<AuthProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const stats: AuthProxy['stats'] = { requests: 0, byMethod: {}, byStatus: {}, byContentType: {} };
  const server: Server = createServer((req, res) => {
    stats.requests += 1;
    stats.byMethod[req.method ?? '?'] = (stats.byMethod[req.method ?? '?'] ?? 0) + 1;
    const headers = forwardable(req.headers);
    headers.authorization = `Bearer ${token}`;
    const forward = httpRequest(
      { host: upstream.hostname.replace(/^\[(.*)\]$/, '$1'), port: upstream.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        const status = answer.statusCode ?? 502;
        stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
        const type = answer.headers['content-type']?.split(';')[0] ?? 'no body type';
        stats.byContentType[type] = (stats.byContentType[type] ?? 0) + 1;
        res.writeHead(status, answer.statusMessage, forwardable(answer.headers));
        res.flushHeaders();
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    forward.on('error', (error) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`conformance auth proxy: ${error.message}`);
      } else {
        res.destroy(error);
      }
    });
    // The client went away (e.g. it closed an SSE stream): close the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) forward.destroy();
    });
    req.on('error', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}${upstream.search}`,
    stats,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** The scopes the project's lockfile names, so the token may call every tool. */
async function projectScopes(projectDir: string): Promise<string[]> {
  try {
    const lock = JSON.parse(await readFile(path.join(projectDir, 'mcp-tools.lock.json'), 'utf8')) as {
      tools?: Record<string, { scopes?: string[]; removedAt?: string }>;
    };
    const scopes = new Set<string>();
    for (const tool of Object.values(lock.tools ?? {})) if (!tool.removedAt) for (const scope of tool.scopes ?? []) scopes.add(scope);
    if (scopes.size > 0) return [...scopes].sort();
  } catch {
    // No lockfile: a project without tools still needs some valid scope to issue a token.
  }
  return ['conformance:read'];
}

/** Issues a token with the project's own `mcp-prod token issue --json` for the given SQLite file. */
export async function issueTokenWithCli(projectDir: string, db: string, scopes?: string[]): Promise<string> {
  const wanted = scopes ?? (await projectScopes(projectDir));
  const result = await run(
    'npx',
    ['--no-install', 'mcp-prod', 'token', 'issue', '--scopes', wanted.join(','), '--name', 'conformance', '--expires', '1d', '--json'],
    {
      cwd: projectDir,
      env: { MCP_PROD_DB: db },
    },
  );
  const issued = JSON.parse(String(result.stdout)) as { token?: string };
  if (!issued.token) throw new Error(`mcp-prod token issue printed no token:\n${String(result.stdout)}`);
  return issued.token;
}

/** `node dist/index.js list --server`: every server scenario the installed suite knows. */
async function listScenarios(node: string, script: string): Promise<string[]> {
  const { stdout } = await execa(node, [script, 'list', '--server'], { env: cleanEnv(), extendEnv: false, stdin: 'ignore' });
  return [...stdout.matchAll(/^\s+-\s+(\S+)/gm)].map((m) => m[1]!);
}

const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

/** Reads `<outputDir>/server-<scenario>-<timestamp>/checks.json` for every scenario the suite announced. */
async function readOutcomes(outputDir: string, announced: string[], output: string): Promise<ScenarioOutcome[]> {
  const dirs = new Map<string, string>();
  for (const entry of await readdir(outputDir)) {
    const match = RESULT_DIR.exec(entry);
    if (match) dirs.set(match[1]!, path.join(outputDir, entry));
  }
  const outcomes: ScenarioOutcome[] = [];
  for (const name of announced) {
    const dir = dirs.get(name);
    let checks: ConformanceCheck[];
    if (dir && (await stat(path.join(dir, 'checks.json')).catch(() => undefined))) {
      checks = JSON.parse(await readFile(path.join(dir, 'checks.json'), 'utf8')) as ConformanceCheck[];
    } else {
      // The suite writes no checks.json for a scenario that threw; it prints the error instead.
      const section = output.split(`=== Running scenario: ${name} ===`)[1]?.split('=== Running scenario:')[0] ?? '';
      checks = [{ id: name, name, description: 'The scenario did not complete', status: 'FAILURE', errorMessage: section.trim().slice(0, 2000) }];
    }
    const problems = checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');
    outcomes.push({ name, passed: problems.length === 0, checks, problems });
  }
  return outcomes;
}

/** An initialize sent straight to the server without a token: the auth gate must answer 401. */
async function unauthenticatedStatus(serverUrl: string): Promise<number> {
  const response = await fetch(serverUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'no-token', version: '1.0.0' } },
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Starts the project's built HTTP server with a fresh token, puts the auth proxy in front of it,
 * runs the conformance suite's server mode against the proxy on Node 24, and compares the
 * per-scenario results with the baseline. Throws only when the run itself is impossible; a
 * failing comparison is `report.ok === false` (see `formatConformanceReport`).
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const started = performance.now();
  const projectDir = path.resolve(options.projectDir);
  const node = typeof options.node24 === 'string' ? options.node24 : options.node24.node;
  const { script, version: suiteVersion } = suiteEntry();
  const baselinePath = options.baselinePath ?? defaultBaselinePath;
  const baseline = await loadBaseline(baselinePath);
  const suite = options.suite ?? 'all';

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'create-mcp-prod-conformance-'));
  // A fresh directory per run, so results of an earlier run in the same --output-dir are never read.
  const outputDir = path.join(options.outputDir ?? scratch, `results-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const db = options.db ?? path.join(scratch, 'conformance.db');
  const token = typeof options.token === 'string' ? options.token : options.token ? await options.token(db) : await issueTokenWithCli(projectDir, db);

  const [nodeVersion, known] = await Promise.all([
    execa(node, ['-p', 'process.version'], { env: cleanEnv(), extendEnv: false, stdin: 'ignore' }).then((r) => r.stdout.trim()),
    listScenarios(node, script),
  ]);
  if (Number(/^v(\d+)/.exec(nodeVersion)?.[1]) < 22) throw new Error(`the conformance suite needs Node >= 22; ${node} is ${nodeVersion}`);
  const unknown = (options.scenarios ?? []).filter((s) => !known.includes(s));
  if (unknown.length > 0) throw new Error(`unknown conformance scenarios: ${unknown.join(', ')} (known: ${known.join(', ')})`);

  const server = await startBuiltHttpServer(projectDir, { MCP_PROD_DB: db, ...options.serverEnv });
  let proxy: AuthProxy | undefined;
  try {
    const refused = await unauthenticatedStatus(server.url);
    if (refused !== 401) throw new Error(`the server answered ${refused}, not 401, to an initialize without a token; refusing to run the suite against it`);
    proxy = await startAuthProxy(server.url, token);

    const runs = options.scenarios ? options.scenarios.map((s) => ['--scenario', s]) : [['--suite', suite]];
    let suiteOutput = '';
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    for (const selection of runs) {
      const result = await execa(node, [script, 'server', '--url', proxy.url, ...selection, '--output-dir', outputDir], {
        cwd: scratch,
        env: cleanEnv(),
        extendEnv: false,
        reject: false,
        all: true,
        stdin: 'ignore',
        timeout: Math.max(1_000, deadline - Date.now()),
      });
      if (result.timedOut) throw new Error(`the conformance suite did not finish in time:\n${String(result.all).slice(-4000)}`);
      // Exit 1 just means some scenario failed; anything else (a crash, bad options) is not a result.
      if (result.exitCode !== 0 && result.exitCode !== 1)
        throw new Error(`the conformance suite exited ${result.exitCode}:\n${String(result.all).slice(-4000)}`);
      suiteOutput += String(result.all);
    }

    const announced = options.scenarios ?? [...suiteOutput.matchAll(/=== Running scenario: (\S+) ===/g)].map((m) => m[1]!);
    if (announced.length === 0) throw new Error(`the conformance suite ran no scenario:\n${suiteOutput.slice(-4000)}`);
    const scenarios = await readOutcomes(outputDir, announced, suiteOutput);
    const comparison = compareWithBaseline(scenarios, baseline, known);

    const proxyUrl = proxy.url;
    const proxyStats = proxy.stats;
    await proxy.close();
    proxy = undefined;
    // A server that died during the run has already exited; stop() would wait for an exit that never comes.
    const crashed = server.child.exitCode !== null || server.child.signalCode !== null;
    const serverExitCode = crashed ? (server.child.exitCode ?? -1) : await server.stop();
    return {
      ...comparison,
      // A 401 behind the proxy means the token was refused: every result of the run is then meaningless.
      ok: comparison.ok && !crashed && serverExitCode === 0 && !proxyStats.byStatus['401'],
      serverCrashed: crashed,
      suiteVersion,
      suite: options.scenarios ? `scenarios: ${options.scenarios.join(', ')}` : suite,
      node: nodeVersion,
      serverUrl: server.url,
      proxyUrl,
      baselinePath,
      scenarios,
      proxy: proxyStats,
      unauthenticatedStatus: refused,
      serverExitCode,
      serverStderr: server.stderr(),
      suiteOutput,
      outputDir,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await proxy?.close();
    if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
    // The results live here too unless `outputDir` was given.
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A readable summary: what failed unexpectedly (with each failing check), stale entries, expected failures. */
export function formatConformanceReport(report: ConformanceReport): string {
  const relative = path.relative(repoRoot, report.baselinePath);
  const baseline = relative.startsWith('..') ? report.baselinePath : relative;
  const lines = [
    `MCP conformance ${report.suiteVersion} (${report.suite}, Node ${report.node}) against ${report.serverUrl} via the auth proxy: ` +
      `${report.passed.length} passed, ${report.expectedFailures.length} expected failures, ${report.unexpectedFailures.length} unexpected failures, ` +
      `${report.staleEntries.length} stale baseline entries (${(report.durationMs / 1000).toFixed(1)} s)`,
  ];
  for (const outcome of report.unexpectedFailures) {
    lines.push(`  FAIL ${outcome.name} (not in ${baseline})`);
    for (const check of outcome.problems) {
      lines.push(`    ${check.status} ${check.id}: ${check.description}${check.errorMessage ? `: ${check.errorMessage}` : ''}`);
      if (check.details) lines.push(`      details: ${JSON.stringify(check.details).slice(0, 1500)}`);
    }
  }
  if (report.proxy.byStatus['401']) {
    lines.push(
      `  TOKEN the server answered 401 to ${report.proxy.byStatus['401']} proxied requests: the token given to the proxy is not valid for this server's store`,
    );
  }
  if (report.serverCrashed || report.serverExitCode !== 0) {
    lines.push(
      `  SERVER ${report.serverCrashed ? 'exited during the run' : 'did not shut down cleanly'} (exit code ${report.serverExitCode}); its stderr ends:`,
    );
    lines.push(report.serverStderr.slice(-3000).replace(/^/gm, '    '));
  }
  for (const entry of report.staleEntries) {
    lines.push(`  STALE ${entry.scenario} (${baseline}:${entry.line}): ${entry.why}; remove the entry`);
  }
  for (const entry of report.expectedFailures) lines.push(`  expected ${entry.scenario}: ${entry.reason}`);
  for (const entry of report.unjudged) lines.push(`  not run ${entry.scenario} (in the baseline)`);
  for (const name of report.passed) lines.push(`  pass ${name}`);
  const count = (record: Record<string, number>) =>
    Object.entries(record)
      .map(([key, n]) => `${key} ${n}`)
      .join(', ');
  lines.push(
    `  proxy: ${report.proxy.requests} requests (${count(report.proxy.byMethod)}); responses ${count(report.proxy.byStatus)}; ${count(report.proxy.byContentType)}; ` +
      `without the proxy the server answered ${report.unauthenticatedStatus}`,
  );
  return lines.join('\n');
}
