import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, describeRun, ensureBuilt, repoRoot, runBin } from '../helpers/cli.js';
import { snapshotDir, stagingDirsIn, tempDirs } from '../helpers/temp-dirs.js';

const temp = tempDirs('create-mcp-prod-cli-');
let version: string;

beforeAll(async () => {
  await ensureBuilt();
  version = (JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}, 180_000);
afterEach(() => temp.cleanup());

const create = (args: readonly string[], cwd: string, env?: Record<string, string>) => runBin('create-mcp-prod', args, env ? { cwd, env } : { cwd });

interface GeneratedPackageJson {
  name: string;
  devDependencies: Record<string, string>;
}

async function readPackageJson(dir: string): Promise<GeneratedPackageJson> {
  return JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as GeneratedPackageJson;
}

describe('create-mcp-prod', () => {
  it('--help exits 0 and lists every flag', async () => {
    const run = await create(['--help'], await temp.make());
    expect(run.exitCode, describeRun(run)).toBe(0);
    for (const flag of ['--transport', '--no-example', '--no-install', '--no-git', '--pm', '--cli-version', '--force', '--yes', '--name']) {
      expect(run.stdout, `${flag}\n${describeRun(run)}`).toContain(flag);
    }
    expect(run.stdout).toContain('Usage: create-mcp-prod');
  });

  it.each(['--version', '-v'])('%s prints the package version', async (flag) => {
    const run = await create([flag], await temp.make());
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stdout.trim(), describeRun(run)).toBe(version);
  });

  it('without a directory or --yes on a non-TTY exits 1, explains how to pass it and writes nothing', async () => {
    const cwd = await temp.make();
    const run = await create([], cwd);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toMatch(/missing project directory/i);
    expect(run.stderr, describeRun(run)).toContain('create-mcp-prod my-server --yes');
    expect(run.stderr, describeRun(run)).not.toMatch(/internal error/);
    expect(await readdir(cwd)).toEqual([]);
  });

  it('rejects an unknown --transport and lists the choices', async () => {
    const cwd = await temp.make();
    const run = await create(['my-server', '--transport', 'bogus', '--yes'], cwd);
    expect(run.exitCode, describeRun(run)).not.toBe(0);
    expect(run.stderr, describeRun(run)).toMatch(/'bogus' is invalid/);
    expect(run.stderr, describeRun(run)).toMatch(/stdio, http, both/);
    expect(await readdir(cwd)).toEqual([]);
  });

  it('rejects an unknown --pm and lists the choices', async () => {
    const cwd = await temp.make();
    const run = await create(['my-server', '--pm', 'bun', '--yes'], cwd);
    expect(run.exitCode, describeRun(run)).not.toBe(0);
    expect(run.stderr, describeRun(run)).toMatch(/'bun' is invalid/);
    expect(run.stderr, describeRun(run)).toMatch(/npm, pnpm, yarn/);
    expect(await readdir(cwd)).toEqual([]);
  });

  it('refuses a non-empty directory, mentions --force and leaves it unchanged', async () => {
    const cwd = await temp.make();
    const target = path.join(cwd, 'my-server');
    await mkdir(target);
    await writeFile(path.join(target, 'notes.txt'), 'mine\n');
    const before = await snapshotDir(cwd);

    const run = await create(['my-server', '--yes', '--no-install', '--no-git'], cwd);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toContain('is not empty');
    expect(run.stderr, describeRun(run)).toContain('--force');
    expect(await snapshotDir(cwd)).toEqual(before);
    expect(await stagingDirsIn(cwd)).toEqual([]);
  });

  it('rejects an invalid --name', async () => {
    const cwd = await temp.make();
    const run = await create(['my-server', '--name', 'Bad Name', '--yes', '--no-install', '--no-git'], cwd);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toContain('"Bad Name" is not a valid npm package name');
    expect(run.stderr, describeRun(run)).toContain('--name');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('rejects a directory name that is not a package name and suggests --name', async () => {
    const cwd = await temp.make();
    const run = await create(['My Server', '--yes', '--no-install', '--no-git'], cwd);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toContain('--name my-server');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('scaffolds a project non-interactively and prints the next steps', async () => {
    const cwd = await temp.make();
    const run = await create(['my-server', '--yes', '--no-install', '--no-git'], cwd);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stdout, describeRun(run)).toContain('Next steps');
    expect(run.stdout, describeRun(run)).toContain('cd my-server');
    expect(run.stdout, describeRun(run)).toContain('npm install');
    expect(run.stdout, describeRun(run)).toMatch(/Created my-server in .*my-server \(\d+ files\)/);
    expect(run.stderr, describeRun(run)).not.toMatch(/error/i);

    const project = path.join(cwd, 'my-server');
    const pkg = await readPackageJson(project);
    expect(pkg.name).toBe('my-server');
    // A checkout is not a published build: the project links this folder, and the run says so.
    expect(pkg.devDependencies['create-mcp-prod']).toBe(`file:${repoRoot.replace(/\/$/, '')}`);
    expect(run.stderr, describeRun(run)).toContain(`This create-mcp-prod (${version}) runs from`);
    for (const file of ['src/stdio.ts', 'src/http.ts', 'src/tools/search-notes.ts', '.gitignore', '.github/workflows/ci.yml']) {
      expect(existsSync(path.join(project, file)), file).toBe(true);
    }
    expect(existsSync(path.join(project, '.git')), 'no git repository with --no-git').toBe(false);
    expect(existsSync(path.join(project, 'node_modules')), 'no install with --no-install').toBe(false);
    expect(await readdir(cwd)).toEqual(['my-server']);
  });

  it('uses ./my-mcp-server with --yes and no directory', async () => {
    const cwd = await temp.make();
    const run = await create(['--yes', '--no-install', '--no-git'], cwd);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stdout, describeRun(run)).toContain('cd my-mcp-server');
    expect((await readPackageJson(path.join(cwd, 'my-mcp-server'))).name).toBe('my-mcp-server');
  });

  it('writes --cli-version verbatim', async () => {
    const cwd = await temp.make();
    const run = await create(['my-server', '--yes', '--no-install', '--no-git', '--cli-version', 'file:/x.tgz'], cwd);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect((await readPackageJson(path.join(cwd, 'my-server'))).devDependencies['create-mcp-prod']).toBe('file:/x.tgz');
  });

  it('--transport http --no-example leaves out stdio and the example tools', async () => {
    const cwd = await temp.make();
    const run = await create(['svc', '--transport', 'http', '--no-example', '--no-install', '--no-git'], cwd);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const project = path.join(cwd, 'svc');
    expect(existsSync(path.join(project, 'src/http.ts'))).toBe(true);
    expect(existsSync(path.join(project, 'src/stdio.ts'))).toBe(false);
    expect(existsSync(path.join(project, 'src/tools/search-notes.ts'))).toBe(false);
    expect(run.stdout, describeRun(run)).toContain('npm run start:http');
    expect(run.stdout, describeRun(run)).not.toContain('npm start ');
  });

  it('uses --name for a scoped package', async () => {
    const cwd = await temp.make();
    const run = await create(['notes', '--name', '@acme/notes-server', '--yes', '--no-install', '--no-git'], cwd);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect((await readPackageJson(path.join(cwd, 'notes'))).name).toBe('@acme/notes-server');
    expect(await readFile(path.join(cwd, 'notes', 'src/server.ts'), 'utf8')).toContain("name: 'notes-server'");
  });

  it('--force writes into a non-empty directory and keeps unrelated files', async () => {
    const cwd = await temp.make();
    const project = path.join(cwd, 'my-server');
    await mkdir(project);
    await writeFile(path.join(project, 'notes.txt'), 'keep me\n');
    await writeFile(path.join(project, 'README.md'), 'old readme\n');

    const run = await create(['my-server', '--force', '--yes', '--no-install', '--no-git'], cwd);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(await readFile(path.join(project, 'notes.txt'), 'utf8')).toBe('keep me\n');
    expect(await readFile(path.join(project, 'README.md'), 'utf8')).toMatch(/^# my-server\n/);
    expect((await readPackageJson(project)).name).toBe('my-server');
    expect(run.stderr, describeRun(run)).toContain('Overwrote 1 existing file(s): README.md');
    expect(await stagingDirsIn(cwd)).toEqual([]);
  });

  it('exits 1 and explains how to finish when the install fails', async () => {
    const cwd = await temp.make();
    const fakeBin = await temp.make();
    const fakeNpm = path.join(fakeBin, 'npm');
    await writeFile(fakeNpm, '#!/bin/sh\necho "npm ERR! simulated registry outage" >&2\nexit 1\n');
    await chmod(fakeNpm, 0o755);
    const env = cliEnv({ PATH: [fakeBin, path.dirname(process.execPath)].join(path.delimiter) });

    const run = await create(['my-server', '--yes', '--pm', 'npm', '--no-git'], cwd, env);
    const project = path.join(cwd, 'my-server');
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toContain('npm install failed (exit 1)');
    expect(run.stderr, describeRun(run)).toContain('simulated registry outage');
    expect(run.stderr, describeRun(run)).toContain(`cd ${project} && npm install`);
    expect(run.stderr, describeRun(run)).not.toMatch(/internal error/);
    expect((await readPackageJson(project)).name).toBe('my-server');
    expect(existsSync(path.join(project, 'src/server.ts'))).toBe(true);
  });

  it('exits 1 and says so when the package manager is not on PATH', async () => {
    const cwd = await temp.make();
    const emptyBin = await temp.make();
    const env = cliEnv({ PATH: emptyBin });

    const run = await create(['my-server', '--yes', '--pm', 'pnpm', '--no-git'], cwd, env);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stderr, describeRun(run)).toContain('pnpm was not found on PATH');
    expect(run.stderr, describeRun(run)).toContain('pnpm install');
    expect(existsSync(path.join(cwd, 'my-server', 'package.json'))).toBe(true);
  });
});
