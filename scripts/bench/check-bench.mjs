// Lockfile benchmarks (part of `npm run bench`): `mcp-prod check` on a project with 200 tools,
// and the compatibility engine alone comparing 200 tool pairs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

const mcpProd = (args) => {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [path.join(root, 'bin', 'mcp-prod.js'), ...args], { cwd: project, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`mcp-prod ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return ms;
};
mcpProd(['lock']);
const checkRuns = Array.from({ length: 7 }, () => mcpProd(['check']));

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

// add-tool and bump on a project with 50 tools: each run adds, or bumps, a different tool.
const fifty = path.join(root, '.bench', 'project-50');
rmSync(fifty, { recursive: true, force: true });
execFileSync('cp', ['-r', project, fifty]);
const registry = path.join(fifty, 'src', 'tools', 'index.ts');
const keep = names.slice(0, 50);
for (const name of names.slice(50)) rmSync(path.join(fifty, 'src', 'tools', `${name.replace(/_/g, '-')}.ts`));
writeFileSync(
  registry,
  `import type { AnyTool } from '../platform/tool.js';\n${keep.map((n, i) => `import t${i} from './${n.replace(/_/g, '-')}.js';`).join('\n')}\n\nexport const tools: AnyTool[] = [${keep.map((_, i) => `t${i}`).join(', ')}];\n`,
);
const inFifty = (args) => {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [path.join(root, 'bin', 'mcp-prod.js'), ...args], { cwd: fifty, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mcp-prod ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
};
inFifty(['lock', '--force']);
const addRuns = Array.from({ length: 5 }, (_, i) =>
  inFifty(['add-tool', `added_tool_${i}`, '--scope', 'bench:read', '--description', 'Added by the benchmark.']),
);
const bumpRuns = Array.from({ length: 5 }, (_, i) => inFifty(['bump', keep[i], 'minor']));

console.log(`\nLockfile and AST commands (check on ${TOOLS} tools; add-tool and bump on 50)\n`);
console.log('| measurement | median | runs | target |');
console.log('|---|---|---|---|');
console.log(`| \`mcp-prod check\`, whole process | ${median(checkRuns).toFixed(0)} ms | ${checkRuns.length} | < 3000 ms |`);
console.log(`| engine: compare ${pairs.length} tool pairs | ${median(engineRuns).toFixed(1)} ms | ${engineRuns.length} | < 100 ms |`);
console.log(`| \`mcp-prod add-tool\` on 50 tools, whole process | ${median(addRuns).toFixed(0)} ms | ${addRuns.length} | < 1500 ms |`);
console.log(`| \`mcp-prod bump <tool> minor\` on 50 tools, whole process | ${median(bumpRuns).toFixed(0)} ms | ${bumpRuns.length} | < 1500 ms |`);
if (!existsSync(path.join(project, 'mcp-tools.lock.json'))) process.exit(1);
