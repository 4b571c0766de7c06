import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const bin = path.resolve(import.meta.dirname, '../../bin/create-mcp-prod.js');
const mcpProdBin = path.resolve(import.meta.dirname, '../../bin/mcp-prod.js');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs create-mcp-prod inside a pseudo-terminal (util-linux `script`) and answers each prompt
 * when its question appears, the way a person at a terminal would.
 */
function runInTerminal(args: string[], cwd: string, answers: [prompt: string, keys: string][], program = bin) {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
  delete env.CI;
  const command = `stty cols 120 rows 40; exec ${process.execPath} ${program} ${args.join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let next = 0;
  const onOutput = (chunk: Buffer) => {
    screen += chunk.toString();
    const pending = answers[next];
    if (pending && screen.includes(pending[0])) {
      next += 1;
      setTimeout(() => child.stdin.write(pending[1]), 50);
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  return new Promise<{ code: number | null; screen: string; answered: number }>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, screen, answered: next });
    });
  });
}

describe('create-mcp-prod in a terminal', () => {
  it('asks for what the flags left open and echoes the equivalent one-shot command', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'interactive-'));
    dirs.push(cwd);
    const result = await runInTerminal(['--no-git', '--no-install'], cwd, [
      ['Where should the project be created?', 'demo-app\r'],
      ['Which transports should the server speak?', '\u001b[B\r'],
      ['Include the example notes tools', '\r'],
    ]);
    expect(result.answered, result.screen).toBe(3);
    expect(result.code, result.screen).toBe(0);
    expect(result.screen).not.toContain('Install dependencies now?');
    expect(result.screen).toContain('create-mcp-prod demo-app --name demo-app --transport stdio --no-install --yes');
    const project = path.join(cwd, 'demo-app');
    expect(JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')).name).toBe('demo-app');
    expect(existsSync(path.join(project, 'src/stdio.ts'))).toBe(true);
    expect(existsSync(path.join(project, 'src/http.ts'))).toBe(false);
    expect(existsSync(path.join(project, 'src/tools/search-notes.ts'))).toBe(true);
  });

  it('never prompts under --yes, even in a terminal', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'interactive-'));
    dirs.push(cwd);
    const result = await runInTerminal(['quick', '--yes', '--no-git', '--no-install'], cwd, []);
    expect(result.code, result.screen).toBe(0);
    expect(result.screen).not.toContain('?');
    expect(existsSync(path.join(cwd, 'quick', 'src/http.ts'))).toBe(true);
  });

  it('mcp-prod add-tool asks for the tool name, scope, kind and description', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'interactive-'));
    dirs.push(cwd);
    const created = await runInTerminal(['app', '--yes', '--no-git', '--no-install', '--no-example'], cwd, []);
    expect(created.code, created.screen).toBe(0);
    const project = path.join(cwd, 'app');
    // The add-tool lockfile step loads the new tool, which needs only zod: this repository's.
    symlinkSync(path.resolve(import.meta.dirname, '../../node_modules'), path.join(project, 'node_modules'), 'dir');
    const result = await runInTerminal(
      ['add-tool'],
      project,
      [
        ['Tool name:', 'get_time\r'],
        ['Scope callers need:', 'time:read\r'],
        ['What does it do?', '\u001b[B\r'],
        ['Description (models read it):', 'Current time in a city.\r'],
      ],
      mcpProdBin,
    );
    expect(result.answered, result.screen).toBe(4);
    expect(result.code, result.screen).toBe(0);
    const source = readFileSync(path.join(project, 'src/tools/get-time.ts'), 'utf8');
    expect(source).toContain("name: 'get_time'");
    expect(source).toContain("scopes: ['time:read']");
    expect(source).toContain('readOnly: false');
    expect(source).toContain("idempotency: 'required'");
    expect(source).toContain("description: 'Current time in a city.'");
  });
});
