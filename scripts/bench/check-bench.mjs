// Lockfile benchmarks (part of `npm run bench`): `mcp-prod check` on a project with 200 tools,
// `add-tool` and `bump` on 50, and the compatibility engine alone comparing 200 tool pairs.
//
// Each command is timed against a baseline CLI built from BENCH_BASELINE_REF (default a30ea0b,
// the last commit before the commands were restructured into one tree and one commit per run),
// the two interleaved run by run so that the machine's background load lands on both alike.
// BENCH_BASELINE_REF=none skips the baseline. BENCH_NODE runs the CLIs with another Node binary
// (Node 22+ keeps the CLI's compiled code between runs; Node 20, the default here, cannot).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const installed = path.join(root, '.bench', 'project');
const project = path.join(root, '.bench', 'project-200');
const TOOLS = 200;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

rmSync(project, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [path.join(root, 'bin', 'create-mcp-prod.js'), project, '--yes', '--no-git', '--no-install', '--no-example', '--name=bench-200'],
  {
    stdio: 'ignore',
    env: { ...process.env, CI: 'true' },
  },
);
symlinkSync(path.join(installed, 'node_modules'), path.join(project, 'node_modules'), 'dir');

// 200 tools of realistic size: nested objects, enums, arrays, bounds, an output schema.
const names = Array.from({ length: TOOLS }, (_, i) => `tool_${String(i).padStart(3, '0')}`);
for (const name of names) {
  writeFileSync(
    path.join(project, 'src', 'tools', `${name.replace(/_/g, '-')}.ts`),
    `import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';

export default defineTool({
  name: '${name}',
  version: '1.0.0',
  description: 'Benchmark tool ${name}.',
  scopes: ['bench:write'],
  readOnly: false,
  input: z.strictObject({
    query: z.string().min(1).max(200),
    mode: z.enum(['fast', 'slow', 'balanced']).default('fast'),
    limit: z.number().int().min(1).max(100).default(10),
    filters: z.array(z.object({ field: z.string(), op: z.enum(['eq', 'lt', 'gt']), value: z.union([z.string(), z.number()]) })).max(20).optional(),
    owner: z.object({ id: z.string(), email: z.email().nullable() }).optional(),
  }),
  output: z.object({ items: z.array(z.object({ id: z.string(), score: z.number().min(0).max(1) })), next: z.string().nullable() }),
  async handler() {
    return { items: [], next: null };
  },
});
`,
  );
}
writeFileSync(
  path.join(project, 'src', 'tools', 'index.ts'),
  `import type { AnyTool } from '../platform/tool.js';\n${names.map((n, i) => `import t${i} from './${n.replace(/_/g, '-')}.js';`).join('\n')}\n\nexport const tools: AnyTool[] = [${names.map((_, i) => `t${i}`).join(', ')}];\n`,
);

