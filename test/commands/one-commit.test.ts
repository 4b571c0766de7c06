/**
 * The reproduced defects of issue 13 at command level: a writing command either commits its
 * whole change (tool files and lockfile together) or leaves the project byte-identical, and a
 * mistake in the user's input or project is a CliError (exit 1), never a crash.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { addTool } from '../../src/commands/add-tool/index.js';
import { resolveAddToolOptions, type AddToolFlags } from '../../src/commands/add-tool/prompts.js';
import { bump } from '../../src/commands/bump/index.js';
import { check } from '../../src/commands/check/index.js';
import { deprecate, removeTool, type RemoveOptions } from '../../src/commands/deprecate/index.js';
import { lock } from '../../src/commands/lock/index.js';
import type { CliError } from '../../src/core/errors.js';
import { LOCKFILE_NAME } from '../../src/schema-diff/lockfile.js';
import {
  captureOutput,
  cliErrorOf,
  copyProject,
  generateProjectTemplate,
  hashTree,
  type ProjectCopy,
  type ProjectTemplate,
} from '../helpers/generated-project.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 300_000 });

let template: ProjectTemplate;
beforeAll(async () => {
  template = await generateProjectTemplate('mcp-prod-one-commit-');
});
afterAll(() => template?.cleanup());
afterEach(() => vi.unstubAllEnvs());

const SEARCH = 'src/tools/search-notes.ts';
const REGISTRY = 'src/tools/index.ts';
const setToday = (day: string) => vi.stubEnv('MCP_PROD_NOW', day);

async function addToolIn(copy: ProjectCopy, flags: AddToolFlags) {
  const output = captureOutput();
  const result = await addTool(copy.project, await resolveAddToolOptions(flags, false), output.out);
  return { result, output: output.text() };
}

async function removeSearchNotes(copy: ProjectCopy, options: Partial<RemoveOptions> = {}) {
  const output = captureOutput();
  await removeTool(copy.project, { tool: 'search_notes', force: true, dryRun: false, ...options }, output.out);
  return output.text();
}

/** Runs `work`, expecting a user error (exit 1) and a project left byte for byte as it was. */
async function refusedWithoutWriting(copy: ProjectCopy, work: () => Promise<unknown>): Promise<CliError> {
  const before = hashTree(copy.root);
  const error = await cliErrorOf(work);
  expect(error.exitCode, error.message).toBe(1);
  expect(hashTree(copy.root)).toEqual(before);
  return error;
}

