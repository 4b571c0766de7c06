import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/core/errors.js';
import { directoryIsEmpty, writeTreeAtomically } from '../../src/core/write-tree.js';
import { snapshotDir, stagingDirsIn, tempDirs } from '../helpers/temp-dirs.js';

const temp = tempDirs('create-mcp-prod-write-');
afterEach(() => temp.cleanup());

const tree = new Map([
  ['README.md', '# project\n'],
  ['src/index.ts', 'export {};\n'],
  ['.github/workflows/ci.yml', 'name: ci\n'],
]);

async function populate(dir: string, files: Record<string, string>): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the promise to reject');
    },
    (error: unknown) => error,
  );
}

describe('directoryIsEmpty', () => {
  it('treats a missing directory and one holding only .git / OS clutter as empty', async () => {
    const parent = await temp.make();
    expect(directoryIsEmpty(path.join(parent, 'missing'))).toBe(true);
    await populate(parent, { '.git/HEAD': 'ref: refs/heads/main\n', '.DS_Store': '', 'Thumbs.db': '' });
    expect(directoryIsEmpty(parent)).toBe(true);
    await populate(parent, { '.env': 'X=1\n' });
    expect(directoryIsEmpty(parent)).toBe(false);
  });
});

describe('writeTreeAtomically', () => {
  it('creates a new directory with every file of the tree', async () => {
    const parent = await temp.make();
    const target = path.join(parent, 'nested', 'project');
    const result = await writeTreeAtomically(target, tree, { force: false });
    expect(result).toEqual({ overwritten: [] });
    expect(await snapshotDir(target)).toEqual(Object.fromEntries([...tree].map(([file, content]) => [file, Buffer.from(content).toString('base64')])));
    expect(await stagingDirsIn(path.join(parent, 'nested'))).toEqual([]);
  });

  it('writes into an existing empty directory', async () => {
    const target = await temp.make();
    await writeTreeAtomically(target, tree, { force: false });
    expect(await readFile(path.join(target, 'src/index.ts'), 'utf8')).toBe('export {};\n');
  });

  it('refuses a non-empty directory without force and leaves it untouched', async () => {
    const parent = await temp.make();
    const target = path.join(parent, 'project');
    await populate(target, { 'README.md': 'mine\n', 'notes.txt': 'keep\n' });
    const before = await snapshotDir(target);

    const error = await rejection(writeTreeAtomically(target, tree, { force: false }));
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain('is not empty');
    expect((error as CliError).hint).toContain('--force');
    expect(await snapshotDir(target)).toEqual(before);
    expect(await stagingDirsIn(parent)).toEqual([]);
  });

  it('with force overwrites only template files, keeps the rest and reports what it replaced', async () => {
    const parent = await temp.make();
    const target = path.join(parent, 'project');
    await populate(target, { 'README.md': 'old readme\n', 'notes.txt': 'keep me\n', 'src/user.ts': 'user code\n' });

    const result = await writeTreeAtomically(target, tree, { force: true });
    expect(result.overwritten).toEqual(['README.md']);
    expect(await readFile(path.join(target, 'README.md'), 'utf8')).toBe('# project\n');
    expect(await readFile(path.join(target, 'notes.txt'), 'utf8')).toBe('keep me\n');
    expect(await readFile(path.join(target, 'src/user.ts'), 'utf8')).toBe('user code\n');
    expect(await readFile(path.join(target, 'src/index.ts'), 'utf8')).toBe('export {};\n');
    expect(await stagingDirsIn(parent)).toEqual([]);
  });

  it('counts a directory holding only .git as empty and keeps the repository', async () => {
    const parent = await temp.make();
    const target = path.join(parent, 'project');
    await populate(target, { '.git/HEAD': 'ref: refs/heads/main\n' });

    const result = await writeTreeAtomically(target, tree, { force: false });
    expect(result.overwritten).toEqual([]);
    expect(await readFile(path.join(target, '.git/HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(existsSync(path.join(target, '.github/workflows/ci.yml'))).toBe(true);
    expect(await stagingDirsIn(parent)).toEqual([]);
  });

  it('refuses a target that is a file and writes nothing', async () => {
    const parent = await temp.make();
    const target = path.join(parent, 'project');
    await writeFile(target, 'a file\n');
    const before = await snapshotDir(parent);

    const error = await rejection(writeTreeAtomically(target, tree, { force: true }));
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain('is not a directory');
    expect(await snapshotDir(parent)).toEqual(before);
  });

  it('refuses, even with force, when a directory sits where the tree has a file', async () => {
    const parent = await temp.make();
    const target = path.join(parent, 'project');
    await populate(target, { 'README.md/inner.txt': 'x\n', 'notes.txt': 'keep\n' });
    const before = await snapshotDir(target);

    const error = await rejection(writeTreeAtomically(target, tree, { force: true }));
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain('README.md');
    expect(await snapshotDir(target)).toEqual(before);
    expect(await stagingDirsIn(parent)).toEqual([]);
  });

  it('refuses, with force, a file where the tree needs a directory, writing nothing', async () => {
    const parent = await temp.make();
    const target = path.join(parent, 'project');
    await populate(target, { src: 'a file named src\n' });
    const before = await snapshotDir(target);

    const error = await rejection(writeTreeAtomically(target, tree, { force: true }));
    expect(await snapshotDir(target)).toEqual(before);
    expect(await stagingDirsIn(parent)).toEqual([]);
    expect(error).toBeInstanceOf(CliError);
  });

  it('leaves neither the target nor a staging directory behind when a write fails midway', async () => {
    const parent = await temp.make();
    const target = path.join(parent, 'project');
    const broken = new Map([
      ['a.txt', 'written first\n'],
      ['b\0c.txt', 'cannot be written\n'],
      ['d.txt', 'never reached\n'],
    ]);

    await expect(writeTreeAtomically(target, broken, { force: false })).rejects.toThrow(/null bytes/);
    expect(existsSync(target)).toBe(false);
    expect(await stagingDirsIn(parent)).toEqual([]);
  });

  it('leaves an existing directory untouched when a forced write fails while staging', async () => {
    const parent = await temp.make();
    const target = path.join(parent, 'project');
    await populate(target, { 'README.md': 'old\n', 'notes.txt': 'keep\n' });
    const before = await snapshotDir(target);
    const broken = new Map([
      ['README.md', 'new\n'],
      ['b\0c.txt', 'cannot be written\n'],
    ]);

    await expect(writeTreeAtomically(target, broken, { force: true })).rejects.toThrow(/null bytes/);
    expect(await snapshotDir(target)).toEqual(before);
    expect(await stagingDirsIn(parent)).toEqual([]);
  });
});
