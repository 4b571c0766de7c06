/**
 * `npm run evals`: runs every evals/*.eval.ts through the full pipeline (auth, validation,
 * idempotency, handler, output validation, cost) on a memory store, then prints the cost roll-up
 * of the run. Exit code 1 when a case fails.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { connectInProcess } from '../src/in-process.js';
import { localPrincipal } from '../src/platform/auth.js';
import { createLogger } from '../src/platform/logger.js';
import { createMemoryStore } from '../src/store/memory.js';
import { tools } from '../src/tools/index.js';
import { judge, type EvalCall, type EvalSuite } from './harness.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.eval.ts'))
  .sort();
const suites: EvalSuite[] = [];
for (const file of files) suites.push((await import(pathToFileURL(path.join(dir, file)).href)).default as EvalSuite);

const app = createApp({
  config: loadConfig({ ...process.env, MCP_PROD_STORE: 'memory' }),
  store: createMemoryStore(),
  logger: createLogger({ level: process.env.LOG_LEVEL ?? 'silent' }),
  authenticate: localPrincipal([...new Set(tools.flatMap((tool) => tool.scopes))], 'evals'),
});
const { client, close } = await connectInProcess(app);
// Every call carries a fresh idempotency key, as a careful client would for a new operation.
const call = async ({ tool, arguments: args }: EvalCall) =>
  (await client.callTool({ name: tool, arguments: args, _meta: { 'mcp-prod/idempotencyKey': randomUUID() } })) as CallToolResult;

let passed = 0;
let failed = 0;
for (const suite of suites) {
  for (const testCase of suite.cases) {
    const label = `${suite.tool} > ${testCase.name}`;
    let problem: string | undefined;
    try {
      for (const step of testCase.setup ?? []) {
        const result = await call(step);
        if (result.isError) throw new Error(`setup call ${step.tool} failed: ${JSON.stringify(result.content)}`);
      }
      problem = judge(await call({ tool: suite.tool, arguments: testCase.arguments }), testCase.expect);
    } catch (error) {
      problem = (error as Error).message;
    }
    if (problem) failed++;
    else passed++;
    process.stdout.write(problem ? `FAIL ${label}: ${problem}\n` : `PASS ${label}\n`);
  }
}

const usd = (nano: bigint) => (Number(nano) / 1e9).toFixed(6);
const rows = await app.store.costs.daily('0000-01-01');
const byTool = new Map<string, { calls: number; errors: number; nano: bigint; unpriced: number }>();
for (const row of rows) {
  const sum = byTool.get(row.tool) ?? { calls: 0, errors: 0, nano: 0n, unpriced: 0 };
  sum.calls += row.calls;
  sum.errors += row.errors;
  sum.nano += row.llmNanoUsd + row.externalNanoUsd;
  sum.unpriced += row.unpriced;
  byTool.set(row.tool, sum);
}
process.stdout.write(`\nCost of this run by tool (USD):\n`);
for (const [tool, sum] of [...byTool].sort(([a], [b]) => a.localeCompare(b))) {
  process.stdout.write(
    `  ${tool.padEnd(24)} ${String(sum.calls).padStart(4)} calls  ${String(sum.errors).padStart(3)} errors  $${usd(sum.nano)}${sum.unpriced ? `  (${sum.unpriced} unpriced)` : ''}\n`,
  );
}
const total = [...byTool.values()].reduce((sum, tool) => sum + tool.nano, 0n);
process.stdout.write(`  ${'total'.padEnd(24)} $${usd(total)}\n\n${passed} passed, ${failed} failed\n`);
await close();
await app.close();
process.exit(failed > 0 ? 1 : 0);
