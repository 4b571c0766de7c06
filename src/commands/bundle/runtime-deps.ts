import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../../core/errors.js';

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** One package of the runtime closure: where it is installed, and where it goes in the bundle. */
export interface RuntimePackage {
  name: string;
  /** Real (symlink-free) directory of the installed package. */
  source: string;
  /** POSIX path inside the bundle, e.g. node_modules/pino or node_modules/a/node_modules/b. */
  target: string;
}

const readPackageJson = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;

/** Node's lookup of `name` from inside `dir`: ./node_modules/name, then each folder above. */
function resolveInstalled(dir: string, name: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    if (path.basename(current) !== 'node_modules') {
      const candidate = path.join(current, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    }
    if (path.dirname(current) === current) return undefined;
  }
}

function dependenciesOf(pkg: PackageJson, includePeers: boolean): { name: string; optional: boolean }[] {
  return [
    ...Object.keys(pkg.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(pkg.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...(includePeers ? Object.keys(pkg.peerDependencies ?? {}).map((name) => ({ name, optional: true })) : []),
  ];
}

/**
 * The packages the project needs at run time (its `dependencies`, recursively, never its
 * devDependencies), laid out as a flat npm-style node_modules: each package at the top unless
 * a different copy of the same name is there already, then nested under the package that needs
 * it. It reads whatever layout installed them (npm, pnpm's symlinks, hoisted workspaces).
 */
export function runtimePackages(projectRoot: string, installHint: string): RuntimePackage[] {
  const placed = new Map<string, string>();
  const packages: RuntimePackage[] = [];
  const queue: { source: string; target: string; pkg: PackageJson; label: string; isRoot: boolean }[] = [
    { source: realpathSync(projectRoot), target: '', pkg: readPackageJson(projectRoot), label: 'the project', isRoot: true },
  ];
  const lookup = (from: string, name: string) => {
    for (let dir = from; ; dir = path.posix.dirname(dir)) {
      if (dir === '.') dir = '';
      if (path.posix.basename(dir) !== 'node_modules') {
        const candidate = path.posix.join(dir, 'node_modules', name);
        if (placed.has(candidate)) return candidate;
      }
      if (dir === '') return undefined;
    }
  };

  for (let item = queue.shift(); item; item = queue.shift()) {
    for (const { name, optional } of dependenciesOf(item.pkg, !item.isRoot)) {
      const source = resolveInstalled(item.source, name);
      if (!source) {
        if (optional) continue;
        throw new CliError(`${name}, which ${item.label} needs at run time, is not installed.`, {
          hint: `Run \`${installHint}\` in ${projectRoot}, then bundle again.`,
        });
      }
      const found = lookup(item.target, name);
      if (found && placed.get(found) === source) continue;
      const top = path.posix.join('node_modules', name);
      const target = !found && !placed.has(top) ? top : path.posix.join(item.target, 'node_modules', name);
      placed.set(target, source);
      packages.push({ name, source, target });
      queue.push({ source, target, pkg: readPackageJson(source), label: name, isRoot: false });
    }
  }
  return packages.sort((a, b) => a.target.localeCompare(b.target));
}

/** Compiler inputs and intermediates a native addon leaves next to its binary; not needed to run. */
const NATIVE_LEFTOVERS = /\.(?:c|cc|cpp|cxx|h|hh|hpp|o|a|obj|lib|gyp|gypi|mk|d)$|(?:^|\/)Makefile$/;

function keepFile(relative: string, native: boolean): boolean {
  if (!native) return true;
  if (relative.startsWith('build/')) return /^build\/Release\/[^/]+\.node$/.test(relative);
  return !NATIVE_LEFTOVERS.test(relative);
}

/**
 * Copies `source` (a file or directory) to `destination`, following symlinks. Inside a package,
 * its own node_modules is skipped: what it needs from there is placed separately.
 */
export function copyPackage(source: string, destination: string): number {
  const native = existsSync(path.join(source, 'binding.gyp'));
  let count = 0;
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(source, relative))) {
      const child = relative ? `${relative}/${entry}` : entry;
      if (child === 'node_modules') continue;
      const from = path.join(source, child);
      if (statSync(from).isDirectory()) walk(child);
      else if (keepFile(child, native)) {
        mkdirSync(path.dirname(path.join(destination, child)), { recursive: true });
        copyFileSync(from, path.join(destination, child));
        count++;
      }
    }
  };
  walk('');
  return count;
}

/** Copies a directory tree as it is (dist/). Returns the number of files. */
export function copyTree(source: string, destination: string, skip: (relative: string) => boolean = () => false): number {
  let count = 0;
  for (const entry of readdirSync(source, { recursive: true, encoding: 'utf8' })) {
    const relative = entry.split(path.sep).join('/');
    const from = path.join(source, entry);
    if (skip(relative) || statSync(from).isDirectory()) continue;
    mkdirSync(path.dirname(path.join(destination, entry)), { recursive: true });
    copyFileSync(from, path.join(destination, entry));
    count++;
  }
  return count;
}
