// The sample project the benchmarks run against: builds and packs this checkout, generates (or
// refreshes) .bench/project from the tarball and installs it. Shared by `npm run bench`
// (run.mjs) and `npm run bench:http` (http/run.mjs), so both measure one generated project.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const benchDir = path.join(root, '.bench');
export const projectDir = path.join(benchDir, 'project');

/**
 * Builds this checkout, packs it and generates the sample project at `projectDir` (the
 * examples on, the default store), then installs its dependencies. Returns its path.
 */
export function prepareSampleProject() {
  const sh = (file, args, cwd = root) => execFileSync(file, args, { cwd, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
  const packDir = path.join(benchDir, 'pack');
  sh('npm', ['run', 'build', '--silent']);
  mkdirSync(packDir, { recursive: true });
  for (const old of readdirSync(packDir)) rmSync(path.join(packDir, old));
  sh('npm', ['pack', '--silent', '--pack-destination', packDir]);
  const tarball = path.join(
    packDir,
    readdirSync(packDir).find((f) => f.endsWith('.tgz')),
  );
  sh(process.execPath, [
    path.join(root, 'bin', 'create-mcp-prod.js'),
    projectDir,
    '--yes',
    '--force',
    '--no-git',
    '--name=bench-project',
    `--cli-version=file:${tarball}`,
    '--no-install',
  ]);
  // Incremental after the first run: only what changed (the packed tarball, new dependencies) is fetched.
  sh('npm', ['install', '--no-audit', '--no-fund'], projectDir);
  return projectDir;
}
