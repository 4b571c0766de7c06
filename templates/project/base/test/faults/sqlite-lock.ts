/**
 * Another process holding SQLite's write lock: a separate node process runs `BEGIN IMMEDIATE`
 * on the file and keeps the transaction open until it is released (or `maxMs` passes), as a
 * backup tool, a migration or a second server would. And a timer of this process's SQLite calls,
 * each of which blocks the event loop for as long as it takes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

const HOLDER = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2], { timeout: 5000 });
db.exec('BEGIN IMMEDIATE');
db.prepare('SELECT count(*) FROM schema_migrations').get();
process.stdout.write('locked\\n');
const release = () => { db.exec('ROLLBACK'); db.close(); process.stdout.write('released\\n'); process.exit(0); };
process.stdin.on('data', release);
setTimeout(release, Number(process.argv[3]));
`;

export interface HeldLock {
  /** Ends the other process's transaction; resolves when it has. */
  release(): Promise<void>;
}

export async function holdWriteLock(file: string, maxMs = 30_000): Promise<HeldLock> {
  const child = spawn(process.execPath, ['-e', HOLDER, driver, file, String(maxMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  const said = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => output.includes(word) && resolve();
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        check();
      });
      child.once('exit', (code) => (output.includes(word) ? resolve() : reject(new Error(`the lock holder exited (${code}) before it said ${word}`))));
      check();
    });
  await said('locked');
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= (async () => {
        if (child.exitCode === null) {
          child.stdin.write('release\n');
          await once(child, 'exit');
        }
      })();
      return released;
    },
  };
}

export interface SqliteCallTimer {
  /** The longest single call since the timer started, and its SQL. */
  readonly longest: { ms: number; sql: string };
  stop(): void;
}

/** Times every statement and `exec` of every connection in this process until stopped. */
export function timeSqliteCalls(): SqliteCallTimer {
  const probe = new Database(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  const database = Database.prototype as unknown as Record<string, unknown>;
  const longest = { ms: 0, sql: '' };
  const restore: (() => void)[] = [];
  const wrap = (target: Record<string, unknown>, name: string, sqlOf: (self: any, args: unknown[]) => string) => {
    const original = target[name] as (...args: unknown[]) => unknown;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - started;
        if (ms > longest.ms) Object.assign(longest, { ms, sql: sqlOf(this, args) });
      }
    };
    restore.push(() => (target[name] = original));
  };
  for (const name of ['run', 'get', 'all']) wrap(statement, name, (self) => String(self.source));
  wrap(database, 'exec', (_self, args) => String(args[0]));
  return {
    longest,
    stop: () => {
      for (const undo of restore.splice(0)) undo();
    },
  };
}
