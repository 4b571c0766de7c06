import { existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Result } from 'execa';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const builtEntry = path.join(repoRoot, 'dist', 'cli', 'create.js');

/**
 * Builds dist/ once when it is missing. CLI test files run in parallel workers, so a lock
 * directory keeps two of them from running tsc over the same output at the same time.
 */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(builtEntry)) return;
  const lock = path.join(os.tmpdir(), `create-mcp-prod-build-${Buffer.from(repoRoot).toString('hex').slice(-32)}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 300_000) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (existsSync(builtEntry)) return;
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = await execa(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repoRoot, reject: false, all: true });
    if (build.exitCode !== 0 || !existsSync(builtEntry)) throw new Error(`build failed (exit ${build.exitCode}):\n${build.all}`);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** The environment every CLI run gets: CI, no colours, nothing that changes the detected package manager or TTY mode. */
export function cliEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined) env[key] = value;
  }
  delete env.MCP_PROD_FORCE_TTY;
  delete env.npm_config_user_agent;
  return { ...env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...overrides };
}

export type Bin = 'create-mcp-prod' | 'mcp-prod';
export type CliRun = Result<{ reject: false; stdin: 'ignore' }>;

export async function runBin(bin: Bin, args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  return execa(process.execPath, [path.join(repoRoot, 'bin', `${bin}.js`), ...args], {
    cwd: options.cwd,
    env: options.env ?? cliEnv(),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
}

/** Context for assertion failures: the exit code and both output streams. */
export function describeRun(run: CliRun): string {
  return `exit code ${String(run.exitCode)}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
}
