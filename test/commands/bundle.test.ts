import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getMcpConfigForManifest, unpackExtension, validateManifest, type McpbManifestAny } from '@anthropic-ai/mcpb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundle } from '../../src/commands/bundle/index.js';
import { cliErrorOf, copyProject, generateProjectTemplate, type ProjectCopy, type ProjectTemplate } from '../helpers/generated-project.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDirs } from '../helpers/temp-dirs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 300_000 });

let template: ProjectTemplate;
beforeAll(async () => {
  template = await generateProjectTemplate('mcp-prod-bundle-');
});
afterAll(() => template?.cleanup());
const temp = tempDirs('mcp-prod-bundle-out-');
afterEach(() => temp.cleanup());

const SECRET = 'mcpp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

function writePackage(dir: string, pkg: Record<string, unknown>, files: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

/**
 * A built project with a small installed dependency tree: a real package reached through a
 * symlink (as pnpm lays them out), a native addon with its build leftovers, two versions of one
 * package, and a dev-only package that must stay out. Plus what must never ship: .env, the store.
 */
function builtProject(): ProjectCopy {
  const copy = copyProject(template);
  rmSync(path.join(copy.root, 'node_modules'));
  const modules = path.join(copy.root, 'node_modules');
  mkdirSync(modules);
  symlinkSync(path.join(repoRoot, 'node_modules', 'jose'), path.join(modules, 'jose'), 'dir');
  writePackage(
    path.join(modules, 'fake-sqlite'),
    { name: 'fake-sqlite', version: '1.0.0', dependencies: { shared: '^1' } },
    {
      'binding.gyp': '{}',
      'lib/index.js': 'module.exports = 1;',
      'build/Release/fake_sqlite.node': 'binary',
      'build/Release/obj.target/fake_sqlite/src/addon.o': 'object',
      'build/Makefile': 'all:',
      'deps/sqlite3/sqlite3.c': 'int main;',
      'src/addon.cpp': 'int x;',
    },
  );
  writePackage(path.join(modules, 'shared'), { name: 'shared', version: '1.0.0' }, { 'index.js': 'v1' });
  writePackage(path.join(modules, 'needs-shared-2'), { name: 'needs-shared-2', version: '1.0.0', dependencies: { shared: '^2' } }, { 'index.js': '' });
  writePackage(path.join(modules, 'needs-shared-2', 'node_modules', 'shared'), { name: 'shared', version: '2.0.0' }, { 'index.js': 'v2' });
  writePackage(path.join(modules, 'dev-only'), { name: 'dev-only', version: '1.0.0' }, { 'index.js': '' });

  const pkg = JSON.parse(copy.read('package.json')) as Record<string, unknown>;
  copy.write(
    'package.json',
    JSON.stringify({
      ...pkg,
      description: 'Notes for teams',
      author: 'Ada Lovelace <ada@example.com>',
      dependencies: { jose: '*', 'fake-sqlite': '1.0.0', 'needs-shared-2': '1.0.0' },
      devDependencies: { 'dev-only': '1.0.0' },
    }),
  );
  copy.write('dist/stdio.js', 'console.log("server");\n');
  copy.write('dist/app.js', 'export {};\n');
  copy.write('dist/app.js.map', '{}');
  copy.write('.env', `MCP_PROD_TOKEN=${SECRET}\nMCP_PROD_DB=./data/mcp.db\n`);
  copy.write('data/mcp.db', `sqlite store holding ${SECRET}`);
  return copy;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

describe('bundle', () => {
  it('packs a bundle the mcpb tooling validates, with the runtime dependencies and no secrets', async () => {
    const copy = builtProject();
    const outDir = await temp.make();
    const lines: string[] = [];

    const result = await bundle(copy.project, { out: path.join(outDir, 'notes.mcpb') }, { write: (text) => void lines.push(text), warn: () => {} });

    expect(result.file).toBe(path.join(outDir, 'notes.mcpb'));
    expect(readdirSync(outDir)).toEqual(['notes.mcpb']);
    const unpacked = await temp.make();
    expect(await unpackExtension({ mcpbPath: result.file, outputDir: unpacked, silent: true })).toBe(true);
    expect(validateManifest(path.join(unpacked, 'manifest.json'))).toBe(true);

    const manifest = JSON.parse(readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')) as McpbManifestAny;
    expect(manifest).toMatchObject({
      name: 'template',
      description: 'Notes for teams',
      author: { name: 'Ada Lovelace', email: 'ada@example.com' },
      server: {
        type: 'node',
        entry_point: 'dist/stdio.js',
        mcp_config: {
          command: 'node',
          args: ['${__dirname}/dist/stdio.js'],
          env: { MCP_PROD_TOKEN: '${user_config.token}', MCP_PROD_DB: '${HOME}/.mcp-prod/template/mcp.db' },
        },
      },
      user_config: { token: { type: 'string', sensitive: true, required: true } },
      compatibility: { platforms: [process.platform] },
    });
    expect(manifest.tools?.map((tool) => tool.name)).toEqual(['create_note', 'delete_note', 'search_notes']);
    expect(manifest.tools?.[0]?.description).toBe(copy.lockEntry('create_note')!.description);

    // What Claude Desktop would start, with the token the user typed in.
    const config = await getMcpConfigForManifest({
      manifest,
      extensionPath: '/bundles/template',
      systemDirs: { HOME: '/home/ada' },
      userConfig: { token: 'mcpp_typed' },
      pathSeparator: '/',
    });
    expect(config).toMatchObject({
      command: 'node',
      args: ['/bundles/template/dist/stdio.js'],
      env: { MCP_PROD_TOKEN: 'mcpp_typed', MCP_PROD_DB: '/home/ada/.mcp-prod/template/mcp.db' },
    });

    const files = filesUnder(unpacked);
    expect(files).toEqual(
      expect.arrayContaining(['manifest.json', 'package.json', 'mcp-tools.lock.json', 'dist/stdio.js', 'dist/app.js', 'node_modules/jose/package.json']),
    );
    expect(files.filter((file) => file.startsWith('node_modules/fake-sqlite/'))).toEqual([
      'node_modules/fake-sqlite/build/Release/fake_sqlite.node',
      'node_modules/fake-sqlite/lib/index.js',
      'node_modules/fake-sqlite/package.json',
    ]);
    expect(readFileSync(path.join(unpacked, 'node_modules/shared/index.js'), 'utf8')).toBe('v1');
    expect(readFileSync(path.join(unpacked, 'node_modules/needs-shared-2/node_modules/shared/index.js'), 'utf8')).toBe('v2');
    expect(files.some((file) => file.startsWith('node_modules/dev-only'))).toBe(false);
    expect(files.filter((file) => file.startsWith('src/') || file.startsWith('data/') || file.includes('.env') || file.endsWith('.map'))).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8'))).toMatchObject({ type: 'module' });
    for (const file of files) expect(readFileSync(path.join(unpacked, file), 'utf8'), file).not.toContain(SECRET);

    const output = lines.join('');
    expect(output).toContain(`Wrote ${result.file}`);
    expect(output).toContain('npx mcp-prod token issue --scopes notes:admin,notes:read,notes:write');
    expect(output).not.toContain(SECRET);
  });

  it('writes <name>-<version>.mcpb into a folder given with a trailing slash, creating it', async () => {
    const copy = builtProject();
    const outDir = path.join(await temp.make(), 'bundles');
    const result = await bundle(copy.project, { out: `${outDir}/` }, { write: () => {}, warn: () => {} });
    expect(result.file).toBe(path.join(outDir, 'template-0.1.0.mcpb'));
    expect(existsSync(result.file)).toBe(true);
  });

  it('refuses a project that has not been built', async () => {
    const copy = builtProject();
    rmSync(path.join(copy.root, 'dist'), { recursive: true });
    const error = await cliErrorOf(() => bundle(copy.project, {}, { write: () => {}, warn: () => {} }));
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe('dist/stdio.js is missing: the bundle ships the built server.');
    expect(error.hint).toContain('npm run build');
  });

  it('refuses when a runtime dependency is not installed', async () => {
    const copy = builtProject();
    rmSync(path.join(copy.root, 'node_modules', 'shared'), { recursive: true });
    const error = await cliErrorOf(() => bundle(copy.project, {}, { write: () => {}, warn: () => {} }));
    expect(error.message).toBe('shared, which fake-sqlite needs at run time, is not installed.');
    expect(error.hint).toContain('npm install');
  });

  it('refuses a project without a stdio entry point', async () => {
    const copy = builtProject();
    rmSync(path.join(copy.root, 'src', 'stdio.ts'));
    const error = await cliErrorOf(() => bundle(copy.project, {}, { write: () => {}, warn: () => {} }));
    expect(error.message).toContain('no stdio entry point');
  });
});
