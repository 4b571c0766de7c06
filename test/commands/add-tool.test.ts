import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addTool } from '../../src/commands/add-tool/index.js';
import { SCOPE_RULE, TOOL_NAME_RULE } from '../../src/commands/add-tool/options.js';
import { resolveAddToolOptions, type AddToolFlags } from '../../src/commands/add-tool/prompts.js';
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
  template = await generateProjectTemplate('mcp-prod-add-tool-');
});
afterAll(() => template?.cleanup());

const REGISTRY = 'src/tools/index.ts';

/** Resolves the flags as the CLI does without a terminal, then runs add-tool. */
async function runAddTool(copy: ProjectCopy, flags: AddToolFlags) {
  const output = captureOutput();
  const result = await addTool(copy.project, await resolveAddToolOptions(flags, false), output.out);
  return { result, output: output.text() };
}

describe('add-tool', () => {
  it('writes the tool module and its test, registers it and locks a read-only tool without idempotency', async () => {
    const copy = copyProject(template);
    const searchNotesEntry = copy.lockEntry('search_notes');
    const { result, output } = await runAddTool(copy, { name: 'get_weather', scopes: ['weather:read'], description: 'Current weather for a city.' });

    expect(result).toEqual({ toolFile: 'src/tools/get-weather.ts', changed: true });
    expect(output).toContain('CREATE src/tools/get-weather.ts\n');
    expect(output).toContain('CREATE test/tools/get-weather.test.ts\n');
    expect(output).toContain('CREATE evals/get-weather.eval.ts\n');
    expect(copy.read('evals/get-weather.eval.ts')).toContain("export default defineEvals('get_weather', []);");
    expect(output).toContain(`UPDATE ${REGISTRY}\n`);
    expect(output).toContain('UPDATE mcp-tools.lock.json\n');
    expect(output).toContain('Added get_weather 1.0.0.');

    const module = copy.read('src/tools/get-weather.ts');
    expect(module).toContain("name: 'get_weather',");
    expect(module).toContain("version: '1.0.0',");
    expect(module).toContain("description: 'Current weather for a city.',");
    expect(module).toContain("scopes: ['weather:read'],");
    expect(module).toContain('readOnly: true,');
    expect(module).toContain("idempotency: 'none',");
    expect(module).not.toContain('destructive');

    const test = copy.read('test/tools/get-weather.test.ts');
    expect(test).toContain("import tool from '../../src/tools/get-weather.js';");
    expect(test).toContain("name: 'get_weather',");

    // Sorted imports and a sorted array stay sorted; nothing else in the file moves.
    expect(copy.read(REGISTRY)).toBe(
      [
        "import type { AnyTool } from '../platform/tool.js';",
        "import createNote from './create-note.js';",
        "import deleteNote from './delete-note.js';",
        "import getWeather from './get-weather.js';",
        "import searchNotes from './search-notes.js';",
        '',
        '/** The registry: every tool the server exposes, listed once. `mcp-prod add-tool` edits this array. */',
        'export const tools: AnyTool[] = [createNote, deleteNote, getWeather, searchNotes];',
        '',
      ].join('\n'),
    );

    expect(copy.lockEntry('get_weather')).toMatchObject({
      version: '1.0.0',
      description: 'Current weather for a city.',
      scopes: ['weather:read'],
      readOnly: true,
      idempotency: 'none',
      deprecated: null,
      history: {},
      inputSchema: { properties: { query: { type: 'string', maxLength: 500 } }, required: ['query'] },
    });
    expect(copy.lockEntry('get_weather')!.inputSchema.properties).not.toHaveProperty('idempotencyKey');
    // The other tools' entries are left alone.
    expect(copy.lockEntry('search_notes')).toEqual(searchNotesEntry);
  });

  it('locks a mutating tool with required idempotency keys', async () => {
    const copy = copyProject(template);
    await runAddTool(copy, { name: 'archive_note', scopes: ['notes:write'], kind: 'mutating' });

    const module = copy.read('src/tools/archive-note.ts');
    expect(module).toContain('readOnly: false,');
    expect(module).toContain("idempotency: 'required',");
    expect(module).not.toContain('destructive');
    expect(copy.read('test/tools/archive-note.test.ts')).toContain("_meta: { 'mcp-prod/idempotencyKey': newKey() },");
    expect(copy.lockEntry('archive_note')).toMatchObject({ version: '1.0.0', scopes: ['notes:write'], readOnly: false, idempotency: 'required' });
    expect(copy.lockEntry('archive_note')!.inputSchema.properties).toHaveProperty('idempotencyKey');
  });

  it('marks a destructive tool in its module; its contract is that of a mutating tool', async () => {
    const copy = copyProject(template);
    await runAddTool(copy, { name: 'purge_notes', scopes: ['notes:admin'], kind: 'destructive', version: '2.1.0' });
    await runAddTool(copy, { name: 'archive_note', scopes: ['notes:admin'], kind: 'mutating', version: '2.1.0' });

    const module = copy.read('src/tools/purge-notes.ts');
    expect(module).toContain('readOnly: false,\n  destructive: true,\n');
    expect(module).toContain("idempotency: 'required',");
    const purge = copy.lockEntry('purge_notes')!;
    const archive = copy.lockEntry('archive_note')!;
    expect(purge).toMatchObject({ version: '2.1.0', scopes: ['notes:admin'], readOnly: false, idempotency: 'required' });
    expect(purge.inputSchema).toEqual(archive.inputSchema);
  });

  it('running it again with the same options writes nothing and says so', async () => {
    const copy = copyProject(template);
    const flags: AddToolFlags = { name: 'get_weather', scopes: ['weather:read'], description: 'Current weather for a city.' };
    await runAddTool(copy, flags);
    const before = hashTree(copy.root);

    const { result, output } = await runAddTool(copy, flags);

    expect(result).toEqual({ toolFile: 'src/tools/get-weather.ts', changed: false });
    expect(output).toBe('Nothing to do: get_weather already exists in src/tools/get-weather.ts, is registered and locked.\n');
    expect(hashTree(copy.root)).toEqual(before);
  });

  it.each([
    ['an example tool', { name: 'search_notes', scopes: ['notes:read'] }, 'src/tools/search-notes.ts'],
    ['a tool it added, with another scope', { name: 'get_weather', scopes: ['weather:admin'] }, 'src/tools/get-weather.ts'],
    ['a tool it added, as another kind', { name: 'get_weather', scopes: ['weather:read'], kind: 'mutating' as const }, 'src/tools/get-weather.ts'],
  ])('refuses an existing name with different options (%s), naming its file', async (_, flags, file) => {
    const copy = copyProject(template);
    await runAddTool(copy, { name: 'get_weather', scopes: ['weather:read'] });
    const before = hashTree(copy.root);

    const error = await cliErrorOf(() => runAddTool(copy, flags));

    expect(error.message).toBe(`A tool named ${flags.name} already exists in ${file}.`);
    expect(error.hint).toContain('Choose another name');
    expect(hashTree(copy.root)).toEqual(before);
  });

  it('refuses a name whose file is taken by another tool', async () => {
    const copy = copyProject(template);
    const before = hashTree(copy.root);
    const error = await cliErrorOf(() => runAddTool(copy, { name: 'search.notes', scopes: ['notes:read'] }));
    expect(error.message).toBe('src/tools/search-notes.ts already exists and is not the search.notes tool add-tool would write.');
    expect(hashTree(copy.root)).toEqual(before);
  });

  it('stops before writing anything when the registry cannot be edited, naming the file', async () => {
    const copy = copyProject(template);
    copy.edit(
      REGISTRY,
      'export const tools: AnyTool[] = [createNote, deleteNote, searchNotes];',
      'const base = [createNote, deleteNote];\nexport const tools: AnyTool[] = [...base, searchNotes];',
    );
    const before = hashTree(copy.root);

    const error = await cliErrorOf(() => runAddTool(copy, { name: 'get_weather', scopes: ['weather:read'] }));

    expect(error.message).toBe(`Cannot update ${REGISTRY}: The registry in index.ts is built dynamically (...base).`);
    expect(error.hint).toBe('Register the tool by hand.');
    expect(hashTree(copy.root)).toEqual(before);
  });

  it('refuses a project without a registry file', async () => {
    const copy = copyProject(template);
    rmSync(path.join(copy.root, REGISTRY));
    const before = hashTree(copy.root);

    const error = await cliErrorOf(() => runAddTool(copy, { name: 'get_weather', scopes: ['weather:read'] }));

    expect(error.message).toBe(`${REGISTRY} does not exist.`);
    expect(hashTree(copy.root)).toEqual(before);
  });

  it.each([
    ['a name with a space', { name: 'get weather', scopes: ['weather:read'] }, `the tool name: ${TOOL_NAME_RULE}`],
    ['a name longer than 128 characters', { name: 'x'.repeat(129), scopes: ['weather:read'] }, `the tool name: ${TOOL_NAME_RULE}`],
    ['a scope with a space', { name: 'get_weather', scopes: ['weather read'] }, `--scope: ${SCOPE_RULE}`],
    ['an empty scope list', { name: 'get_weather', scopes: [] }, '--scope: give at least one scope with --scope'],
    ['a version that is not semver', { name: 'get_weather', scopes: ['weather:read'], version: '1.0' }, '--version: use a semantic version such as 1.0.0'],
    ['a version with a leading v', { name: 'get_weather', scopes: ['weather:read'], version: 'v1.0.0' }, '--version: use a semantic version such as 1.0.0'],
    [
      'idempotency keys on a read-only tool',
      { name: 'get_weather', scopes: ['weather:read'], idempotency: 'required' as const },
      '--idempotency: a read-only tool takes no idempotency keys; use --idempotency none or --mutating',
    ],
  ])('refuses %s with the rule in the message', async (_, flags, message) => {
    const error = await cliErrorOf(() => resolveAddToolOptions(flags, false));
    expect(error.message).toBe(message);
  });

  it('refuses a missing name or scope without prompting when not interactive', async () => {
    expect((await cliErrorOf(() => resolveAddToolOptions({ scopes: ['a:read'] }, false))).message).toBe('Missing tool name.');
    const missingScope = await cliErrorOf(() => resolveAddToolOptions({ name: 'get_weather' }, false));
    expect(missingScope.message).toBe('Missing scope.');
    expect(missingScope.hint).toContain('mcp-prod add-tool get_weather --scope weather:read');
  });

  it('fills safe defaults when not interactive', async () => {
    expect(await resolveAddToolOptions({ name: 'get_weather', scopes: ['weather:read'] }, false)).toEqual({
      name: 'get_weather',
      scopes: ['weather:read'],
      kind: 'read-only',
      description: 'TODO: describe what get_weather does, for the model.',
      version: '1.0.0',
      dryRun: false,
    });
  });

  it('--dry-run leaves the project byte-identical and prints the changes and their diffs', async () => {
    const copy = copyProject(template);
    const before = hashTree(copy.root);

    const { result, output } = await runAddTool(copy, { name: 'get_weather', scopes: ['weather:read'], dryRun: true });

    expect(hashTree(copy.root)).toEqual(before);
    expect(result).toEqual({ toolFile: 'src/tools/get-weather.ts', changed: true });
    expect(output).toContain(
      'CREATE evals/get-weather.eval.ts\nUPDATE mcp-tools.lock.json\nCREATE src/tools/get-weather.ts\nUPDATE src/tools/index.ts\n  register getWeather (./get-weather.js) in the tool registry\nCREATE test/tools/get-weather.test.ts\n',
    );
    expect(output).toContain('--- a/mcp-tools.lock.json\n+++ b/mcp-tools.lock.json\n');
    expect(output).toContain('--- /dev/null\n+++ b/src/tools/get-weather.ts\n');
    expect(output).toContain("+  name: 'get_weather',\n");
    expect(output).toContain('--- a/src/tools/index.ts\n+++ b/src/tools/index.ts\n');
    expect(output).toContain("+import getWeather from './get-weather.js';\n");
    expect(output).toContain(
      '-export const tools: AnyTool[] = [createNote, deleteNote, searchNotes];\n+export const tools: AnyTool[] = [createNote, deleteNote, getWeather, searchNotes];\n',
    );
    expect(output).toContain('NOTE: --dry-run: nothing was written.');
    expect(output).not.toContain('Added get_weather');
  });
});
