/**
 * Issue 13's exit-code defects through the real binaries: what the user typed or has on disk is
 * wrong, so the exit code is 1 with a message naming it, never 2 ("internal error") or a stack.
 */
import { cpSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, ensureBuilt, repoRoot, runBin, type CliRun } from '../helpers/cli.js';
import { generateProjectTemplate, type ProjectTemplate } from '../helpers/generated-project.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const temp = tempDirs('mcp-prod-exit-codes-');
let template: ProjectTemplate;

beforeAll(async () => {
  await ensureBuilt();
  template = await generateProjectTemplate('mcp-prod-exit-codes-project-');
}, 180_000);
afterAll(() => template?.cleanup());
afterEach(() => temp.cleanup());

async function installedProject(): Promise<string> {
  const dir = path.join(await temp.make(), 'server');
  cpSync(template.dir, dir, { recursive: true });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function expectUserError(run: CliRun, message: RegExp | string): void {
  expect(run.exitCode, describeRun(run)).toBe(1);
  expect(run.stderr, describeRun(run)).not.toContain('internal error');
  expect(run.stderr, describeRun(run)).not.toMatch(/^\s+at /m);
  if (typeof message === 'string') expect(run.stderr, describeRun(run)).toContain(message);
  else expect(run.stderr, describeRun(run)).toMatch(message);
}

describe('options that are not what they should be', () => {
  it.each(['0', 'x', '1.5'])('costs --top %s names the option', async (value) => {
    const run = await runBin('mcp-prod', ['costs', '--top', value, '--from-log', 'none.log'], { cwd: await installedProject() });
    expectUserError(run, '--top');
  });

  it('deprecate --since that is not a date names the option', async () => {
    const run = await runBin('mcp-prod', ['deprecate', 'search_notes', '--replacement', 'create_note', '--since', '2026-13-01'], {
      cwd: await installedProject(),
    });
    expectUserError(run, '--since');
  });
});

describe("the user's files and environment", () => {
  it('create-mcp-prod on the path of an existing file', async () => {
    const dir = await temp.make();
    writeFileSync(path.join(dir, 'taken'), 'a file');
    const run = await runBin('create-mcp-prod', ['taken', '--yes', '--no-install', '--no-git'], { cwd: dir });
    expectUserError(run, 'is not a directory');
  });

  it('token list when the project cannot open its store', async () => {
    const cwd = await installedProject();
    writeFileSync(
      path.join(cwd, 'src', 'admin.ts'),
      "export function openAdmin() { throw new Error('Cannot open the SQLite store at /nowhere/x.db (set MCP_PROD_DB to change it): unable to open database file'); }\n",
    );
    const run = await runBin('mcp-prod', ['token', 'list'], { cwd });
    expectUserError(run, 'Cannot open the SQLite store at /nowhere/x.db');
  });

  it.each([
    ['a git ref that does not exist', ['no-such-ref', 'mcp-tools.lock.json']],
    ['a path that does not exist', ['missing/lock.json', 'mcp-tools.lock.json']],
  ])('diff with %s', async (_kind, args) => {
    const run = await runBin('mcp-prod', ['diff', ...args], { cwd: await installedProject() });
    expectUserError(run, /is neither a lockfile path nor a git ref|is not a file/);
  });

  it('lock on a corrupt lockfile', async () => {
    const cwd = await installedProject();
    writeFileSync(path.join(cwd, 'mcp-tools.lock.json'), '{"lockfileVersion": 1, "tools": {');
    const run = await runBin('mcp-prod', ['lock'], { cwd });
    expectUserError(run, 'Restore mcp-tools.lock.json from git');
  });

  it('costs --from-log on a file that is not a log warns that nothing in it was a log line', async () => {
    const cwd = await installedProject();
    writeFileSync(path.join(cwd, 'notes.txt'), 'hello\n{"half": \nplain words\n');
    const run = await runBin('mcp-prod', ['costs', '--from-log', 'notes.txt'], { cwd });
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stderr, describeRun(run)).toMatch(/warning: .*notes\.txt.*3 line\(s\).*not .*log/);
  });
});
