import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localPrincipal } from '../src/platform/auth.js';
import { fixedClock } from '../src/platform/clock.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { countEffects, fixtureTools } from './fixtures/tools.js';
import { connectClient, errorOf, newKey, testApp } from './helpers/harness.js';

const worker = path.resolve('test/fixtures/idempotency-worker.ts');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'idem-proc-'));
  dirs.push(dir);
  const file = path.join(dir, 'mcp.db');
  void openSqliteStore(file).close();
  return file;
}

function startWorker(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  return { child, lines, exited, stderr: () => stderr };
}

describe('idempotency across OS processes sharing one SQLite file', () => {
  it('two processes firing the same keyed call 25 times each produce exactly one side effect', async () => {
    const file = tempDb();
    const key = newKey();
    const label = newKey();
    const workers = [startWorker([file, key, label, '25', '300']), startWorker([file, key, label, '25', '300'])];
    await vi.waitFor(() => expect(workers.every((w) => w.lines.includes('ready'))).toBe(true), { timeout: 15_000, interval: 20 });
    for (const w of workers) w.child.stdin.write('go\n');
    for (const w of workers) {
      const [code] = await w.exited;
      expect(code, w.stderr()).toBe(0);
    }
    const perWorker = workers.map((w) => JSON.parse(w.lines.at(-1)!) as string[]);
    const outcomes = perWorker.flat();
    expect(outcomes).toHaveLength(50);
    expect(
      outcomes.filter((o) => o === 'executed'),
      JSON.stringify(perWorker),
    ).toHaveLength(1);
    // Whether the second process arrives while the first still runs depends on the machine's load;
    // either way it never runs the call again.
    expect(perWorker.every((o) => o.length === 25)).toBe(true);
    expect(outcomes.every((o) => ['executed', 'replay', 'idempotency_key_in_use'].includes(o))).toBe(true);
    const store = openSqliteStore(file);
    expect(countEffects(store, label)).toBe(1);
    await store.close();
  });

  it('a process killed mid-call leaves a record that answers idempotency_outcome_unknown, never a second run', async () => {
    const file = tempDb();
    const key = newKey();
    const label = newKey();
    const victim = startWorker([file, key, label, '1', '60000']);
    await vi.waitFor(() => expect(victim.lines).toContain('ready'), { timeout: 15_000, interval: 20 });
    victim.child.stdin.write('go\n');
    const store = openSqliteStore(file);
    await vi.waitFor(() => expect(countEffects(store, label)).toBe(1), { timeout: 15_000, interval: 50 });
    victim.child.kill('SIGKILL');
    const [, signal] = await victim.exited;
    expect(signal).toBe('SIGKILL');

    const clock = fixedClock(new Date().toISOString());
    const { app } = testApp({ tools: fixtureTools, store, clock, authenticate: localPrincipal(['test:admin'], 'alice') });
    const { client, close } = await connectClient(app);
    const retry = () => client.callTool({ name: 'append_effect', arguments: { label, delayMs: 60000 }, _meta: { 'mcp-prod/idempotencyKey': key } });
    expect(errorOf(await retry()).code).toBe('idempotency_key_in_use');
    clock.set(new Date(Date.now() + app.idempotency.leaseMs + 1000).toISOString());
    expect(errorOf(await retry())).toMatchObject({ code: 'idempotency_outcome_unknown', retryable: false });
    expect(countEffects(store, label)).toBe(1);
    await close();
    await store.close();
  });
});
