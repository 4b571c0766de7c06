import { describe, expect, it } from 'vitest';
import { DEFAULT_DIRECTORY, resolveCreateOptions, type CreateFlags } from '../../src/commands/create/options.js';
import type { PackageManager } from '../../src/commands/create/package-manager.js';
import { CliError } from '../../src/core/errors.js';
import { fakePrompter, type PromptAnswers } from '../helpers/fake-prompter.js';

const cwd = '/work/projects';

function resolve(flags: CreateFlags, options: { interactive: boolean; answers?: PromptAnswers; defaultPackageManager?: PackageManager }) {
  const fake = fakePrompter(options.answers);
  const result = resolveCreateOptions(flags, {
    interactive: options.interactive,
    prompter: fake.prompter,
    cwd,
    defaultPackageManager: options.defaultPackageManager ?? 'npm',
    ownVersion: '1.2.3',
  });
  return { result, fake };
}

async function cliErrorFrom(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('resolveCreateOptions', () => {
  describe('non-interactive', () => {
    it('refuses to guess the directory without --yes', async () => {
      const { result, fake } = resolve({}, { interactive: false });
      const error = await cliErrorFrom(result);
      expect(error.message).toMatch(/missing project directory/i);
      expect(error.hint).toMatch(/argument/);
      expect(error.hint).toContain('create-mcp-prod my-server');
      expect(error.hint).toContain('--yes');
      expect(error.exitCode).toBe(1);
      expect(fake.asked).toEqual([]);
    });

    it('fills every default with --yes', async () => {
      const { result, fake } = resolve({ yes: true }, { interactive: false });
      expect(await result).toEqual({
        directory: DEFAULT_DIRECTORY,
        name: DEFAULT_DIRECTORY,
        transport: 'both',
        store: 'sqlite',
        example: true,
        install: true,
        git: true,
        packageManager: 'npm',
        cliVersion: '1.2.3',
        force: false,
        cwd,
      });
      expect(DEFAULT_DIRECTORY).toBe('my-mcp-server');
      expect(fake.asked).toEqual([]);
    });

    it('uses a given directory and derives the name from its last segment', async () => {
      const { result } = resolve({ directory: 'services/weather-api' }, { interactive: false });
      expect(await result).toMatchObject({ directory: 'services/weather-api', name: 'weather-api' });
    });

    it('keeps every explicit flag', async () => {
      const flags: CreateFlags = {
        directory: 'svc',
        name: '@acme/svc',
        transport: 'stdio',
        store: 'postgres',
        example: false,
        install: false,
        git: false,
        packageManager: 'yarn',
        cliVersion: 'file:/tmp/cli.tgz',
        force: true,
      };
      const { result } = resolve(flags, { interactive: false });
      expect(await result).toEqual({ ...flags, cwd });
    });

    it('rejects a directory name that is not a package name and suggests --name', async () => {
      const { result, fake } = resolve({ directory: 'My Server!' }, { interactive: false });
      const error = await cliErrorFrom(result);
      expect(error.message).toContain('"My Server!" is not a valid npm package name');
      expect(error.hint).toContain('--name my-server');
      expect(fake.asked).toEqual([]);
    });

    it('suggests a fallback name when nothing usable is left of the directory name', async () => {
      const { result } = resolve({ directory: '!!!' }, { interactive: false });
      expect((await cliErrorFrom(result)).hint).toContain('--name mcp-server');
    });

    it('accepts an invalid directory name when --name is given', async () => {
      const { result } = resolve({ directory: 'My Server!', name: 'my-server' }, { interactive: false });
      expect(await result).toMatchObject({ directory: 'My Server!', name: 'my-server' });
    });
  });

  describe('explicit invalid --name', () => {
    it.each([false, true])('is a CliError naming the problem (interactive: %s)', async (interactive) => {
      const { result, fake } = resolve({ directory: 'svc', name: 'Bad Name', transport: 'both', example: true, install: false }, { interactive });
      const error = await cliErrorFrom(result);
      expect(error.message).toContain('"Bad Name" is not a valid npm package name');
      expect(error.message).toMatch(/upper-case/);
      expect(error.hint).toContain('--name');
      expect(fake.asked).toEqual([]);
    });

    it('reports the reserved-name rule', async () => {
      const { result } = resolve({ directory: 'svc', name: 'node_modules', yes: true }, { interactive: false });
      expect((await cliErrorFrom(result)).message).toMatch(/reserved/);
    });
  });

  describe('interactive', () => {
    it('asks for everything no flag gave, with the documented defaults', async () => {
      const { result, fake } = resolve({}, { interactive: true, answers: { directory: 'asked-dir', transport: 'stdio', example: false, install: false } });
      expect(await result).toMatchObject({
        directory: 'asked-dir',
        name: 'asked-dir',
        transport: 'stdio',
        example: false,
        install: false,
      });
      expect(fake.asked).toEqual([
        { prompt: 'directory', defaultValue: 'my-mcp-server' },
        { prompt: 'transport', defaultValue: 'both' },
        { prompt: 'example', defaultValue: true },
        { prompt: 'install', defaultValue: true },
      ]);
    });

    it('asks only for the values the flags left open', async () => {
      const { result, fake } = resolve({ directory: 'svc', transport: 'http' }, { interactive: true, answers: { example: true, install: false } });
      expect(await result).toMatchObject({ directory: 'svc', name: 'svc', transport: 'http', example: true, install: false });
      expect(fake.askedNames()).toEqual(['example', 'install']);
    });

    it('asks nothing when the flags cover every prompt', async () => {
      const { result, fake } = resolve({ directory: 'svc', transport: 'both', example: false, install: true }, { interactive: true });
      expect(await result).toMatchObject({ transport: 'both', example: false, install: true });
      expect(fake.asked).toEqual([]);
    });

    it('never prompts with --yes', async () => {
      const { result, fake } = resolve({ yes: true }, { interactive: true });
      expect(await result).toMatchObject({ directory: 'my-mcp-server', transport: 'both', example: true, install: true, git: true });
      expect(fake.asked).toEqual([]);
    });

    it('with --yes still refuses an invalid directory name instead of prompting', async () => {
      const { result, fake } = resolve({ directory: 'Bad Dir', yes: true }, { interactive: true });
      expect((await cliErrorFrom(result)).hint).toContain('--name bad-dir');
      expect(fake.asked).toEqual([]);
    });

    it('asks for a package name, suggesting one, when the directory name is not valid', async () => {
      const { result, fake } = resolve(
        { directory: 'My Server!', transport: 'both', example: true, install: true },
        { interactive: true, answers: { name: 'chosen-name' } },
      );
      expect(await result).toMatchObject({ directory: 'My Server!', name: 'chosen-name' });
      expect(fake.asked).toEqual([{ prompt: 'name', defaultValue: 'my-server' }]);
    });

    it('suggests mcp-server when the directory name has no usable characters', async () => {
      const { result, fake } = resolve(
        { directory: '???', transport: 'both', example: true, install: true },
        { interactive: true, answers: { name: 'picked' } },
      );
      expect(await result).toMatchObject({ name: 'picked' });
      expect(fake.asked).toEqual([{ prompt: 'name', defaultValue: 'mcp-server' }]);
    });
  });

  describe('fallbacks', () => {
    it('uses the detected package manager and the own version when no flag is given', async () => {
      const { result } = resolve({ directory: 'svc', yes: true }, { interactive: false, defaultPackageManager: 'pnpm' });
      expect(await result).toMatchObject({ packageManager: 'pnpm', cliVersion: '1.2.3', git: true, force: false });
    });

    it('prefers --pm and --cli-version over the fallbacks', async () => {
      const { result } = resolve(
        { directory: 'svc', yes: true, packageManager: 'yarn', cliVersion: '^9.0.0' },
        { interactive: false, defaultPackageManager: 'pnpm' },
      );
      expect(await result).toMatchObject({ packageManager: 'yarn', cliVersion: '^9.0.0' });
    });

    it('rejects an empty --cli-version with a CliError', async () => {
      const { result } = resolve({ directory: 'svc', yes: true, cliVersion: '' }, { interactive: false });
      expect((await cliErrorFrom(result)).exitCode).toBe(1);
    });

    it('names the real flag in the hint for an empty --cli-version', async () => {
      const { result } = resolve({ directory: 'svc', yes: true, cliVersion: '' }, { interactive: false });
      expect((await cliErrorFrom(result)).hint).toContain('--cli-version');
    });
  });
});
