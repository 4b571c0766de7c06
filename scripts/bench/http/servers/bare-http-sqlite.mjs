// The floor of a durable mutating call: node:http answering a tools/call for create_note by
// committing, in one BEGIN IMMEDIATE transaction on a WAL file with synchronous=FULL (one flush
// per commit), the rows create_note's own commit carries: the idempotency record (claimed, then
// completed with the response), the note, and the call's daily cost and stat roll-ups. The
// schema is the generated project's own (its migrate()), so every index is the same; no token,
// scope, validation, log line or SDK.
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { announce, bareJsonRpc, HOST, port } from './common.mjs';

const projectDir = process.env.BENCH_PROJECT_DIR;
const Database = createRequire(path.join(projectDir, 'package.json'))('better-sqlite3');
const { migrate } = await import(pathToFileURL(path.join(projectDir, 'dist', 'store', 'sqlite.js')).href);

const db = new Database(process.env.BENCH_HTTP_DB);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
migrate(db);

const claim = db.prepare(
  `INSERT INTO idempotency_records (principal_id, tool, idem_key, fingerprint, status, lease_token, lease_expires, response, created_at, expires_at)
   VALUES (?, 'create_note', ?, ?, 'in_progress', ?, ?, NULL, ?, ?)`,
);
const insertNote = db.prepare("INSERT INTO notes (owner_id, title, body, tags, created_at) VALUES (?, ?, ?, '[]', ?) RETURNING id");
const complete = db.prepare(
  "UPDATE idempotency_records SET status = 'completed', response = ? WHERE principal_id = ? AND tool = 'create_note' AND idem_key = ? AND lease_token = ?",
);
const rollup = db.prepare(
  `INSERT INTO cost_daily (day, tool, principal_id, calls, errors, replays, llm_nano, external_nano, unpriced) VALUES (?, 'create_note', ?, 1, 0, 0, 0, 0, 0)
   ON CONFLICT (day, tool, principal_id) DO UPDATE SET calls = calls + 1`,
);
const stat = db.prepare(
  `INSERT INTO call_stats_daily (day, tool, principal_id, stat, count) VALUES (?, 'create_note', ?, 'latency_le_5ms', 1)
   ON CONFLICT (day, tool, principal_id, stat) DO UPDATE SET count = count + 1`,
);

const createNote = db.transaction((key, title, body) => {
  const now = Date.now();
  const at = new Date(now).toISOString();
  const lease = randomUUID();
  claim.run('bench', key, 'fingerprint', lease, now + 60_000, now, now + 86_400_000);
  const { id } = insertNote.get('bench', title, body, at);
  const structuredContent = { id, createdAt: at };
  const result = { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
  complete.run(JSON.stringify(result), 'bench', key, lease);
  rollup.run(at.slice(0, 10), 'bench');
  stat.run(at.slice(0, 10), 'bench');
  return result;
});

const server = createServer(
  bareJsonRpc((message) => {
    const { name, arguments: args, _meta: meta } = message.params ?? {};
    const key = meta?.['mcp-prod/idempotencyKey'];
    if (message.method !== 'tools/call' || name !== 'create_note' || typeof args?.title !== 'string' || typeof key !== 'string') return undefined;
    return createNote.immediate(key, args.title, args.body ?? '');
  }),
);
server.listen(port(), HOST, () => announce(`http://${HOST}:${server.address().port}/mcp`));
