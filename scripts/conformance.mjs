#!/usr/bin/env node
// Runs the official MCP conformance suite against a generated project's built HTTP server, through
// the bearer-token proxy in test/e2e/conformance.ts, and compares the results with
// test/conformance/expected-failures.yml. Exit 0: as expected; 1: an unexpected failure or a stale
// baseline entry; 2: could not run.
//
//   node scripts/conformance.mjs <project-dir> [--suite all|active] [--scenario <name>]...
//        [--baseline <file>] [--token <token>] [--db <file>] [--output-dir <dir>] [--build] [--json]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { tsImport } from 'tsx/esm/api';

const usage =
  'usage: node scripts/conformance.mjs <project-dir> [--suite all|active] [--scenario <name>]... [--baseline <file>] [--token <token>] [--db <file>] [--output-dir <dir>] [--build] [--json]';

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      suite: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      baseline: { type: 'string' },
      token: { type: 'string' },
      db: { type: 'string' },
      'output-dir': { type: 'string' },
      build: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (positionals.length !== 1 || (values.suite && !['all', 'active'].includes(values.suite))) {
  console.error(usage);
  process.exit(2);
}

const cwd = process.env.INIT_CWD ?? process.cwd();
const projectDir = path.resolve(cwd, positionals[0]);
try {
  if (values.build) execFileSync('npm', ['run', 'build', '--silent'], { cwd: projectDir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(path.join(projectDir, 'dist', 'http.js'))) {
    throw new Error(`${projectDir} has no dist/http.js: generate it with --transport http or both, install it, and run npm run build (or pass --build)`);
  }
  const { ensureNode24 } = await tsImport('../test/e2e/node-runtime.ts', import.meta.url);
  const { runConformance, formatConformanceReport } = await tsImport('../test/e2e/conformance.ts', import.meta.url);
  const node24 = await ensureNode24();
  const report = await runConformance({
    projectDir,
    node24,
    ...(values.token ? { token: values.token } : {}),
    ...(values.db ? { db: path.resolve(cwd, values.db) } : {}),
    ...(values.baseline ? { baselinePath: path.resolve(cwd, values.baseline) } : {}),
    ...(values.suite ? { suite: values.suite } : {}),
    ...(values.scenario ? { scenarios: values.scenario } : {}),
    ...(values['output-dir'] ? { outputDir: path.resolve(cwd, values['output-dir']) } : {}),
  });
  if (values.json) {
    const { serverStderr, suiteOutput, ...rest } = report;
    console.log(JSON.stringify(rest, null, 2));
  } else {
    console.log(formatConformanceReport(report));
  }
  process.exit(report.ok ? 0 : 1);
} catch (error) {
  console.error(`conformance: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
