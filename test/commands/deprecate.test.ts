import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { deprecate, removeTool, type DeprecateOptions, type RemoveOptions } from '../../src/commands/deprecate/index.js';
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
  template = await generateProjectTemplate('mcp-prod-deprecate-');
});
afterAll(() => template?.cleanup());
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Pins "today" for the commands (and for the project's own deprecation code). */
const setToday = (day: string) => vi.stubEnv('MCP_PROD_NOW', day);

const REGISTRY = 'src/tools/index.ts';
const SEARCH = 'src/tools/search-notes.ts';
const SEARCH_TEST = 'test/tools/search-notes.test.ts';

/**
 * A project with find_notes next to search_notes (a copy of it under another name, registered by
 * hand and not locked), so that search_notes can be deprecated in its favour.
 */
function projectWithReplacement(): ProjectCopy {
  const copy = copyProject(template);
  copy.write('src/tools/find-notes.ts', copy.read(SEARCH).replace("name: 'search_notes',", "name: 'find_notes',"));
  copy.edit(REGISTRY, "import searchNotes from './search-notes.js';", "import findNotes from './find-notes.js';\nimport searchNotes from './search-notes.js';");
  copy.edit(REGISTRY, '[createNote, deleteNote, searchNotes]', '[createNote, deleteNote, findNotes, searchNotes]');
  copy.write(SEARCH_TEST, "import { it } from 'vitest';\n\nit.todo('search_notes');\n");
  return copy;
}

async function runDeprecate(copy: ProjectCopy, options: Partial<DeprecateOptions>) {
  const output = captureOutput();
  await deprecate(copy.project, { tool: 'search_notes', replacement: 'find_notes', dryRun: false, ...options }, output.out);
  return output.text();
}

async function runRemove(copy: ProjectCopy, options: Partial<RemoveOptions> = {}) {
  const output = captureOutput();
  await removeTool(copy.project, { tool: 'search_notes', force: false, dryRun: false, ...options }, output.out);
  return output.text();
}

/** search_notes deprecated on 2026-12-01: refused from 2026-12-31, removable from 2027-01-30. */
async function deprecatedProject(): Promise<ProjectCopy> {
  const copy = projectWithReplacement();
  setToday('2026-12-01');
  await runDeprecate(copy, {});
  return copy;
}

describe('deprecate', () => {
  it('inserts the deprecated property after the version and records the notice in the lockfile', async () => {
    const copy = projectWithReplacement();
    const original = copy.read(SEARCH);
    setToday('2026-12-01');

    const output = await runDeprecate(copy, {});

    expect(copy.read(SEARCH)).toBe(
      original.replace("version: '1.0.0',\n", "version: '1.0.0',\n  deprecated: { since: '2026-12-01', replacement: 'find_notes' },\n"),
    );
    expect(copy.lockEntry('search_notes')!.deprecated).toEqual({
      since: '2026-12-01',
      replacement: 'find_notes',
      refuseAfter: '2026-12-31',
      removeAfter: '2027-01-30',
    });
    expect(copy.lockEntry('search_notes')!.version).toBe('1.0.0');
    expect(output).toContain(`UPDATE ${SEARCH}\n`);
    expect(output).toContain(`UPDATE ${LOCKFILE_NAME}\n`);
    expect(output).toContain(
      'search_notes now carries a deprecation notice pointing at find_notes. Calls are refused from 2026-12-31; from 2027-01-30 remove it with: mcp-prod deprecate search_notes --remove',
    );
  });

  it('writes every field it is given, quoting the reason safely', async () => {
    const copy = projectWithReplacement();
    const reason = "find_notes searches the caller's tags too";

    await runDeprecate(copy, { since: '2026-12-01', refuseAfter: '2027-01-15', removeAfter: '2027-03-01', reason });

    expect(copy.read(SEARCH)).toContain(
      "  deprecated: { since: '2026-12-01', replacement: 'find_notes', refuseAfter: '2027-01-15', removeAfter: '2027-03-01', reason: 'find_notes searches the caller\\'s tags too' },\n",
    );
    expect(copy.lockEntry('search_notes')!.deprecated).toEqual({
      since: '2026-12-01',
      replacement: 'find_notes',
      refuseAfter: '2027-01-15',
      removeAfter: '2027-03-01',
      reason,
    });
  });

  it('a second run says there is nothing to do and writes nothing', async () => {
    const copy = await deprecatedProject();
    const before = hashTree(copy.root);

    const output = await runDeprecate(copy, {});

    expect(output).toBe('Nothing to do: search_notes is already deprecated that way.\n');
    expect(hashTree(copy.root)).toEqual(before);
  });

  // `since` defaults to today, so the same command run again on a later day rewrites the notice
  // and moves refuseAfter and removeAfter later, for a deprecation clients have already been shown.
  it('a second run on a later day without --since keeps the published dates', async () => {
    const copy = await deprecatedProject();
    const before = hashTree(copy.root);
    setToday('2026-12-05');

    const output = await runDeprecate(copy, {});

    expect(hashTree(copy.root)).toEqual(before);
    expect(output).toContain('Nothing to do');
  });

  it('--dry-run leaves the project byte-identical and prints the diff', async () => {
    const copy = projectWithReplacement();
    setToday('2026-12-01');
    const before = hashTree(copy.root);

    const output = await runDeprecate(copy, { dryRun: true });

    expect(hashTree(copy.root)).toEqual(before);
    expect(output).toContain(`UPDATE ${SEARCH}\n`);
    expect(output).toContain(`+++ b/${SEARCH}\n`);
    expect(output).toContain("+  deprecated: { since: '2026-12-01', replacement: 'find_notes' },\n");
    expect(output).toContain('NOTE: --dry-run: nothing was written.');
  });

  it.each([
    ['a replacement that does not exist', { replacement: 'find_notes_v2' }, 'The replacement find_notes_v2 is not a registered tool.'],
    [
      'the tool itself as replacement',
      { replacement: 'search_notes' },
      '--replacement: search_notes cannot replace itself; name the tool callers should move to',
    ],
    ['a tool that does not exist', { tool: 'get_weather' }, 'No tool named get_weather in src/tools.'],
    ['a --since that is not a calendar date', { since: '2026-02-30' }, '--since: not a date; use YYYY-MM-DD (UTC)'],
    ['a --since that is not YYYY-MM-DD', { since: '2026-1-5' }, '--since: not a date; use YYYY-MM-DD (UTC)'],
    ['a --refuse-after that is not a date', { refuseAfter: 'next month' }, '--refuse-after: not a date; use YYYY-MM-DD (UTC)'],
    ['a --remove-after that is not a date', { removeAfter: '2027-13-01' }, '--remove-after: not a date; use YYYY-MM-DD (UTC)'],
    ['a --refuse-after before --since', { since: '2026-12-01', refuseAfter: '2026-11-30' }, '--refuse-after: is before --since'],
    [
      'a --remove-after before --refuse-after',
      { since: '2026-12-01', refuseAfter: '2027-01-01', removeAfter: '2026-12-31' },
      '--remove-after: is before --refuse-after',
    ],
  ])('refuses %s and writes nothing', async (_, options: Partial<DeprecateOptions>, message) => {
    const copy = projectWithReplacement();
    setToday('2026-12-01');
    const before = hashTree(copy.root);

    const error = await cliErrorOf(() => runDeprecate(copy, options));

    expect(error.message).toBe(message);
    expect(hashTree(copy.root)).toEqual(before);
  });

  it('refuses a replacement that is deprecated itself, naming where it points', async () => {
    const copy = await deprecatedProject();
    const before = hashTree(copy.root);

    const error = await cliErrorOf(() => runDeprecate(copy, { tool: 'create_note', replacement: 'search_notes' }));

    expect(error.message).toBe('The replacement search_notes is deprecated itself (in favour of find_notes).');
    expect(error.hint).toBe('Point callers at find_notes instead.');
    expect(hashTree(copy.root)).toEqual(before);
  });
});

describe('deprecate --remove', () => {
  it('refuses a tool that is not deprecated', async () => {
    const copy = projectWithReplacement();
    const before = hashTree(copy.root);

    const error = await cliErrorOf(() => runRemove(copy));

    expect(error.message).toBe('search_notes is not deprecated, so removing it would break its callers without warning.');
    expect(error.hint).toBe('Deprecate it first: mcp-prod deprecate search_notes --replacement <tool>');
    expect(hashTree(copy.root)).toEqual(before);
  });

  it('refuses before removeAfter', async () => {
    const copy = await deprecatedProject();
    setToday('2027-01-29');
    const before = hashTree(copy.root);

    const error = await cliErrorOf(() => runRemove(copy));

    expect(error.message).toBe('search_notes may be removed from 2027-01-30; today is 2027-01-29.');
    expect(error.hint).toContain('--force');
    expect(hashTree(copy.root)).toEqual(before);
  });

  it('removes the registry entry, the import, the module and its test from removeAfter, and leaves a tombstone', async () => {
    const copy = await deprecatedProject();
    const locked = copy.lockEntry('search_notes')!;
    setToday('2027-01-30');

    const output = await runRemove(copy);

    expect(output).toBe(
      [
        'DELETE evals/search-notes.eval.ts',
        `UPDATE ${LOCKFILE_NAME}`,
        `UPDATE ${REGISTRY}`,
        `DELETE ${SEARCH}`,
        `DELETE ${SEARCH_TEST}`,
        '',
        `Removed search_notes; ${LOCKFILE_NAME} keeps a tombstone so check knows the removal was deliberate.`,
        '',
      ].join('\n'),
    );
    const registry = copy.read(REGISTRY);
    expect(registry).not.toContain('searchNotes');
    expect(registry).not.toContain('./search-notes.js');
    expect(registry).toContain("import findNotes from './find-notes.js';\n");
    expect(registry).toContain('export const tools: AnyTool[] = [createNote, deleteNote, findNotes];\n');
    expect(copy.exists(SEARCH)).toBe(false);
    expect(copy.exists(SEARCH_TEST)).toBe(false);
    expect(copy.lockEntry('search_notes')).toEqual({ ...locked, removedAt: '2027-01-30' });
  });

  // The generated registry imports search-notes last; removing it also removes the blank line
  // between the imports and the registry's doc comment.
  it('removing the tool imported last keeps the rest of the registry byte for byte', async () => {
    const copy = await deprecatedProject();
    const expected = copy.read(REGISTRY).replace("import searchNotes from './search-notes.js';\n", '').replace(', searchNotes]', ']');
    setToday('2027-01-30');

    await runRemove(copy);

    expect(copy.read(REGISTRY)).toBe(expected);
  });

  it('--force removes it before removeAfter', async () => {
    const copy = await deprecatedProject();
    setToday('2026-12-02');

    await runRemove(copy, { force: true });

    expect(copy.exists(SEARCH)).toBe(false);
    expect(copy.read(REGISTRY)).not.toContain('searchNotes');
    expect(copy.lockEntry('search_notes')!.removedAt).toBe('2026-12-02');
  });

  it('--keep-as keeps the module at the given path', async () => {
    const copy = await deprecatedProject();
    const module = copy.read(SEARCH);
    setToday('2027-02-01');

    const output = await runRemove(copy, { keepAs: 'src/legacy/search-notes.ts' });

    expect(output).toContain('CREATE src/legacy/search-notes.ts\n');
    expect(copy.read('src/legacy/search-notes.ts')).toBe(module);
    expect(copy.exists(SEARCH)).toBe(false);
    expect(copy.read(REGISTRY)).not.toContain('searchNotes');
    expect(copy.lockEntry('search_notes')!.removedAt).toBe('2027-02-01');
    expect(await runRemove(copy)).toBe('Nothing to do: search_notes was removed on 2027-02-01.\n');
  });

  it('refuses a --keep-as path that exists, writing nothing', async () => {
    const copy = await deprecatedProject();
    setToday('2027-02-01');
    const before = hashTree(copy.root);

    const error = await cliErrorOf(() => runRemove(copy, { keepAs: 'src/tools/create-note.ts' }));

    expect(error.message).toBe('--keep-as src/tools/create-note.ts: that file exists already.');
    expect(hashTree(copy.root)).toEqual(before);
  });

  // The kept module still says name: 'search_notes', so the second run finds it under src/tools
  // (before looking at the tombstone) and tries to load it from its new place, where its
  // relative imports no longer resolve: "Could not load src/tools/legacy/search-notes.ts: Cannot find module ...".
  it('a second run says nothing to do when --keep-as put the module under src/tools', async () => {
    const copy = await deprecatedProject();
    setToday('2027-02-01');
    await runRemove(copy, { keepAs: 'src/tools/legacy/search-notes.ts' });

    expect(await runRemove(copy)).toBe('Nothing to do: search_notes was removed on 2027-02-01.\n');
  });

  it('a second run says there is nothing to do', async () => {
    const copy = await deprecatedProject();
    setToday('2027-01-30');
    await runRemove(copy);
    const before = hashTree(copy.root);

    expect(await runRemove(copy)).toBe('Nothing to do: search_notes was removed on 2027-01-30.\n');
    expect(hashTree(copy.root)).toEqual(before);
  });

  it('--dry-run leaves the project byte-identical and lists the deletions', async () => {
    const copy = await deprecatedProject();
    setToday('2027-01-30');
    const before = hashTree(copy.root);

    const output = await runRemove(copy, { dryRun: true });

    expect(hashTree(copy.root)).toEqual(before);
    expect(output).toContain(`DELETE ${SEARCH}\nDELETE ${SEARCH_TEST}\n`);
    expect(output).toContain(`--- a/${SEARCH}\n+++ /dev/null\n`);
    expect(output).toContain("-import searchNotes from './search-notes.js';\n");
    expect(output).toContain('NOTE: --dry-run: nothing was written.');
    expect(output).not.toContain('Removed search_notes');
  });

  it('refuses a tool that never existed', async () => {
    const copy = projectWithReplacement();
    expect((await cliErrorOf(() => runRemove(copy, { tool: 'get_weather' }))).message).toBe('No tool named get_weather in src/tools.');
  });
});