describe('deprecate', () => {
  it('refuses a --remove-after before the default refuse-after date before writing anything', async () => {
    const copy = copyProject(template);
    setToday('2026-12-01');
    const error = await refusedWithoutWriting(copy, () =>
      deprecate(copy.project, { tool: 'search_notes', replacement: 'create_note', removeAfter: '2026-12-11', dryRun: false }, captureOutput().out),
    );
    expect(error.message).toMatch(/removeAfter is before .*refuseAfter/);
  });

  it.each([
    [
      'export const x = defineTool(...) with export default x',
      (copy: ProjectCopy) => {
        copy.edit(SEARCH, 'export default defineTool({', 'export const searchNotes = defineTool({');
        copy.write(SEARCH, `${copy.read(SEARCH)}\nexport default searchNotes;\n`);
      },
    ],
    [
      'a named export the registry imports by name',
      (copy: ProjectCopy) => {
        copy.edit(SEARCH, 'export default defineTool({', 'export const searchNotes = defineTool({');
        copy.edit(REGISTRY, "import searchNotes from './search-notes.js';", "import { searchNotes } from './search-notes.js';");
      },
    ],
  ])('deprecates and bumps a tool declared as %s, lockfile included', async (_shape, reshape) => {
    const copy = copyProject(template);
    reshape(copy);
    setToday('2026-12-01');
    await deprecate(copy.project, { tool: 'search_notes', replacement: 'create_note', dryRun: false }, captureOutput().out);
    expect(copy.read(SEARCH)).toContain("deprecated: { since: '2026-12-01', replacement: 'create_note' }");
    expect(copy.lockEntry('search_notes')!.deprecated).toMatchObject({ replacement: 'create_note' });

    await bump(copy.project, { tool: 'search_notes', level: 'minor', all: false, dryRun: false }, captureOutput().out);
    expect(copy.read(SEARCH)).toContain("version: '1.1.0'");
    expect(copy.lockEntry('search_notes')!.version).toBe('1.1.0');
  });

  it('removes a tool the registry imports by name', async () => {
    const copy = copyProject(template);
    copy.edit(SEARCH, 'export default defineTool({', 'export const searchNotes = defineTool({');
    copy.edit(REGISTRY, "import searchNotes from './search-notes.js';", "import { searchNotes } from './search-notes.js';");
    setToday('2026-12-01');
    await deprecate(copy.project, { tool: 'search_notes', replacement: 'create_note', dryRun: false }, captureOutput().out);
    await removeSearchNotes(copy);
    expect(copy.exists(SEARCH)).toBe(false);
    expect(copy.read(REGISTRY)).not.toContain('searchNotes');
    expect(copy.lockEntry('search_notes')!.removedAt).toBe('2026-12-01');
  });

  it('--dry-run shows the lockfile diff too', async () => {
    const copy = copyProject(template);
    setToday('2026-12-01');
    const output = captureOutput();
    const before = hashTree(copy.root);
    await deprecate(copy.project, { tool: 'search_notes', replacement: 'create_note', dryRun: true }, output.out);
    expect(hashTree(copy.root)).toEqual(before);
    expect(output.text()).toContain(`UPDATE ${LOCKFILE_NAME}\n`);
    expect(output.text()).toContain(`+++ b/${LOCKFILE_NAME}`);
    expect(output.text()).toMatch(/\+\s+"removeAfter": "2027-01-30"/);
  });

  it('--remove on a truncated lockfile is a user error with a restore hint', async () => {
    const copy = copyProject(template);
    copy.write(LOCKFILE_NAME, copy.read(LOCKFILE_NAME).slice(0, 200));
    const error = await refusedWithoutWriting(copy, () => removeSearchNotes(copy));
    expect(error.hint).toContain(`Restore ${LOCKFILE_NAME} from git`);
  });

  it.each([['an absolute path inside the project', (root: string) => path.join(root, 'archive', 'search-notes.ts'), 'archive/search-notes.ts']])(
    '--keep-as with %s writes where it says',
    async (_kind, keepAs, written) => {
      const copy = copyProject(template);
      setToday('2026-12-01');
      await deprecate(copy.project, { tool: 'search_notes', replacement: 'create_note', dryRun: false }, captureOutput().out);
      const output = await removeSearchNotes(copy, { keepAs: keepAs(copy.root) });
      expect(output).toContain(`CREATE ${written}\n`);
      expect(copy.exists(written)).toBe(true);
    },
  );

  it.each([
    ['a path outside the project', () => '../outside.ts'],
    ['an absolute path outside the project', () => path.join(path.sep, 'tmp', 'mcp-prod-outside.ts')],
  ])('--keep-as refuses %s before writing anything', async (_kind, keepAs) => {
    const copy = copyProject(template);
    setToday('2026-12-01');
    await deprecate(copy.project, { tool: 'search_notes', replacement: 'create_note', dryRun: false }, captureOutput().out);
    const error = await refusedWithoutWriting(copy, () => removeSearchNotes(copy, { keepAs: keepAs() }));
    expect(error.message).toContain('--keep-as');
    expect(error.message).toContain('inside the project');
  });
});

