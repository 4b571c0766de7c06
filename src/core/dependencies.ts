import { existsSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './errors.js';
import { importProjectModule, type Project } from './project.js';

/** The install command for the package manager whose lockfile the project has (npm by default). */
export function installCommand(project: Project): string {
  if (existsSync(path.join(project.root, 'pnpm-lock.yaml'))) return 'pnpm install';
  if (existsSync(path.join(project.root, 'yarn.lock'))) return 'yarn install';
  return 'npm install';
}

/** Whether node_modules exists in the project or above it (workspaces hoist dependencies). */
function hasNodeModules(root: string): boolean {
  for (let dir = root; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

function notInstalled(project: Project, detail: string, cause?: unknown): CliError {
  return new CliError(`The project's dependencies are not installed: ${detail}.`, {
    hint: `Run \`${installCommand(project)}\` in ${project.root}, then run the command again.`,
    cause,
  });
}

/** A "Cannot find package 'x'" failure while loading project code becomes the fix: install. */
function asMissingDependency(project: Project, error: unknown): CliError | undefined {
  const message = error instanceof Error ? error.message : '';
  const missing = /Cannot find package '([^']+)'/.exec(message);
  if (!missing) return undefined;
  return notInstalled(project, `${missing[1]} cannot be found from ${project.root}`, error);
}

/**
 * Imports a module of the project's TypeScript, first making sure its dependencies are
 * installed: without them the import fails deep inside the project's code, and that message
 * would send the user to the type-checker instead of to `npm install`.
 */
export async function importInstalled<T>(project: Project, relative: string): Promise<T> {
  if (!hasNodeModules(project.root)) throw notInstalled(project, `there is no node_modules in ${project.root}`);
  try {
    return await importProjectModule<T>(project, relative);
  } catch (error) {
    throw asMissingDependency(project, error) ?? error;
  }
}
