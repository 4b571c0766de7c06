import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type Options } from 'execa';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

// Generated projects' PostgreSQL and Redis tests need servers: .ci/run starts them on these addresses.
process.env.MCP_PROD_TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
process.env.MCP_PROD_TEST_REDIS_URL ??= 'redis://127.0.0.1:6379';
export const createBin = path.join(repoRoot, 'bin', 'create-mcp-prod.js');

/** Scenario projects live outside the repository so nothing resolves from its node_modules. */
export function makeWorkDir(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `create-mcp-prod-${label}-`));
}

/** Packs the built package the way npm would publish it; generated projects install this tarball. */
export function packTarball(into: string): string {
  mkdirSync(into, { recursive: true });
  execFileSync('npm', ['pack', '--silent', '--pack-destination', into], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = readdirSync(into).find((file) => file.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack produced no tarball in ${into}`);
  return path.join(into, tarball);
}

const quietEnv = { CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', npm_config_update_notifier: 'false' };

/** Runs a command and fails with its whole output when it exits non-zero. */
export async function run(file: string, args: string[], options: Options & { cwd: string }) {
  const result = await execa(file, args, { ...options, env: { ...quietEnv, ...options.env }, reject: false, all: true, stdin: 'ignore' });
  if (result.exitCode !== 0) {
    throw new Error(`${file} ${args.join(' ')} (in ${options.cwd}) exited ${result.exitCode}:\n${String(result.all).slice(-6000)}`);
  }
  return result;
}

export interface StartedHttp {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Starts `node dist/http.js` on a free port and resolves once its `started` log line names the URL. */
export async function startBuiltHttpServer(projectDir: string, env: Record<string, string>): Promise<StartedHttp> {
  const child = spawn(process.execPath, ['dist/http.js'], {
    cwd: projectDir,
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no started line within 15s:\n${stderr}`)), 15_000);
    child.once('exit', (code) => reject(new Error(`http server exited with ${code}:\n${stderr}`)));
    child.stderr!.on('data', () => {
      const line = stderr.split('\n').find((l) => l.includes('"event":"started"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

/** The JSON log lines a server wrote to stderr. */
export function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
