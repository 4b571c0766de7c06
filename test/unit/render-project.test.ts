import { describe, expect, it } from 'vitest';
import { renderProject } from '../../src/commands/create/index.js';
import type { Transport } from '../../src/commands/create/options.js';
import { createOptions } from '../helpers/options.js';

const platformModules = [
  'auth',
  'boundary',
  'call-context',
  'call-log',
  'cancellation',
  'canonical-json',
  'clock',
  'cost',
  'deprecation',
  'errors',
  'idempotency',
  'jwt',
  'limits',
  'log-destination',
  'logger',
  'pipeline',
  'registry',
  'result-json',
  'scopes',
  'semver',
  'telemetry',
  'telemetry-sdk',
  'tokens',
  'tool',
].map((module) => `src/platform/${module}.ts`);

const baseFiles = [
  '.env.example',
  'biome.json',
  'evals/harness.ts',
  'evals/run.ts',
  '.github/workflows/ci.yml',
  '.gitignore',
  'README.md',
  'mcp-tools.lock.json',
  'package.json',
  'renovate.json',
  'src/admin.ts',
  'src/app.ts',
  'src/contract.ts',
  'src/in-process.ts',
  'src/prices.ts',
  'src/config.ts',
  'src/server.ts',
  'src/store/bus.ts',
  'src/store/budget-rule.ts',
  'src/store/bookkeeping.ts',
  'src/store/busy.ts',
  'src/store/claim.ts',
  'src/store/cost-rollup.ts',
  'src/store/group-commit.ts',
  'src/store/transaction-control.ts',
  'src/store/index.ts',
  'src/store/memory.ts',
  'src/store/migrations.ts',
  'src/store/sqlite.ts',
  'src/store/postgres-migrations.ts',
  'src/store/postgres.ts',
  'src/store/rate-cell.ts',
  'src/store/redis-client.ts',
  'src/store/redis-rates.ts',
  'src/store/types.ts',
  'src/store/unavailable.ts',
  'src/store/write-lock.ts',
  'src/tools/index.ts',
  'test/call-context.test.ts',
  'test/cancellation.test.ts',
  'test/config.test.ts',
  'test/costs.test.ts',
  'test/definitions.test.ts',
  'test/faults/bookkeeping.test.ts',
  'test/faults/config.test.ts',
  'test/faults/fixtures/start-check.ts',
  'test/faults/logs.test.ts',
  'test/faults/secret-scan.ts',
  'test/faults/sqlite-lock.ts',
  'test/faults/store-broken.test.ts',
  'test/faults/store-lock.test.ts',
  'test/fixtures/idempotency-worker.ts',
  'test/fixtures/telemetry-off-probe.ts',
  'test/fixtures/tools.ts',
  'test/group-commit.test.ts',
  'test/helpers/client-matrix.ts',
  'test/helpers/harness.ts',
  'test/helpers/otlp.ts',
  'test/idempotency-processes.test.ts',
  'test/idempotency.test.ts',
  'test/lazy-modules.test.ts',
  'test/limits.test.ts',
  'test/log-destination.test.ts',
  'test/pipeline.test.ts',
  'test/redis.test.ts',
  'test/result-json.test.ts',
  'test/store-contract/contract.ts',
  'test/store-contract/memory.test.ts',
  'test/store-contract/postgres.test.ts',
  'test/store-contract/sqlite.test.ts',
  'test/store.test.ts',
  'test/telemetry.test.ts',
  'test/token-cache.test.ts',
  'test/tokens.test.ts',
  'test/transactions.test.ts',
  'tsconfig.build.json',
  'tsconfig.json',
  'vitest.config.ts',
  ...platformModules,
];
const stdioFiles = [
  'examples/claude-desktop.json',
  'examples/cursor-mcp.json',
  'src/stdio-transport.ts',
  'src/stdio.ts',
  'test/faults/stdio-shutdown.test.ts',
  'test/stdio-telemetry.test.ts',
  'test/clients-stdio.test.ts',
  'test/fixtures/matrix-stdio-server.ts',
  'test/fixtures/stdio-server.ts',
  'test/stdio.test.ts',
];
const httpFiles = [
  'examples/cursor-mcp-http.json',
  'src/http.ts',
  ...[
    'body',
    'calls',
    'direct-call',
    'drain',
    'fetch-bridge',
    'gate',
    'hang-up',
    'headers',
    'idle-memory',
    'limits',
    'rate-limited',
    'readiness',
    'responses',
    'settings',
  ].map((module) => `src/http/${module}.ts`),
  'test/clients-http.test.ts',
  'test/fetch-bridge.test.ts',
  'test/http-modules.test.ts',
  'test/faults/http-support.ts',
  'test/faults/malformed.test.ts',
  'test/faults/shutdown.test.ts',
  'test/faults/unauthenticated.test.ts',
  'test/fixtures/http-server.ts',
  'test/fixtures/wait-a-while.ts',
  'test/fixtures/heap-after-burst-probe.ts',
  'test/http-auth.test.ts',
  'test/http-direct-call.test.ts',
  'test/http.test.ts',
  'test/idle-memory.test.ts',
];
const exampleFiles = [
  'evals/create-note.eval.ts',
  'evals/delete-note.eval.ts',
  'evals/search-notes.eval.ts',
  'src/tools/create-note.ts',
  'src/tools/delete-note.ts',
  'src/tools/search-notes.ts',
  'test/notes.test.ts',
];

