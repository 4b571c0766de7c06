import type { CreateOptions } from '../../src/commands/create/options.js';

export function createOptions(overrides: Partial<CreateOptions> = {}): CreateOptions {
  return {
    directory: 'my-server',
    name: 'my-server',
    transport: 'both',
    store: 'sqlite',
    example: true,
    install: false,
    git: false,
    packageManager: 'npm',
    cliVersion: '0.1.0',
    force: false,
    cwd: '/nonexistent-cwd',
    ...overrides,
  };
}