describe('add-tool', () => {
  it('writes nothing and exits 1 when src/contract.ts fails to load', async () => {
    const copy = copyProject(template);
    copy.write('src/contract.ts', `${copy.read('src/contract.ts')}\nthrow new Error('broken on purpose');\n`);
    const error = await refusedWithoutWriting(copy, () => addToolIn(copy, { name: 'get_weather', scopes: ['weather:read'] }));
    expect(error.message).toContain('broken on purpose');
  });

  it('records the new tool in the lockfile in the same commit, and --dry-run shows that lockfile diff', async () => {
    const copy = copyProject(template);
    const before = hashTree(copy.root);
    const dry = await addToolIn(copy, { name: 'get_weather', scopes: ['weather:read'], dryRun: true });
    expect(hashTree(copy.root)).toEqual(before);
    expect(dry.output).toContain(`UPDATE ${LOCKFILE_NAME}\n`);
    expect(dry.output).toMatch(/\+\s+"get_weather": \{/);
    expect(dry.output).not.toContain('once the files exist');
  });

  it('refuses to reuse the name of a removed tool, naming the fix', async () => {
    const copy = copyProject(template);
    setToday('2026-12-01');
    await deprecate(copy.project, { tool: 'search_notes', replacement: 'create_note', dryRun: false }, captureOutput().out);
    await removeSearchNotes(copy);
    const error = await refusedWithoutWriting(copy, () => addToolIn(copy, { name: 'search_notes', scopes: ['notes:read'] }));
    expect(error.message).toContain('search_notes was removed on 2026-12-01');
    expect(error.hint).toMatch(/another name|--version 2\.0\.0/);
  });
  it('lets a new major take a removed name, continuing its history', async () => {
    const copy = copyProject(template);
    setToday('2026-12-01');
    await deprecate(copy.project, { tool: 'search_notes', replacement: 'create_note', dryRun: false }, captureOutput().out);
    await removeSearchNotes(copy);
    await addToolIn(copy, { name: 'search_notes', scopes: ['notes:read'], version: '2.0.0' });
    const entry = copy.lockEntry('search_notes')!;
    expect(entry.version).toBe('2.0.0');
    expect(entry.removedAt).toBeUndefined();
    expect(entry.history['1']).toMatchObject({ version: '1.0.0' });
    const report = await check(copy.project, { reporter: 'text', write: () => {} });
    expect(report.ok).toBe(true);
  });
});

describe('bump', () => {
  it('a tool file with a syntax error is a user error and writes nothing', async () => {
    const copy = copyProject(template);
    copy.edit(SEARCH, "version: '1.0.0',", "version: '1.0.0',,,");
    const error = await refusedWithoutWriting(copy, () =>
      bump(copy.project, { tool: 'search_notes', level: 'patch', all: false, dryRun: false }, captureOutput().out),
    );
    expect(error.message).toContain(SEARCH);
  });
});

describe('a corrupt lockfile', () => {
  const truncate = (copy: ProjectCopy) => copy.write(LOCKFILE_NAME, copy.read(LOCKFILE_NAME).slice(0, 200));

  it.each([
    ['lock', (copy: ProjectCopy) => lock(copy.project, { force: false, dryRun: false, write: () => {} })],
    ['check', (copy: ProjectCopy) => check(copy.project, { reporter: 'text', write: () => {} })],
    ['bump', (copy: ProjectCopy) => bump(copy.project, { all: true, dryRun: false }, captureOutput().out)],
  ])('%s exits 1 with the restore hint', async (_command, run) => {
    const copy = copyProject(template);
    truncate(copy);
    const error = await refusedWithoutWriting(copy, () => run(copy));
    expect(error.hint).toContain(`Restore ${LOCKFILE_NAME} from git`);
  });
});

describe('lock --dry-run', () => {
  it('prints the lockfile diff and writes nothing', async () => {
    const copy = copyProject(template);
    copy.edit(SEARCH, 'description: "Search the caller\'s notes', 'description: "Search all of the caller\'s notes');
    copy.edit(SEARCH, "version: '1.0.0',", "version: '1.0.1',");
    const chunks: string[] = [];
    const before = hashTree(copy.root);
    await lock(copy.project, { force: false, dryRun: true, write: (text) => void chunks.push(text) });
    expect(hashTree(copy.root)).toEqual(before);
    expect(chunks.join('')).toContain(`UPDATE ${LOCKFILE_NAME}\n`);
    expect(chunks.join('')).toMatch(/\+\s+"version": "1\.0\.1"/);
  });
});
