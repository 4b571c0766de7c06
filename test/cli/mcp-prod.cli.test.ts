import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, ensureBuilt, repoRoot, runBin } from '../helpers/cli.js';
import { tempDirs } from '../helpers/temp-dirs.js';

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