const patternModules: Record<string, number> = {
  auth: 1,
  registry: 2,
  idempotency: 3,
  'call-log': 4,
  deprecation: 5,
  cost: 6,
  boundary: 7,
};

const combinations = (['stdio', 'http', 'both'] as const).flatMap((transport: Transport) => [true, false].map((example) => ({ transport, example })));

function render(overrides: Parameters<typeof createOptions>[0] = {}): Map<string, string> {
  return renderProject(createOptions(overrides));
}

describe('renderProject', () => {
  describe.each(combinations)('transport $transport, example $example', ({ transport, example }) => {
    const tree = render({ transport, example });
    const files = [...tree.keys()].sort();
    const stdio = transport !== 'http';
    const http = transport !== 'stdio';

    it('renders exactly the files of the enabled layers', () => {
      const expected = [...baseFiles, ...(stdio ? stdioFiles : []), ...(http ? httpFiles : []), ...(example ? exampleFiles : [])].sort();
      expect(files).toEqual(expected);
    });

    it('includes transport and example files only when enabled', () => {
      const present = (file: string) => files.includes(file);
      expect(present('src/stdio.ts')).toBe(stdio);
      expect(present('test/stdio.test.ts')).toBe(stdio);
      expect(present('examples/claude-desktop.json')).toBe(stdio);
      expect(present('src/http.ts')).toBe(http);
      expect(present('test/http.test.ts')).toBe(http);
      expect(present('examples/cursor-mcp-http.json')).toBe(http);
      expect(present('src/tools/search-notes.ts')).toBe(example);
      expect(present('test/notes.test.ts')).toBe(example);
      for (const file of ['.gitignore', '.github/workflows/ci.yml', '.env.example', 'renovate.json', 'README.md', ...platformModules]) {
        expect(files, file).toContain(file);
      }
    });

    it('leaves no handlebars syntax and no template file names behind', () => {
      for (const [file, content] of tree) {
        // GitHub Actions expressions (`${{ matrix.node-version }}`) are meant to survive rendering.
        expect(content.replaceAll('${{', '').includes('{{'), `${file} contains "{{"`).toBe(false);
        expect(file).not.toMatch(/\.hbs$|(^|\/)_/);
        expect(content.trim().length, `${file} is empty`).toBeGreaterThan(0);
      }
    });

    it('defaults the store to SQLite, and to PostgreSQL with --store postgres', () => {
      expect(tree.get('src/config.ts')).toContain("MCP_PROD_STORE: z.enum(['sqlite', 'postgres', 'memory']).default('sqlite')");
      expect(tree.get('.env.example')).toContain('MCP_PROD_STORE=sqlite');
      const postgres = render({ transport, example, store: 'postgres' });
      expect(postgres.get('src/config.ts')).toContain(".default('postgres')");
      expect(postgres.get('.env.example')).toMatch(/^MCP_PROD_STORE=postgres$/m);
      expect(postgres.get('.env.example')).toMatch(/^DATABASE_URL=postgres:/m);
      expect((JSON.parse(postgres.get('package.json')!) as { dependencies: Record<string, string> }).dependencies).toHaveProperty('pg');
    });

    it('tests on Node 20, 22 and 24 and declares engines that admit them', () => {
      expect(tree.get('.github/workflows/ci.yml')).toContain('node-version: [20, 22, 24]');
      expect(tree.get('.github/workflows/ci.yml')).toContain('node-version: ${{ matrix.node-version }}');
      expect((JSON.parse(tree.get('package.json')!) as { engines: { node: string } }).engines.node).toBe('^20.12.0 || >=22.0.0');
    });

    it('produces JSON files that parse', () => {
      for (const [file, content] of tree) {
        if (file.endsWith('.json')) expect(() => JSON.parse(content), file).not.toThrow();
      }
    });

    it('opens every pattern module with a comment naming its pattern', () => {
      for (const [module, pattern] of Object.entries(patternModules)) {
        const content = tree.get(`src/platform/${module}.ts`) ?? '';
        expect(content.startsWith('/**'), module).toBe(true);
        const firstComment = content.slice(0, content.indexOf('*/'));
        expect(firstComment, module).toMatch(new RegExp(`Pattern ${pattern}:`));
      }
    });

    it('registers the example tools only with examples', () => {
      const index = tree.get('src/tools/index.ts') ?? '';
      expect(index.includes('searchNotes')).toBe(example);
    });

    it('mentions only the enabled transports in the README and .env.example', () => {
      const readme = tree.get('README.md') ?? '';
      expect(readme.startsWith('# my-server\n')).toBe(true);
      expect(readme.includes('stdio.ts')).toBe(stdio);
      expect(readme.includes('npm run start:http')).toBe(http);
      expect((tree.get('.env.example') ?? '').includes('PORT=3000')).toBe(http);
    });
  });

  it('uses tsString for the server name literal', () => {
    expect(render({ name: 'my-server' }).get('src/server.ts')).toContain("name: 'my-server'");
  });

  it('strips the scope for the server name in server.ts and the client examples', () => {
    const tree = render({ name: '@acme/notes-server', directory: 'notes-server' });
    expect(tree.get('src/server.ts')).toContain("name: 'notes-server'");
    for (const example of ['examples/claude-desktop.json', 'examples/cursor-mcp.json', 'examples/cursor-mcp-http.json']) {
      const servers = (JSON.parse(tree.get(example) ?? '{}') as { mcpServers: Record<string, unknown> }).mcpServers;
      expect(Object.keys(servers), example).toEqual(['notes-server']);
    }
    expect(tree.get('examples/claude-desktop.json')).toContain('/absolute/path/to/notes-server/dist/stdio.js');
    expect(tree.get('README.md')?.startsWith('# @acme/notes-server\n')).toBe(true);
    expect(JSON.parse(tree.get('package.json') ?? '{}')).toMatchObject({ name: '@acme/notes-server' });
  });

  it.each([
    ['npm', 'npm ci', 'npm run typecheck'],
    ['pnpm', 'pnpm install --frozen-lockfile', 'pnpm run typecheck'],
    ['yarn', 'yarn install --frozen-lockfile', 'yarn run typecheck'],
  ] as const)('writes a CI workflow for %s', (packageManager, install, typecheck) => {
    const ci = render({ packageManager }).get('.github/workflows/ci.yml') ?? '';
    expect(ci).toContain(`- run: ${install}`);
    expect(ci).toContain(`- run: ${typecheck}`);
    expect(ci).toContain(`cache: ${packageManager}`);
    expect(ci.includes('pnpm/action-setup')).toBe(packageManager === 'pnpm');
  });

  it('puts package.json from generatedPackageJson into the tree', () => {
    const pkg = JSON.parse(render({ cliVersion: 'file:/x.tgz' }).get('package.json') ?? '{}') as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies['create-mcp-prod']).toBe('file:/x.tgz');
  });

  it('is deterministic', () => {
    const first = render();
    const second = render();
    expect([...second.entries()]).toEqual([...first.entries()]);
  });
});
