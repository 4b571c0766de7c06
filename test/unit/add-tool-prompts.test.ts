import { describe, expect, it } from 'vitest';
import { resolveAddToolOptions } from '../../src/commands/add-tool/prompts.js';
import { CliError } from '../../src/core/errors.js';
import { fakeAddToolPrompter } from '../helpers/fake-prompter.js';

describe('add-tool prompts', () => {
  it('asks, on a terminal, for everything the flags left open', async () => {
    const { prompter, asked } = fakeAddToolPrompter({ name: 'get_weather', scope: 'weather:read', kind: 'mutating', description: 'Sets the weather.' });
    const options = await resolveAddToolOptions({}, true, prompter);
    expect(asked).toEqual(['name', 'scope', 'kind', 'description']);
    expect(options).toMatchObject({
      name: 'get_weather',
      scopes: ['weather:read'],
      kind: 'mutating',
      description: 'Sets the weather.',
      version: '1.0.0',
      dryRun: false,
    });
  });

  it('asks only for what is missing', async () => {
    const { prompter, asked } = fakeAddToolPrompter({ description: 'Reads the weather.' });
    const options = await resolveAddToolOptions({ name: 'get_weather', scopes: ['weather:read'], readOnly: true }, true, prompter);
    expect(asked).toEqual(['description']);
    expect(options.kind).toBe('read-only');
  });

  it('never asks with --yes or off a terminal', async () => {
    const { prompter, asked } = fakeAddToolPrompter();
    await resolveAddToolOptions({ name: 'get_weather', scopes: ['weather:read'], yes: true }, true, prompter);
    await resolveAddToolOptions({ name: 'get_weather', scopes: ['weather:read'] }, false, prompter);
    expect(asked).toEqual([]);
  });

  it('checks a prompted answer like a flag, naming what was wrong', async () => {
    const { prompter } = fakeAddToolPrompter({ scope: 'weather read', kind: 'read-only', description: 'x' });
    const error = await resolveAddToolOptions({ name: 'get_weather' }, true, prompter).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/^--scope: a scope is resource:tier/);
  });
});
