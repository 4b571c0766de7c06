#!/usr/bin/env node
// `npm run bench`: builds and packs this checkout, generates (or refreshes) a project under
// .bench/, installs it, and runs the benchmarks inside it with the project's own tsx: the
// pipeline against a bare SDK server, SQLite against PostgreSQL, one against two and three
// instances on PostgreSQL (scripts/bench/instances.mjs, from this checkout), and the lockfile
// and AST commands.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { prepareSampleProject, root } from './sample-project.mjs';

const benchStarted = Date.now();

const sh = (file, args, cwd = root) => execFileSync(file, args, { cwd, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
const project = prepareSampleProject();
mkdirSync(path.join(project, 'bench'), { recursive: true });
for (const file of ['pipeline.bench.ts', 'stores.bench.ts']) copyFileSync(path.join(root, 'scripts', 'bench', file), path.join(project, 'bench', file));
sh(process.execPath, ['--import', 'tsx', 'bench/pipeline.bench.ts'], project);

// SQLite against PostgreSQL per call, then one against two and three instances on PostgreSQL.
// Both need a PostgreSQL server: BENCH_DATABASE_URL, by default the local one with trust auth.
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const postgresProblem = await (async () => {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error.message;
  } finally {
    await client.end().catch(() => undefined);
  }
})();
if (postgresProblem) {
  console.log(`\nSKIPPED the PostgreSQL benchmarks (stores, instances): cannot reach ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}: ${postgresProblem}`);
  console.log('Start PostgreSQL (e.g. pg_ctlcluster <version> main start) or set BENCH_DATABASE_URL.');
} else {
  sh(process.execPath, ['--import', 'tsx', 'bench/stores.bench.ts'], project);
  sh(process.execPath, [path.join(root, 'scripts', 'bench', 'instances.mjs')]);
}
sh(process.execPath, [path.join(root, 'scripts', 'bench', 'check-bench.mjs')]);
console.log(`\nnpm run bench took ${Math.round((Date.now() - benchStarted) / 1000)} s`);
