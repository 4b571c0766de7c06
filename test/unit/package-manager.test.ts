import { afterEach, describe, expect, it, vi } from 'vitest';
import { detectPackageManager, runScriptCommand } from '../../src/commands/create/package-manager.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('detectPackageManager', () => {
  it.each([
    ['pnpm/9.1.0 npm/? node/v20.12.0 linux x64', 'pnpm'],
    ['yarn/1.22.19 npm/? node/v20.12.0 darwin arm64', 'yarn'],
    ['npm/11.0.0 node/v20.12.0 linux x64 workspaces/false', 'npm'],
    ['bun/1.0.0 npm/? node/v20.12.0', 'npm'],
    ['', 'npm'],
    ['something-else', 'npm'],
  ] as const)('%j -> %s', (userAgent, expected) => {
    expect(detectPackageManager(userAgent)).toBe(expected);
  });

  it('defaults to npm when there is no user agent', () => {
    vi.stubEnv('npm_config_user_agent', undefined);
    expect(detectPackageManager(undefined)).toBe('npm');
    expect(detectPackageManager()).toBe('npm');
  });

  it('reads npm_config_user_agent from the environment by default', () => {
    vi.stubEnv('npm_config_user_agent', 'yarn/4.1.0 npm/? node/v20.12.0');
    expect(detectPackageManager()).toBe('yarn');
  });
});

describe('runScriptCommand', () => {
  it.each([
    ['npm', 'test', 'npm test'],
    ['npm', 'start', 'npm start'],
    ['npm', 'build', 'npm run build'],
    ['npm', 'start:http', 'npm run start:http'],
    ['npm', 'dev', 'npm run dev'],
    ['pnpm', 'test', 'pnpm test'],
    ['pnpm', 'build', 'pnpm run build'],
    ['yarn', 'start:http', 'yarn run start:http'],
    ['yarn', 'typecheck', 'yarn run typecheck'],
    ['yarn', 'check', 'yarn run check'],
  ] as const)('%s %s -> %j', (pm, script, expected) => {
    expect(runScriptCommand(pm, script)).toBe(expected);
  });
});
