import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bump } from '../../src/commands/bump/index.js';
import type { BumpOptions } from '../../src/commands/bump/options.js';
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
  template = await generateProjectTemplate('mcp-prod-bump-');
});
afterAll(() => template?.cleanup());

const SEARCH = 'src/tools/search-notes.ts';

async function runBump(copy: ProjectCopy, options: Partial<BumpOptions>) {
  const output = captureOutput();
  await bump(copy.project, { all: false, dryRun: false, ...options }, output.out);
  return output.text();
}

/** Breaking: search_notes accepts shorter queries only. */
const lowerQueryLimit = (copy: ProjectCopy) => copy.edit(SEARCH, 'query: z.string().min(1).max(200)', 'query: z.string().min(1).max(100)');

const MAJOR_WHY = 'input.maxLength-tightened at /inputSchema/properties/query/maxLength';

describe('bump', () => {
  it('applies the bump a breaking change requires, says why and records it with the old major in history', async () => {
    const copy = copyProject(template);
    lowerQueryLimit(copy);
    const edited = copy.read(SEARCH);
    const lockedBefore = copy.lockEntry('search_notes')!;

    const output = await runBump(copy, { tool: 'search_notes' });

    expect(output).toBe(`search_notes: 1.0.0 -> 2.0.0 (major, required by ${MAJOR_WHY})\nUPDATE ${LOCKFILE_NAME}\nUPDATE ${SEARCH}\n`);
    // Only the version literal changed.
    expect(copy.read(SEARCH)).toBe(edited.replace("version: '1.0.0',", "version: '2.0.0',"));
    const entry = copy.lockEntry('search_notes')!;
    expect(entry.version).toBe('2.0.0');
    expect(entry.inputSchema).toMatchObject({ properties: { query: { maxLength: 100 } } });
    expect(entry.history).toEqual({ '1': { version: '1.0.0', inputSchema: lockedBefore.inputSchema, outputSchema: lockedBefore.outputSchema } });
    expect(entry.history['1']!.inputSchema).toMatchObject({ properties: { query: { maxLength: 200 } } });
    // Other tools' entries are untouched.
    expect(copy.lockEntry('create_note')!.version).toBe('1.0.0');
  });

  it('a second run says there is nothing to bump and writes nothing', async () => {
    const copy = copyProject(template);
    lowerQueryLimit(copy);
    await runBump(copy, { tool: 'search_notes' });
    const before = hashTree(copy.root);

    const output = await runBump(copy, { tool: 'search_notes' });

    expect(output).toBe('search_notes: nothing to bump, its contract matches the lockfile\nNothing to do.\n');
    expect(hashTree(copy.root)).toEqual(before);
    expect(await runBump(copy, { all: true })).toBe('Nothing to do.\n');
  });

  it.each(['patch', 'minor'] as const)('refuses a %s bump when the change needs a major one, writing nothing', async (level) => {
    const copy = copyProject(template);
    lowerQueryLimit(copy);
    const before = hashTree(copy.root);

    const error = await cliErrorOf(() => runBump(copy, { tool: 'search_notes', level }));

    expect(error.message).toBe(`search_notes needs a major bump (${MAJOR_WHY}); a ${level} bump would understate the change.`);
    expect(error.hint).toBe('mcp-prod bump search_notes major');
    expect(hashTree(copy.root)).toEqual(before);
  });

  it('applies an explicit level to an unchanged tool, as asked', async () => {
    const copy = copyProject(template);
    const output = await runBump(copy, { tool: 'create_note', level: 'minor' });
    expect(output).toContain('create_note: 1.0.0 -> 1.1.0 (minor, as asked)\n');
    expect(copy.read('src/tools/create-note.ts')).toContain("version: '1.1.0',");
    expect(copy.lockEntry('create_note')).toMatchObject({ version: '1.1.0', history: {} });
  });

  it('--all bumps every changed tool by what its change requires', async () => {
    const copy = copyProject(template);
    copy.edit('src/tools/create-note.ts', 'title: z.string().min(1).max(200)', 'title: z.string().min(1).max(100)');
    copy.edit('src/tools/delete-note.ts', 'description: "Permanently delete', 'description: "Permanently and irreversibly delete');
    copy.edit(SEARCH, 'limit: z.number()', "since: z.string().optional().describe('Only notes created from this ISO date'),\n    limit: z.number()");

    const output = await runBump(copy, { all: true });

    expect(output).toContain('create_note: 1.0.0 -> 2.0.0 (major, required by input.maxLength-tightened at /inputSchema/properties/title/maxLength)\n');
    expect(output).toContain('delete_note: 1.0.0 -> 1.0.1 (patch, required by tool.description-changed at /description)\n');
    expect(output).toMatch(/^search_notes: 1\.0\.0 -> 1\.1\.0 \(minor, required by input\.property-added at [^\n]*\)$/m);
    expect(output).toContain(`UPDATE ${LOCKFILE_NAME}\nUPDATE src/tools/create-note.ts\nUPDATE src/tools/delete-note.ts\nUPDATE ${SEARCH}\n`);
    expect(copy.read('src/tools/create-note.ts')).toContain("version: '2.0.0',");
    expect(copy.read('src/tools/delete-note.ts')).toContain("version: '1.0.1',");
    expect(copy.read(SEARCH)).toContain("version: '1.1.0',");
    expect(copy.lockEntry('create_note')).toMatchObject({ version: '2.0.0', history: { '1': { version: '1.0.0' } } });
    expect(copy.lockEntry('delete_note')).toMatchObject({ version: '1.0.1', history: {} });
    expect(copy.lockEntry('search_notes')).toMatchObject({ version: '1.1.0', history: {} });

    expect(await runBump(copy, { all: true })).toBe('Nothing to do.\n');
  });

  it('--dry-run leaves the project byte-identical and prints the diffs', async () => {
    const copy = copyProject(template);
    lowerQueryLimit(copy);
    const before = hashTree(copy.root);

    const output = await runBump(copy, { tool: 'search_notes', dryRun: true });

    expect(hashTree(copy.root)).toEqual(before);
    expect(output).toContain(`search_notes: 1.0.0 -> 2.0.0 (major, required by ${MAJOR_WHY})\n`);
    expect(output).toContain(`--- a/${SEARCH}\n+++ b/${SEARCH}\n`);
    expect(output).toContain("-  version: '1.0.0',\n+  version: '2.0.0',\n");
    expect(output).toContain(`+++ b/${LOCKFILE_NAME}\n`);
    expect(output).toContain('NOTE: --dry-run: nothing was written.');
  });

  it.each([{ tool: 'search_notes' }, { all: true }])('refuses a computed version with a clear message and writes nothing (%o)', async (options) => {
    const copy = copyProject(template);
    copy.edit(SEARCH, "import { defineTool } from '../platform/tool.js';", "import { defineTool } from '../platform/tool.js';\n\nconst VERSION = '1.0.0';");
    copy.edit(SEARCH, "version: '1.0.0',", 'version: VERSION,');
    lowerQueryLimit(copy);
    const before = hashTree(copy.root);

    const error = await cliErrorOf(() => runBump(copy, options));

    expect(error.message).toBe(`Cannot update ${SEARCH}: The version of search_notes is computed (VERSION); refusing to overwrite it.`);
    expect(error.hint).toBe('Make it a string literal, or edit it by hand.');
    expect(hashTree(copy.root)).toEqual(before);
  });

  it('needs one tool or --all, not both and not neither', async () => {
    const copy = copyProject(template);
    expect((await cliErrorOf(() => runBump(copy, {}))).message).toBe('Name one tool, or pass --all.');
    expect((await cliErrorOf(() => runBump(copy, { tool: 'search_notes', all: true }))).message).toBe('Name one tool, or pass --all.');
  });

  it('refuses an unknown tool', async () => {
    const copy = copyProject(template);
    const error = await cliErrorOf(() => runBump(copy, { tool: 'get_weather' }));
    expect(error.message).toBe('No tool named get_weather in src/tools.');
  });

  // A tool the lockfile does not know yet has no locked version to bump from: its plan says
  // "added" with a required bump of minor, and `bump <tool>` applies that to its own version.
  it('bump <tool> leaves the version of a tool that is not locked yet alone', async () => {
    const copy = copyProject(template);
    const lock = JSON.parse(copy.read(LOCKFILE_NAME)) as { tools: Record<string, unknown> };
    delete lock.tools.create_note;
    copy.write(LOCKFILE_NAME, `${JSON.stringify(lock, null, 2)}\n`);

    await runBump(copy, { tool: 'create_note' });

    expect(copy.read('src/tools/create-note.ts')).toContain("version: '1.0.0',");
  });
});
