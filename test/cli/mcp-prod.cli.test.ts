import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, describeRun, ensureBuilt, repoRoot, runBin } from '../helpers/cli.js';
import { generateProjectTemplate, type ProjectTemplate } from '../helpers/generated-project.js';
import { snapshotDir, tempDirs } from '../helpers/temp-dirs.js';

const temp = tempDirs('mcp-prod-cli-');
let version: string;

beforeAll(async () => {
  await ensureBuilt();
  version = (JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}, 180_000);
afterEach(() => temp.cleanup());

describe('mcp-prod', () => {
  it('--help exits 0 and describes the command', async () => {
    const run = await runBin('mcp-prod', ['--help'], { cwd: await temp.make() });
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stdout, describeRun(run)).toContain('Usage: mcp-prod');
    expect(run.stdout, describeRun(run)).toContain('--version');
  });

  it.each(['--version', '-v'])('%s prints the package version', async (flag) => {
    const run = await runBin('mcp-prod', [flag], { cwd: await temp.make() });
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stdout.trim(), describeRun(run)).toBe(version);
  });

  it('rejects an unknown command with a message and the usage', async () => {
    const run = await runBin('mcp-prod', ['frobnicate'], { cwd: await temp.make() });
    expect(run.exitCode, describeRun(run)).not.toBe(0);
    expect(run.stderr, describeRun(run)).toMatch(/^error: /m);
    expect(run.stderr, describeRun(run)).toMatch(/too many arguments|unknown command/);
    expect(run.stderr, describeRun(run)).toContain('Usage: mcp-prod');
  });

  it('rejects an unknown option', async () => {
    const run = await runBin('mcp-prod', ['--frobnicate'], { cwd: await temp.make() });
    expect(run.exitCode, describeRun(run)).not.toBe(0);
    expect(run.stderr, describeRun(run)).toContain("unknown option '--frobnicate'");
  });

  it('token commands outside a generated project exit 1 and say where to run them', async () => {
    const cwd = await temp.make();
    const run = await runBin('mcp-prod', ['token', 'list'], { cwd });
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toContain(`No create-mcp-prod project found in ${cwd}`);
    expect(run.stderr, describeRun(run)).toContain('--cwd');
  });

  it('token issue without --scopes names the missing option', async () => {
    const run = await runBin('mcp-prod', ['token', 'issue'], { cwd: await temp.make() });
    expect(run.exitCode, describeRun(run)).not.toBe(0);
    expect(run.stderr, describeRun(run)).toContain("required option '--scopes <list>' not specified");
  });
});

describe('mcp-prod in a project whose dependencies are not installed', () => {
  let template: ProjectTemplate;
  beforeAll(async () => {
    template = await generateProjectTemplate('mcp-prod-cli-project-');
  }, 180_000);
  afterAll(() => template?.cleanup());

  /** A copy of the generated project, without node_modules (as right after `--no-install`). */
  async function uninstalledProject(): Promise<string> {
    const dir = path.join(await temp.make(), 'server');
    cpSync(template.dir, dir, { recursive: true });
    return dir;
  }

  it.each(['check', 'lock', 'token list'])('`%s` says to install the dependencies, not to type-check', async (command) => {
    const cwd = await uninstalledProject();
    const run = await runBin('mcp-prod', command.split(' '), { cwd });
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toContain(`error: The project's dependencies are not installed: there is no node_modules in ${cwd}.`);
    expect(run.stderr, describeRun(run)).toContain(`Run \`npm install\` in ${cwd}, then run the command again.`);
    expect(run.stderr, describeRun(run)).not.toContain('typecheck');
  });

  it('install --dry-run prints the change and writes nothing', async () => {
    const cwd = await uninstalledProject();
    const home = await temp.make();
    const run = await runBin('mcp-prod', ['install', 'claude-code', '--dry-run'], { cwd, env: cliEnv({ HOME: home }) });
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stdout, describeRun(run)).toContain(`CREATE ${path.join(home, '.claude.json')}`);
    expect(run.stdout, describeRun(run)).toContain(`"args": [\n+        "${path.join(cwd, 'dist', 'stdio.js')}"`);
    expect(await snapshotDir(home)).toEqual({});
  });

  it('install refuses a configuration file that is not JSON (exit 1) and leaves it alone', async () => {
    const cwd = await uninstalledProject();
    const config = path.join(cwd, 'broken.json');
    writeFileSync(config, '{ "mcpServers": { ');
    const run = await runBin('mcp-prod', ['install', 'cursor', '--config', 'broken.json'], { cwd });
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toContain(`error: ${config} is not valid JSON`);
    expect(readFileSync(config, 'utf8')).toBe('{ "mcpServers": { ');
  });

  it('install rejects an unknown client and lists the known ones', async () => {
    const run = await runBin('mcp-prod', ['install', 'emacs'], { cwd: await uninstalledProject() });
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toContain('claude-desktop, cursor, vscode, claude-code');
  });

  it('bundle refuses a project that has not been built', async () => {
    const cwd = await uninstalledProject();
    const run = await runBin('mcp-prod', ['bundle'], { cwd });
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toContain('error: dist/stdio.js is missing: the bundle ships the built server.');
    expect(existsSync(path.join(cwd, 'template-0.1.0.mcpb'))).toBe(false);
  });

  it('token issue --strict refuses a scope no tool uses, naming the known ones (the hierarchy comes from the project)', async () => {
    const cwd = await uninstalledProject();
    // src/contract.ts, which tells the scope hierarchy, needs only zod; the store is never opened.
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(cwd, 'node_modules'), 'dir');
    const run = await runBin('mcp-prod', ['token', 'issue', '--scopes', 'Notes:Read', '--strict'], { cwd });
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toContain('error: --scopes: no tool of this project requires Notes:Read (did you mean notes:read?).');
    expect(run.stderr, describeRun(run)).toContain('Known scopes (admin covers write covers read): notes:admin notes:read notes:write.');
    expect(run.stdout, describeRun(run)).toBe('');
  });
});
