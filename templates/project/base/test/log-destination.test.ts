/**
 * The default log destination: one write per turn of the event loop, nothing held back past the
 * turn, and nothing lost when the process exits, however it exits short of being killed.
 */
import { spawnSync } from 'node:child_process';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { writtenPerTurn } from '../src/platform/log-destination.js';

/** Runs `body` as a script that has a logger on the default destination, and returns its stderr lines. */
function loggedBy(body: string) {
  const script = `import { createLogger } from './src/platform/logger.ts';\nconst log = createLogger();\n${body}`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  const lines = run.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string });
  return { status: run.status, messages: lines.map((line) => line.msg), stderr: run.stderr };
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

  it('writes each line of a quiet process in its own turn, without waiting for more', () => {
    const run = loggedBy(
      `log.info('first'); setTimeout(() => { log.info('second'); setInterval(() => {}, 1000); process.kill(process.pid, 'SIGKILL'); }, 50);`,
    );
    // Killed without an exit: the first line had gone out in its turn; the second, made in the killed turn, is lost.
    expect(run.messages).toEqual(['first']);
  });
});
