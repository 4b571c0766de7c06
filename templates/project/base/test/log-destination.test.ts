/**
 * The default log destination: one write per turn of the event loop, nothing held back past the
 * turn, and nothing lost when the process exits, however it exits short of being killed.
 */
import { spawnSync } from 'node:child_process';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { writtenPerTurn } from '../src/platform/log-destination.js';

/** Runs `body` as a script with a logger on the default destination; returns what reached stderr, line by line (a log line by its msg). */
function loggedBy(body: string) {
  const script = [
    "import { createLogger } from './src/platform/logger.ts';",
    "import { writeStderr } from './src/platform/log-destination.ts';",
    'const log = createLogger();',
    body,
  ].join('\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  const lines = run.stderr.split('\n').filter(Boolean);
  const messages = lines.filter((line) => line.startsWith('{')).map((line) => (JSON.parse(line) as { msg: string }).msg);
  const all = lines.map((line) => (line.startsWith('{') ? (JSON.parse(line) as { msg: string }).msg : line));
  return { status: run.status, messages, all, stderr: run.stderr };
}

describe('log destination', () => {
  it('writes the lines of one turn together, in order, when the turn ends', async () => {
    const writes: string[] = [];
    const destination = writtenPerTurn({ write: (text) => writes.push(text) });
    destination.write('one\n');
    destination.write('two\n');
    destination.write('three\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['one\ntwo\nthree\n']);
    destination.write('four\n');
    await nextTurn();
    expect(writes).toEqual(['one\ntwo\nthree\n', 'four\n']);
  });

  it('writes a line logged right before process.exit', () => {
    const run = loggedBy(`log.info('last words'); process.exit(3);`);
    expect(run.status).toBe(3);
    expect(run.messages).toEqual(['last words']);
  });

  it('writes the lines logged before an uncaught exception ends the process', () => {
    const run = loggedBy(`log.info('before the crash'); log.error('still here'); throw new Error('boom');`);
    expect(run.status).toBe(1);
    expect(run.messages).toEqual(['before the crash', 'still here']);
    expect(run.stderr).toContain('boom');
  });

  it('keeps a line written straight to stderr after the log lines made before it', () => {
    const run = loggedBy(`log.warn('store_locked_at_start'); writeStderr('Cannot start: the store is locked\\n'); process.exit(1);`);
    expect(run.all).toEqual(['store_locked_at_start', 'Cannot start: the store is locked']);
  });

  it('writes each line of a quiet process in its own turn, without waiting for more', () => {
    const run = loggedBy(
      `log.info('first'); setTimeout(() => { log.info('second'); setInterval(() => {}, 1000); process.kill(process.pid, 'SIGKILL'); }, 50);`,
    );
    // Killed without an exit: the first line had gone out in its turn; the second, made in the killed turn, is lost.
    expect(run.messages).toEqual(['first']);
  });
});
