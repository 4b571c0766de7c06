#!/usr/bin/env node
// Scaffolds a project with this checkout. create-mcp-prod is not on the npm registry yet, so the
// generated project pins the packed tarball of this checkout (unless --cli-version is given).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packDir = path.join(root, '.local');
const args = process.argv.slice(2);

execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
rmSync(packDir, { recursive: true, force: true });
mkdirSync(packDir, { recursive: true });
execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const tarball = path.join(
  packDir,
  readdirSync(packDir).find((f) => f.endsWith('.tgz')),
);

const pinned = args.some((arg) => arg.startsWith('--cli-version')) ? [] : [`--cli-version=file:${tarball}`];
try {
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
  execFileSync(process.execPath, [path.join(root, 'bin', 'create-mcp-prod.js'), ...args, ...pinned], {
    stdio: 'inherit',
    cwd: process.env.INIT_CWD ?? process.cwd(),
  });
} catch (error) {
  process.exit(error.status ?? 1);
}
