/**
 * The layering, checked on the import statements of src/: a command is a leaf (no file under
 * src/commands/<a>/ imports src/commands/<b>/, and nothing but the CLI imports a command), and
 * the shared layers (core, project, reporters, transforms, templates, schema-diff) never import
 * a command or the CLI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const src = path.join(repoRoot, 'src');

function sourceFiles(): string[] {
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

/** Every relative import (static or dynamic) of `file`, resolved to a path under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(src, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.[^'"]+)['"]/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '.ts'));
}

const layerOf = (file: string) => file.split('/')[0]!;
const commandOf = (file: string) => (file.startsWith('commands/') ? file.split('/')[1] : undefined);

describe('import graph of src/', () => {
  const edges = sourceFiles().flatMap((file) => importsOf(file).map((target) => ({ file, target })));

  it('finds the imports it checks', () => {
    expect(edges.length).toBeGreaterThan(100);
  });

  it('no command imports another command', () => {
    const crossing = edges.filter(({ file, target }) => commandOf(file) && commandOf(target) && commandOf(file) !== commandOf(target));
    expect(crossing.map(({ file, target }) => `${file} -> ${target}`)).toEqual([]);
  });

  it('every command lives in its own folder (nothing shared sits directly in src/commands/)', () => {
    expect(sourceFiles().filter((file) => /^commands\/[^/]+\.ts$/.test(file))).toEqual([]);
  });

  it('only the CLI imports commands, and nothing imports the CLI', () => {
    const wrong = edges.filter(
      ({ file, target }) =>
        (layerOf(target) === 'commands' && !['commands', 'cli'].includes(layerOf(file))) || (layerOf(target) === 'cli' && layerOf(file) !== 'cli'),
    );
    expect(wrong.map(({ file, target }) => `${file} -> ${target}`)).toEqual([]);
  });

  it('core imports nothing from the project model, reporters or commands', () => {
    const wrong = edges.filter(({ file, target }) => layerOf(file) === 'core' && ['project', 'reporters', 'commands', 'cli'].includes(layerOf(target)));
    expect(wrong.map(({ file, target }) => `${file} -> ${target}`)).toEqual([]);
  });
});

describe('start-up of the CLI', () => {
  it('names the lockfile as the lockfile module does', async () => {
    const [{ LOCKFILE_FILE }, { LOCKFILE_NAME }] = await Promise.all([import('../../src/project/paths.js'), import('../../src/schema-diff/lockfile.js')]);
    expect(LOCKFILE_FILE).toBe(LOCKFILE_NAME);
  });
});
