import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Transport } from '../../src/commands/create/options.js';
import { generatedPackageJson } from '../../src/commands/create/package-json.js';
import { createOptions } from '../helpers/options.js';

interface GeneratedPackageJson {
  name: string;
  private: boolean;
  type: string;
  bin?: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

function generate(transport: Transport, overrides: Parameters<typeof createOptions>[0] = {}) {
  const text = generatedPackageJson(createOptions({ transport, ...overrides }));
  return { text, pkg: JSON.parse(text) as GeneratedPackageJson };
}

const EXACT_VERSION = /^\d+\.\d+\.\d+$/;

const ownDevDependencies = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> })
  .devDependencies;

describe('generatedPackageJson', () => {
  it.each(['stdio', 'http', 'both'] as const)('is valid JSON with a trailing newline (%s)', (transport) => {
    const { text, pkg } = generate(transport);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(pkg).toMatchObject({ name: 'my-server', private: true, type: 'module' });
  });

  it.each(['stdio', 'http', 'both'] as const)('pins every dependency exactly except create-mcp-prod (%s)', (transport) => {
    const { pkg } = generate(transport, { cliVersion: '^0.9.0' });
    const all = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const [name, version] of Object.entries(all)) {
      if (name === 'create-mcp-prod') continue;
      expect(version, name).toMatch(EXACT_VERSION);
    }
    expect(pkg.devDependencies['create-mcp-prod']).toBe('^0.9.0');
    expect(pkg.dependencies['create-mcp-prod']).toBeUndefined();
  });

  it('writes the cli version spec verbatim', () => {
    expect(generate('both', { cliVersion: 'file:/x.tgz' }).pkg.devDependencies['create-mcp-prod']).toBe('file:/x.tgz');
  });

  it.each(['stdio', 'http', 'both'] as const)('sorts dependency keys (%s)', (transport) => {
    const { pkg } = generate(transport);
    for (const record of [pkg.dependencies, pkg.devDependencies]) {
      const keys = Object.keys(record);
      expect(keys).toEqual([...keys].sort());
    }
  });

  it('has start and dev for stdio only', () => {
    const { scripts, bin } = generate('stdio').pkg;
    expect(scripts.start).toBe('node dist/stdio.js');
    expect(scripts.dev).toBe('tsx watch src/stdio.ts');
    expect(scripts).not.toHaveProperty('start:http');
    expect(scripts).not.toHaveProperty('dev:http');
    expect(bin).toEqual({ 'my-server': 'dist/stdio.js' });
  });

  it('has start:http and dev for http only', () => {
    const { scripts, bin } = generate('http').pkg;
    expect(scripts['start:http']).toBe('node dist/http.js');
    expect(scripts.dev).toBe('tsx watch src/http.ts');
    expect(scripts).not.toHaveProperty('start');
    expect(scripts).not.toHaveProperty('dev:http');
    expect(bin).toBeUndefined();
  });

  it('has start, start:http, dev and dev:http for both', () => {
    const { scripts } = generate('both').pkg;
    expect(scripts).toMatchObject({
      start: 'node dist/stdio.js',
      'start:http': 'node dist/http.js',
      dev: 'tsx watch src/stdio.ts',
      'dev:http': 'tsx watch src/http.ts',
    });
  });

  it('needs no runtime package for HTTP beyond what stdio needs (node:http reaches the SDK through src/http/fetch-bridge.ts)', () => {
    expect(generate('http').pkg.dependencies).toEqual(generate('stdio').pkg.dependencies);
    expect(generate('both').pkg.dependencies).not.toHaveProperty('@modelcontextprotocol/node');
  });

  it.each(['stdio', 'http', 'both'] as const)('always has build, typecheck and test scripts (%s)', (transport) => {
    expect(generate(transport).pkg.scripts).toMatchObject({
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc --noEmit',
      test: 'vitest run',
      format: 'biome format --write',
      'format:check': 'biome format',
      lint: 'biome lint',
    });
    expect(generate(transport).pkg.devDependencies['@biomejs/biome']).toBe(ownDevDependencies['@biomejs/biome']);
  });

  it('names the bin after the unscoped package name', () => {
    const { pkg } = generate('stdio', { name: '@acme/notes-server' });
    expect(pkg.name).toBe('@acme/notes-server');
    expect(pkg.bin).toEqual({ 'notes-server': 'dist/stdio.js' });
  });

  it.each(['stdio', 'http', 'both'] as const)('depends on every OpenTelemetry package the telemetry modules import (%s)', (transport) => {
    const { dependencies } = generate(transport).pkg;
    const imported = ['telemetry.ts', 'telemetry-sdk.ts', 'tool.ts'].flatMap((file) =>
      [...readFileSync(new URL(`../../templates/project/base/src/platform/${file}`, import.meta.url), 'utf8').matchAll(/from '(@opentelemetry\/[^']+)'/g)].map(
        (m) => m[1]!,
      ),
    );
    expect(imported.length).toBeGreaterThan(5);
    for (const name of new Set(imported)) expect(dependencies[name], name).toMatch(EXACT_VERSION);
  });
});