const nodeVersion = execFileSync(process.env.BENCH_NODE ?? process.execPath, ['--version'], { encoding: 'utf8' }).trim();
const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? 'a30ea0b';
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/** The baseline's CLI, built once per ref under .bench/ from `git archive` with this checkout's node_modules. */
function baselineCli(ref) {
  const dir = path.join(root, '.bench', `baseline-${ref}`);
  const bin = path.join(dir, 'bin', 'mcp-prod.js');
  if (existsSync(path.join(dir, 'dist', 'cli', 'mcp-prod.js'))) return bin;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${ref} | tar -x -C ${JSON.stringify(dir)}`], { cwd: root });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
  return bin;
}

const clis = [{ name: 'this checkout', bin: path.join(root, 'bin', 'mcp-prod.js') }];
if (BASELINE_REF !== 'none') clis.push({ name: `baseline ${BASELINE_REF}`, bin: baselineCli(BASELINE_REF) });

const timed = (bin, cwd, args) => {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.env.BENCH_NODE ?? process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${bin} ${args.join(' ')} in ${cwd} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return ms;
};

/** Runs `argsOf(run)` in `cwdOf(cli)` with every CLI, RUNS times, the order of the CLIs alternating. */
function interleaved(cwdOf, argsOf) {
  const times = clis.map(() => []);
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 === 0 ? clis.map((_, i) => i) : clis.map((_, i) => clis.length - 1 - i);
    for (const i of order) times[i].push(timed(clis[i].bin, cwdOf(clis[i]), argsOf(run)));
  }
  return times;
}

timed(clis[0].bin, project, ['lock']);
const checkRuns = interleaved(
  () => project,
  () => ['check'],
);

// The engine alone: compare each locked contract with a changed copy (some breaking, some additive).
const { compareTools } = await import(path.join(root, 'dist', 'schema-diff', 'compare-tool.js'));
const { parseLockfile } = await import(path.join(root, 'dist', 'schema-diff', 'lockfile.js'));
const { readFileSync } = await import('node:fs');
const lock = parseLockfile(readFileSync(path.join(project, 'mcp-tools.lock.json'), 'utf8'), 'bench');
const pairs = Object.values(lock.tools).map((before, i) => {
  const after = structuredClone(before);
  if (i % 3 === 0) after.inputSchema.properties.query.maxLength = 100;
  if (i % 3 === 1) after.inputSchema.properties.extra = { type: 'string' };
  if (i % 5 === 0) after.outputSchema.properties.items.items.properties.score.maximum = 2;
  return [before, after];
});
// Every bench tool needs the same one scope, so an exact match stands in for the project's hierarchy.
const covers = (granted, required) => granted === required;
for (let i = 0; i < 5; i++) for (const [a, b] of pairs) compareTools(a, b, covers);
const engineRuns = Array.from({ length: 15 }, () => {
  const started = process.hrtime.bigint();
  let findings = 0;
  for (const [a, b] of pairs) findings += compareTools(a, b, covers).length;
  if (findings === 0) throw new Error('the engine found nothing to report');
  return Number(process.hrtime.bigint() - started) / 1e6;
});

// add-tool and bump on a project with 50 tools, one copy per CLI: each run adds, or bumps, a different tool.
const fifty = path.join(root, '.bench', 'project-50');
rmSync(fifty, { recursive: true, force: true });
execFileSync('cp', ['-r', project, fifty]);
const keep = names.slice(0, 50);
for (const name of names.slice(50)) rmSync(path.join(fifty, 'src', 'tools', `${name.replace(/_/g, '-')}.ts`));
writeFileSync(
  path.join(fifty, 'src', 'tools', 'index.ts'),
  `import type { AnyTool } from '../platform/tool.js';\n${keep.map((n, i) => `import t${i} from './${n.replace(/_/g, '-')}.js';`).join('\n')}\n\nexport const tools: AnyTool[] = [${keep.map((_, i) => `t${i}`).join(', ')}];\n`,
);
timed(clis[0].bin, fifty, ['lock', '--force']);
const copies = new Map(
  clis.map((cli, i) => {
    const copy = `${fifty}-${i}`;
    rmSync(copy, { recursive: true, force: true });
    execFileSync('cp', ['-r', fifty, copy]);
    return [cli, copy];
  }),
);
const addRuns = interleaved(
  (cli) => copies.get(cli),
  (run) => ['add-tool', `added_tool_${run}`, '--scope', 'bench:read', '--description', 'Added by the benchmark.'],
);
const bumpRuns = interleaved(
  (cli) => copies.get(cli),
  (run) => ['bump', keep[run], 'minor'],
);

const rows = [
  [`\`mcp-prod check\` on ${TOOLS} tools, whole process`, checkRuns, '< 3000 ms'],
  ['`mcp-prod add-tool` on 50 tools, whole process', addRuns, '< 1500 ms'],
  ['`mcp-prod bump <tool> minor` on 50 tools, whole process', bumpRuns, '< 1500 ms'],
];
console.log(`\nLockfile and AST commands, medians of ${RUNS} runs interleaved with ${clis[1]?.name ?? 'no baseline'}, on Node ${nodeVersion}\n`);
console.log('| measurement | this checkout | baseline | ratio of medians | median of paired ratios | target |');
console.log('|---|---|---|---|---|---|');
for (const [label, [current, baseline]] of rows) {
  const ratio = baseline ? `${(median(current) / median(baseline)).toFixed(2)}x` : '-';
  // Runs i of both CLIs ran back to back, so their ratio cancels most of the machine's drift.
  const paired = baseline ? `${median(current.map((ms, i) => ms / baseline[i])).toFixed(2)}x` : '-';
  console.log(
    `| ${label} | ${median(current).toFixed(0)} ms | ${baseline ? `${median(baseline).toFixed(0)} ms` : '-'} | ${ratio} | ${paired} | ${rows.find((r) => r[0] === label)[2]} |`,
  );
}
if (process.env.BENCH_RAW) for (const [label, runs] of rows) console.log(label, JSON.stringify(runs.map((r) => r.map(Math.round))));
console.log(`| engine: compare ${pairs.length} tool pairs | ${median(engineRuns).toFixed(1)} ms | | | | < 100 ms |`);
if (!existsSync(path.join(project, 'mcp-tools.lock.json'))) process.exit(1);
