import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFilesAtomically } from '../../core/atomic-file.js';
import { installCommand } from '../../core/dependencies.js';
import { CliError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { ProjectTree } from '../../core/tree.js';
import { loadContracts } from '../../project/contracts.js';
import { LOCKFILE_NAME, readLockfile } from '../../project/lockfile.js';
import { authorOf, bundleDbPath, buildManifest, unscopedName, type ProjectPackageJson } from './manifest.js';
import { bundleOptionsSchema, type BundleOptions } from './options.js';
import { copyPackage, copyTree, runtimePackages } from './runtime-deps.js';

export interface BundleResult {
  file: string;
  manifest: Record<string, unknown>;
}

/** The tools as the lockfile records them (what the built server serves), else from the code. */
async function bundledTools(project: Project): Promise<{ name: string; description: string; scopes: string[] }[]> {
  const { lock, exists } = readLockfile(new ProjectTree(project.root));
  if (exists) {
    return Object.entries(lock.tools)
      .filter(([, entry]) => !entry.removedAt)
      .map(([name, entry]) => ({ name, description: entry.description, scopes: entry.scopes }));
  }
  return Object.entries(await loadContracts(project)).map(([name, contract]) => ({ name, description: contract.description, scopes: contract.scopes }));
}

function newestMtime(dir: string, pattern: RegExp): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (pattern.test(entry)) newest = Math.max(newest, statSync(path.join(dir, entry)).mtimeMs);
  }
  return newest;
}

function findFiles(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((entry) => pattern.test(entry));
}

/**
 * The official packer prints its own progress with console.log whatever `silent` says; that
 * output is collected instead, so stdout stays this command's, and shown only on failure.
 */
async function quietly<T>(work: () => Promise<T>): Promise<{ value: T; printed: string }> {
  const printed: string[] = [];
  const original = { log: console.log, error: console.error, warn: console.warn };
  console.log = console.error = console.warn = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  try {
    return { value: await work(), printed: printed.join('\n') };
  } finally {
    Object.assign(console, original);
  }
}

/**
 * `mcp-prod bundle`: a Claude Desktop MCP Bundle (.mcpb) of the built server: dist/, the
 * lockfile, a trimmed package.json and the production dependencies, with a manifest the
 * official mcpb tooling validates and packs. The token is asked for at install time.
 */
export async function bundle(project: Project, input: BundleOptions, out: { write(text: string): void; warn(text: string): void }): Promise<BundleResult> {
  const options = bundleOptionsSchema.parse(input);
  const pkg = JSON.parse(readFileSync(path.join(project.root, 'package.json'), 'utf8')) as ProjectPackageJson;
  if (!existsSync(path.join(project.root, 'src', 'stdio.ts'))) {
    throw new CliError('This project has no stdio entry point (src/stdio.ts), and a bundle is started over stdio.', {
      hint: 'Bundles suit servers generated with --transport stdio or both; serve this one over HTTP instead.',
    });
  }
  if (!existsSync(path.join(project.root, 'dist', 'stdio.js'))) {
    throw new CliError('dist/stdio.js is missing: the bundle ships the built server.', {
      hint: `Run \`npm run build\` in ${project.root}, then mcp-prod bundle again.`,
    });
  }
  if (newestMtime(path.join(project.root, 'src'), /\.ts$/) > newestMtime(path.join(project.root, 'dist'), /\.js$/)) {
    out.warn('warning: src/ has changes newer than dist/; the bundle holds the last build. Run `npm run build` first if that is not what you want.\n');
  }
  const packages = runtimePackages(project.root, installCommand(project));
  const tools = await bundledTools(project);
  const name = unscopedName(pkg.name);
  const defaultFile = `${name.replace(/[^A-Za-z0-9_.-]/g, '-')}-${pkg.version ?? '0.1.0'}.mcpb`;
  const requested = options.out ? path.resolve(options.out) : path.join(project.root, defaultFile);
  const intoFolder = /[\\/]$/.test(options.out ?? '') || (existsSync(requested) && statSync(requested).isDirectory());
  const file = intoFolder ? path.join(requested, defaultFile) : requested;

  const mcpb = await import('@anthropic-ai/mcpb/cli');
  const staging = mkdtempSync(path.join(os.tmpdir(), 'mcp-prod-bundle-'));
  const packedFile = `${staging}.mcpb`;
  try {
    copyTree(path.join(project.root, 'dist'), path.join(staging, 'dist'), (relative) => /\.(?:map|d\.ts|tsbuildinfo)$/.test(relative));
    for (const item of packages) copyPackage(item.source, path.join(staging, ...item.target.split('/')));
    // The server reads the lockfile (from next to dist/) to explain schema_mismatch errors.
    if (existsSync(path.join(project.root, LOCKFILE_NAME))) copyFileSync(path.join(project.root, LOCKFILE_NAME), path.join(staging, LOCKFILE_NAME));
    // The server's modules are ESM ("type": "module"); nothing else of the project's package.json is needed to run.
    const runtimePkg = {
      name: pkg.name,
      version: pkg.version ?? '0.1.0',
      private: true,
      type: 'module',
      ...(pkg.dependencies ? { dependencies: pkg.dependencies } : {}),
    };
    writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify(runtimePkg, null, 2)}\n`);

    const native = findFiles(path.join(staging, 'node_modules'), /\.node$/);
    const manifest = buildManifest({
      manifestVersion: mcpb.DEFAULT_MANIFEST_VERSION,
      pkg,
      author: authorOf(pkg, name),
      tools: tools.map(({ name: toolName, description }) => ({ name: toolName, description })),
      scopes: [...new Set(tools.flatMap((tool) => tool.scopes))].sort(),
      // A compiled addon (better-sqlite3) runs only on the platform it was built for.
      platforms: native.length > 0 ? [process.platform] : undefined,
    });
    const checked = mcpb.MANIFEST_SCHEMAS[mcpb.DEFAULT_MANIFEST_VERSION].safeParse(manifest);
    if (!checked.success) {
      const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      throw new CliError(`The bundle manifest does not validate: ${problems}.`, { exitCode: 2 });
    }
    writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

    const packed = await quietly(() => mcpb.packExtension({ extensionPath: staging, outputPath: packedFile, silent: true }));
    if (!packed.value) throw new CliError(`mcpb could not pack the bundle:\n${packed.printed}`, { exitCode: 2 });
    await writeFilesAtomically([{ file, content: readFileSync(packedFile), newFileMode: 0o644 }]);

    const size = statSync(file).size;
    out.write(
      `Wrote ${file} (${(size / 1_048_576).toFixed(1)} MB): ${pkg.name}@${pkg.version ?? '0.1.0'}, tools ${tools.map((tool) => tool.name).join(', ') || '(none)'}.\n`,
    );
    if (native.length > 0)
      out.write(
        `It contains compiled addons (${native.length}) built for ${process.platform}-${process.arch}; build the bundle on each platform you ship to.\n`,
      );
    out.write(
      `Install: open the file with Claude Desktop. It asks for an access token; issue one into the store the bundle uses:\n` +
        `  MCP_PROD_DB="${bundleDbPath(pkg).replace('${HOME}', os.homedir())}" npx mcp-prod token issue --scopes ${[...new Set(tools.flatMap((tool) => tool.scopes))].sort().join(',') || '<scopes>'}\n`,
    );
    return { file, manifest };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(packedFile, { force: true });
  }
}
