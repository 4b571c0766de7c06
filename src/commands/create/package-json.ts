import { GENERATED_NODE_ENGINES, generatedDependencies, generatedDevDependencies } from '../../core/versions.js';
import type { CreateOptions } from './options.js';

function pick<T extends Record<string, string>>(all: T, names: readonly (keyof T)[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, all[name]!]));
}

/**
 * The generated package.json, built as data rather than a template so that optional pieces can
 * never produce invalid JSON.
 */
export function generatedPackageJson(options: CreateOptions): string {
  const stdio = options.transport !== 'http';
  const http = options.transport !== 'stdio';
  const scripts: Record<string, string> = {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc --noEmit',
    test: 'vitest run',
    evals: 'tsx evals/run.ts',
    check: 'mcp-prod check',
    lock: 'mcp-prod lock',
    format: 'biome format --write',
    'format:check': 'biome format',
    lint: 'biome lint',
  };
  if (stdio) {
    scripts.dev = 'tsx watch src/stdio.ts';
    scripts.start = 'node dist/stdio.js';
  }
  if (http) {
    if (!stdio) scripts.dev = 'tsx watch src/http.ts';
    else scripts['dev:http'] = 'tsx watch src/http.ts';
    scripts['start:http'] = 'node dist/http.js';
  }

  // pg and redis are always installed: a project made with SQLite moves to several instances by configuration.
  const telemetry = [
    '@opentelemetry/api',
    '@opentelemetry/context-async-hooks',
    '@opentelemetry/core',
    '@opentelemetry/exporter-metrics-otlp-http',
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/resources',
    '@opentelemetry/sdk-metrics',
    '@opentelemetry/sdk-trace-base',
  ] as const;
  const runtime = ['@modelcontextprotocol/server', 'better-sqlite3', 'jose', 'pg', 'pino', 'redis', 'zod', ...telemetry] as const;
  const dependencies = pick(generatedDependencies, runtime);
  const devDependencies = {
    ...pick(generatedDevDependencies, Object.keys(generatedDevDependencies) as (keyof typeof generatedDevDependencies)[]),
    'create-mcp-prod': options.cliVersion,
  };

  const pkg = {
    name: options.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: GENERATED_NODE_ENGINES },
    bin: stdio ? { [options.name.replace(/^@[^/]+\//, '')]: 'dist/stdio.js' } : undefined,
    scripts,
    dependencies: sortKeys(dependencies),
    devDependencies: sortKeys(devDependencies),
    // npm 11 runs dependency install scripts only for approved packages; better-sqlite3 compiles
    // its native addon in one, and esbuild (through tsx) verifies its binary in another.
    allowScripts: { 'better-sqlite3': true, esbuild: true },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
