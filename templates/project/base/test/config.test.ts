import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, projectRoot } from '../src/config.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('configuration paths', () => {
  it('resolves relative paths against the project root, not the working directory', () => {
    const config = loadConfig({ MCP_PROD_DB: './data/mcp.db', MCP_PROD_LOCKFILE: 'contracts/lock.json' });
    expect(config.dbPath).toBe(path.join(projectRoot, 'data', 'mcp.db'));
    expect(config.lockfile).toBe(path.join(projectRoot, 'contracts', 'lock.json'));
    expect(loadConfig({}).dbPath).toBe(path.join(projectRoot, 'data', 'mcp.db'));
    expect(loadConfig({}).lockfile).toBe(path.join(projectRoot, 'mcp-tools.lock.json'));
  });

  it("keeps absolute paths and SQLite's :memory: as they are", () => {
    expect(loadConfig({ MCP_PROD_DB: '/var/lib/mcp/mcp.db' }).dbPath).toBe('/var/lib/mcp/mcp.db');
    expect(loadConfig({ MCP_PROD_DB: ':memory:' }).dbPath).toBe(':memory:');
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
      env: { ...inherited, SET_IN_BOTH: 'environment' },
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({ loaded: file, only: 'file', both: 'environment', level: 'debug' });
  });
});
