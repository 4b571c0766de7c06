#!/usr/bin/env node
// `npm run bench`: builds and packs this checkout, generates (or refreshes) a project under
// .bench/, installs it, and runs the benchmarks inside it with the project's own tsx.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const benchDir = path.join(root, '.bench');
const project = path.join(benchDir, 'project');
const sh = (file, args, cwd = root) => execFileSync(file, args, { cwd, stdio: 'inherit', env: { ...process.env, CI: 'true' } });

sh('npm', ['run', 'build', '--silent']);
mkdirSync(path.join(benchDir, 'pack'), { recursive: true });
for (const old of readdirSync(path.join(benchDir, 'pack'))) rmSync(path.join(benchDir, 'pack', old));
sh('npm', ['pack', '--silent', '--pack-destination', path.join(benchDir, 'pack')]);
const tarball = path.join(benchDir, 'pack', readdirSync(path.join(benchDir, 'pack')).find((f) => f.endsWith('.tgz')));

sh(process.execPath, [
  path.join(root, 'bin', 'create-mcp-prod.js'),
  project,
  '--yes',
  '--force',
  '--no-git',
  '--name=bench-project',
  `--cli-version=file:${tarball}`,
  '--no-install',
]);
// Incremental after the first run: only what changed (the packed tarball, new dependencies) is fetched.
sh('npm', ['install', '--no-audit', '--no-fund'], project);
mkdirSync(path.join(project, 'bench'), { recursive: true });
copyFileSync(path.join(root, 'scripts', 'bench', 'pipeline.bench.ts'), path.join(project, 'bench', 'pipeline.bench.ts'));
sh(process.execPath, ['--import', 'tsx', 'bench/pipeline.bench.ts'], project);
sh(process.execPath, [path.join(root, 'scripts', 'bench', 'check-bench.mjs')]);
