import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, projectRoot } from '../src/config.js';

const dirs: string[] = [];
const sqlite = (env: Record<string, string> = {}) => ({ MCP_PROD_STORE: 'sqlite', ...env });
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('configuration paths', () => {
  it('resolves relative paths against the project root, not the working directory', () => {
    const config = loadConfig(sqlite({ MCP_PROD_DB: './data/mcp.db', MCP_PROD_LOCKFILE: 'contracts/lock.json' }));
    expect(config.dbPath).toBe(path.join(projectRoot, 'data', 'mcp.db'));
    expect(config.lockfile).toBe(path.join(projectRoot, 'contracts', 'lock.json'));
    expect(loadConfig(sqlite()).dbPath).toBe(path.join(projectRoot, 'data', 'mcp.db'));
    expect(loadConfig(sqlite()).lockfile).toBe(path.join(projectRoot, 'mcp-tools.lock.json'));
  });

  it("keeps absolute paths and SQLite's :memory: as they are", () => {
    expect(loadConfig(sqlite({ MCP_PROD_DB: '/var/lib/mcp/mcp.db' })).dbPath).toBe('/var/lib/mcp/mcp.db');
    expect(loadConfig(sqlite({ MCP_PROD_DB: ':memory:' })).dbPath).toBe(':memory:');
  });
});

describe('the store', () => {
  it('needs DATABASE_URL for PostgreSQL, and never echoes it', () => {
    expect(() => loadConfig({ MCP_PROD_STORE: 'postgres' })).toThrow(/DATABASE_URL=.*is required when MCP_PROD_STORE=postgres/);
    expect(() => loadConfig({ MCP_PROD_STORE: 'postgres', DATABASE_URL: 'postgres://u:hunter2@db/x', MCP_PROD_PG_SCHEMA: 'Bad-Name' })).toThrow(
      /MCP_PROD_PG_SCHEMA/,
    );
    const refusal = (() => {
      try {
        loadConfig({ MCP_PROD_STORE: 'postgres', DATABASE_URL: 'postgres://u:hunter2@db/x', MCP_PROD_PG_POOL_MAX: 'lots' });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(refusal).toContain('MCP_PROD_PG_POOL_MAX');
    expect(refusal).not.toContain('hunter2');
    expect(loadConfig({ MCP_PROD_STORE: 'postgres', DATABASE_URL: 'postgres://u@db/x', MCP_PROD_PG_SCHEMA: 'mcp' })).toMatchObject({
      store: 'postgres',
      postgres: { connectionString: 'postgres://u@db/x', schema: 'mcp', max: 10 },
    });
  });
});

describe('.env', () => {
  it('is loaded into the environment, and variables already set win', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dotenv-'));
    dirs.push(dir);
    const file = path.join(dir, '.env');
    writeFileSync(file, 'FROM_FILE_ONLY=file\nSET_IN_BOTH=file\n# a comment\nLOG_LEVEL=debug\n');
    // A child process, so that this test's own environment stays untouched.
    const script =
      "const { loadDotEnv, loadConfig } = await import('./src/config.ts');" +
      'const loaded = loadDotEnv(process.argv[1]);' +
      'console.log(JSON.stringify({ loaded, only: process.env.FROM_FILE_ONLY, both: process.env.SET_IN_BOTH, level: loadConfig().logLevel }));';
    const { FROM_FILE_ONLY: _only, LOG_LEVEL: _level, ...inherited } = process.env;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file], {
      env: { ...inherited, SET_IN_BOTH: 'environment', MCP_PROD_STORE: 'memory' },
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({ loaded: file, only: 'file', both: 'environment', level: 'debug' });
  });
});
