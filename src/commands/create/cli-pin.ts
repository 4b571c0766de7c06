import path from 'node:path';
import { execa } from 'execa';
import { CliError } from '../../core/errors.js';

/** Whether the registry has `name@version`: undefined when it cannot tell (offline, registry down). */
export type RegistryLookup = (name: string, version: string) => Promise<boolean | undefined>;

export const npmRegistryLookup: RegistryLookup = async (name, version) => {
  const result = await execa('npm', ['view', `${name}@${version}`, 'version'], { reject: false, stdin: 'ignore', timeout: 20_000 });
  // A known package without that version exits 0 and prints nothing; an unknown package is E404.
  if (result.exitCode === 0) return result.stdout.trim() !== '';
  return /\bE404\b/.test(result.stderr) ? false : undefined;
};

export interface OwnBuild {
  name: string;
  version: string;
  /** The folder this create-mcp-prod runs from. */
  root: string;
}

export interface CliPin {
  spec: string;
  /** Set when the default could not be used, saying what was pinned instead. */
  note?: string;
}

/**
 * The spec a generated project pins for its create-mcp-prod devDependency. An explicit
 * --cli-version wins. A build that does not run from an installed package (a checkout, `npm
 * link`) pins its own folder, which npm links; an installed build pins its version, unless the
 * registry says that version does not exist, which would make the project's install fail.
 */
export async function resolveCliPin(given: string | undefined, own: OwnBuild, lookup: RegistryLookup): Promise<CliPin> {
  if (given !== undefined) return { spec: given };
  if (!own.root.split(path.sep).includes('node_modules')) {
    return {
      spec: `file:${own.root}`,
      note: `This create-mcp-prod (${own.version}) runs from ${own.root}, not from the npm registry, so the project's create-mcp-prod devDependency points at that folder. Pin a published version before sharing the project.`,
    };
  }
  if ((await lookup(own.name, own.version)) === false) {
    throw new CliError(`${own.name}@${own.version} is not on the npm registry, so a generated project could not install its mcp-prod CLI.`, {
      hint: 'Pass --cli-version with a published version, or with file:<tarball> made by `npm pack` of this build.',
    });
  }
  return { spec: own.version };
}
