import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProject, renderProject } from '../../src/commands/create/index.js';
import { CliError } from '../../src/core/errors.js';
import { fakeUi } from '../helpers/fake-ui.js';
import { createOptions } from '../helpers/options.js';
import { snapshotDir, tempDirs } from '../helpers/temp-dirs.js';

const temp = tempDirs('create-mcp-prod-project-');
afterEach(() => temp.cleanup());

describe('createProject', () => {
  it('writes the rendered tree and reports the files and next steps', async () => {
    const cwd = await temp.make();
    const options = createOptions({ cwd, directory: 'my-server', transport: 'stdio' });
    const { ui, messages } = fakeUi();

    const result = await createProject(options, ui);
    const directory = path.join(cwd, 'my-server');
    expect(result).toMatchObject({ directory, overwritten: [], installed: false, git: 'skipped' });
    expect(result.files).toEqual([...renderProject(options).keys()]);
    for (const file of result.files) expect(existsSync(path.join(directory, file)), file).toBe(true);
    expect(messages).toContainEqual({ kind: 'success', text: `Created my-server in ${directory} (${result.files.length} files)` });
    expect(messages.some((message) => message.kind === 'task' || message.kind === 'warn')).toBe(false);

    expect(result.nextSteps[0]).toBe('cd my-server');
    expect(result.nextSteps[1]).toBe('npm install');
    expect(result.nextSteps.some((step) => step.startsWith('npm start'))).toBe(true);
    expect(result.nextSteps.some((step) => step.startsWith('npm run start:http'))).toBe(false);
  });

  it('quotes a directory with spaces and uses the chosen package manager in the next steps', async () => {
    const cwd = await temp.make();
    const options = createOptions({ cwd, directory: 'my server', name: 'my-server', packageManager: 'pnpm', transport: 'http' });
    const result = await createProject(options, fakeUi().ui);
    expect(result.nextSteps[0]).toBe('cd "my server"');
    expect(result.nextSteps).toContain('pnpm install');
    expect(result.nextSteps.some((step) => step.startsWith('pnpm run start:http'))).toBe(true);
    expect(result.nextSteps.some((step) => step.startsWith('pnpm start '))).toBe(false);
  });

  it('says "cd ." when the project is the current directory', async () => {
    const cwd = await temp.make();
    const result = await createProject(createOptions({ cwd, directory: '.', name: 'here' }), fakeUi().ui);
    expect(result.nextSteps[0]).toBe('cd .');
    expect(JSON.parse(await readFile(path.join(cwd, 'package.json'), 'utf8'))).toMatchObject({ name: 'here' });
  });

  it('refuses a non-empty directory before rendering and leaves it alone', async () => {
    const cwd = await temp.make();
    const directory = path.join(cwd, 'my-server');
    await mkdir(directory);
    await writeFile(path.join(directory, 'notes.txt'), 'mine\n');
    const before = await snapshotDir(cwd);

    await expect(createProject(createOptions({ cwd }), fakeUi().ui)).rejects.toBeInstanceOf(CliError);
    expect(await snapshotDir(cwd)).toEqual(before);
  });

  it('with force warns about the files it overwrote', async () => {
    const cwd = await temp.make();
    const directory = path.join(cwd, 'my-server');
    await mkdir(directory);
    await writeFile(path.join(directory, 'README.md'), 'old\n');
    await writeFile(path.join(directory, 'notes.txt'), 'keep\n');
    const { ui, messages } = fakeUi();

    const result = await createProject(createOptions({ cwd, force: true }), ui);
    expect(result.overwritten).toEqual(['README.md']);
    expect(messages).toContainEqual({ kind: 'warn', text: 'Overwrote 1 existing file(s): README.md' });
    expect(await readFile(path.join(directory, 'notes.txt'), 'utf8')).toBe('keep\n');
  });
});
