import path from 'node:path';
import type { Ui } from '../../core/ui.js';
import { assertScaffoldTarget, writeTreeAtomically } from '../../core/write-tree.js';
import { emptyLockfile, LOCKFILE_NAME, serializeLockfile } from '../../schema-diff/lockfile.js';
import { renderLayers, type RenderedTree } from '../../templates/render.js';
import { initGitRepository, type GitOutcome } from './git.js';
import { installDependencies } from './install.js';
import type { CreateOptions } from './options.js';
import { generatedPackageJson } from './package-json.js';
import { projectLayers, projectTemplateData } from './template-data.js';

export interface CreateResult {
  directory: string;
  files: string[];
  overwritten: string[];
  installed: boolean;
  git: GitOutcome | 'skipped';
  nextSteps: string[];
}

/** Renders the whole project in memory; no disk writes. Used by the command and by tests. */
export function renderProject(options: CreateOptions): RenderedTree {
  const tree = renderLayers(projectLayers(options), projectTemplateData(options));
  tree.set('package.json', generatedPackageJson(options));
  // The example layer ships the lockfile of its tools; a project without tools starts empty.
  if (!tree.has(LOCKFILE_NAME)) tree.set(LOCKFILE_NAME, serializeLockfile(emptyLockfile()));
  return new Map([...tree.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export async function createProject(options: CreateOptions, ui: Ui): Promise<CreateResult> {
  const directory = path.resolve(options.cwd, options.directory);
  assertScaffoldTarget(directory, options);

  const tree = renderProject(options);
  const { overwritten } = await writeTreeAtomically(directory, tree, { force: options.force });
  ui.success(`Created ${options.name} in ${directory} (${tree.size} files)`);
  if (overwritten.length > 0) ui.warn(`Overwrote ${overwritten.length} existing file(s): ${overwritten.join(', ')}`);

  let installed = false;
  let installError: unknown;
  if (options.install) {
    try {
      await ui.task(`Installing dependencies with ${options.packageManager} (compiles better-sqlite3; about a minute)`, () =>
        installDependencies(directory, options.packageManager),
      );
      installed = true;
    } catch (error) {
      installError = error;
    }
  }

  const git = options.git ? await initGitRepository(directory) : 'skipped';
  if (git === 'initialized') ui.warn('Initialised a git repository but could not commit (is git user.name/user.email set?).');
  if (git === 'git-missing') ui.warn('git was not found; skipped creating a repository.');

  if (installError) throw installError;
  return { directory, files: [...tree.keys()], overwritten, installed, git, nextSteps: nextSteps(options, directory, installed) };
}

function nextSteps(options: CreateOptions, directory: string, installed: boolean): string[] {
  const data = projectTemplateData(options);
  const relative = path.relative(options.cwd, directory) || '.';
  const steps: [string, string?][] = [[`cd ${relative.includes(' ') ? JSON.stringify(relative) : relative}`]];
  if (!installed) steps.push([data.commands.install]);
  steps.push([data.commands.test, 'the generated test suite'], [data.commands.build]);
  if (data.stdio) steps.push([data.commands.start, 'stdio (see examples/ for Claude Desktop and Cursor)']);
  if (data.http) steps.push([data.commands.startHttp, 'Streamable HTTP on http://127.0.0.1:3000/mcp']);
  const width = Math.max(...steps.map(([command]) => command.length)) + 2;
  return steps.map(([command, note]) => (note ? `${command.padEnd(width)}# ${note}` : command));
}
