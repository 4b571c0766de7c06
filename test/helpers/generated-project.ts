/**
 * Generated projects for in-process command tests: one project is generated per test file (with
 * the built CLI, without installing), and every test works on its own copy of it. The commands
 * that load the project's TypeScript (through tsx) need its dependencies, so each copy gets a
 * node_modules symlink to an installed set of them.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from '../../src/core/errors.js';
import { findProject, type Project } from '../../src/core/project.js';
import { LOCKFILE_NAME, parseLockfile, type LockEntry } from '../../src/schema-diff/lockfile.js';
import { describeRun, ensureBuilt, repoRoot, runBin } from './cli.js';

/**
 * What the commands under test load from a project (its registry, tools and contract module)
 * needs only zod at run time, which this repository pins at the same version as generated
 * projects; so the copies link to this repository's node_modules instead of installing.
 */
const REPO_NODE_MODULES = path.join(repoRoot, 'node_modules');

export interface ProjectTemplate {
  /** A pristine generated project (never modified by tests). */
  dir: string;
  /** The node_modules directory every copy links to. */
  nodeModules: string;
  /** Removes everything this template and its copies created. */
  cleanup(): void;
}

/** Generates one project with `create-mcp-prod <dir> --yes --no-install --no-git`. */
export async function generateProjectTemplate(prefix: string): Promise<ProjectTemplate> {
  await ensureBuilt();
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dir = path.join(root, 'template');
  const run = await runBin('create-mcp-prod', [dir, '--yes', '--no-install', '--no-git'], { cwd: root });
  if (run.exitCode !== 0) throw new Error(`create-mcp-prod failed:\n${describeRun(run)}`);
  const generatedZod = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies.zod;
  const repoZod = (JSON.parse(readFileSync(path.join(REPO_NODE_MODULES, 'zod', 'package.json'), 'utf8')) as { version: string }).version;
  if (generatedZod !== repoZod) throw new Error(`generated projects pin zod ${generatedZod} but this repository has ${repoZod}; align them`);
  return { dir, nodeModules: REPO_NODE_MODULES, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface ProjectCopy {
  root: string;
  project: Project;
  /** Text of a project file. */
  read(file: string): string;
  exists(file: string): boolean;
  write(file: string, text: string): void;
  /** Replaces `from` (which must occur) with `to` in a project file. */
  edit(file: string, from: string, to: string): void;
  lockEntry(tool: string): LockEntry | undefined;
}

/** A fresh copy of the template, with node_modules linked in. */
export function copyProject(template: ProjectTemplate): ProjectCopy {
  const root = mkdtempSync(path.join(path.dirname(template.dir), 'copy-'));
  cpSync(template.dir, root, { recursive: true });
  symlinkSync(template.nodeModules, path.join(root, 'node_modules'), 'dir');
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  return {
    root,
    project: findProject(root),
    read,
    exists: (file) => existsSync(path.join(root, file)),
    write,
    edit(file, from, to) {
      const text = read(file);
      if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
      write(file, text.replace(from, to));
    },
    lockEntry: (tool) => parseLockfile(read(LOCKFILE_NAME), LOCKFILE_NAME).tools[tool],
  };
}

/** sha256 of every file under `dir` except node_modules, keyed by POSIX relative path. */
export function hashTree(dir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.name === 'node_modules') continue;
      if (entry.isDirectory()) walk(child);
      else
        hashes[child] = createHash('sha256')
          .update(readFileSync(path.join(dir, child)))
          .digest('hex');
    }
  };
  walk('');
  return Object.fromEntries(Object.entries(hashes).sort(([a], [b]) => a.localeCompare(b)));
}

/** An `out` for the commands that keeps what they print. */
export function captureOutput() {
  const chunks: string[] = [];
  return { out: { write: (text: string) => void chunks.push(text) }, text: () => chunks.join(''), clear: () => void chunks.splice(0) };
}

/** Runs `work` and returns the CliError it throws (failing when it throws nothing or something else). */
export async function cliErrorOf(work: () => Promise<unknown>): Promise<CliError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError, but the command succeeded');
}
