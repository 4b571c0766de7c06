import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCliPin, type RegistryLookup } from '../../src/commands/create/cli-pin.js';
import { CliError } from '../../src/core/errors.js';

const installed = { name: 'create-mcp-prod', version: '0.4.0', root: path.join('/home/u/.npm/_npx/ab12/node_modules', 'create-mcp-prod') };
const checkout = { name: 'create-mcp-prod', version: '0.4.0', root: '/home/u/src/create-mcp-prod' };
const lookups: string[] = [];
const registry =
  (answer: boolean | undefined): RegistryLookup =>
  async (name, version) => {
    lookups.push(`${name}@${version}`);
    return answer;
  };

describe('resolveCliPin', () => {
  it('keeps an explicit --cli-version without asking the registry', async () => {
    lookups.length = 0;
    expect(await resolveCliPin('file:/x.tgz', installed, registry(false))).toEqual({ spec: 'file:/x.tgz' });
    expect(lookups).toEqual([]);
  });

  it('pins the version of an installed build the registry has', async () => {
    expect(await resolveCliPin(undefined, installed, registry(true))).toEqual({ spec: '0.4.0' });
  });

  it('pins the version when the registry cannot be asked (offline), rather than guessing', async () => {
    expect(await resolveCliPin(undefined, installed, registry(undefined))).toEqual({ spec: '0.4.0' });
  });

  it('refuses, naming --cli-version, when the installed version is not on the registry', async () => {
    const error = await resolveCliPin(undefined, installed, registry(false)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain('create-mcp-prod@0.4.0 is not on the npm registry');
    expect((error as CliError).hint).toContain('--cli-version');
  });

  it('pins its own folder when it runs from a checkout, and says so', async () => {
    lookups.length = 0;
    const pin = await resolveCliPin(undefined, checkout, registry(false));
    expect(pin.spec).toBe('file:/home/u/src/create-mcp-prod');
    expect(pin.note).toContain('not from the npm registry');
    expect(lookups).toEqual([]);
  });
});
