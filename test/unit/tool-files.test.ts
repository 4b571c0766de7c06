import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectTree } from '../../src/core/tree.js';
import { findToolFile } from '../../src/project/tool-files.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'mcp-prod-tool-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(path.join(root, 'src', 'tools'), { recursive: true });
writeFileSync(
  path.join(root, 'src', 'tools', 'a-notes.ts'),
  "// replaces name: 'search_notes' one day\nexport default defineTool({ name: 'list_notes', version: '1.0.0' });\n",
);
writeFileSync(path.join(root, 'src', 'tools', 'b-search.ts'), "const x = defineTool({ name: 'search_notes', version: '1.0.0' });\nexport default x;\n");

describe('findToolFile', () => {
  it('finds the defineTool call by its name property, not a mention in a comment', () => {
    expect(findToolFile(new ProjectTree(root), 'search_notes')).toBe('src/tools/b-search.ts');
  });

  it('sees pending writes and deletions of the tree', () => {
    const tree = new ProjectTree(root);
    tree.delete('src/tools/b-search.ts');
    expect(findToolFile(tree, 'search_notes')).toBeUndefined();
    tree.write('src/tools/c-new.ts', "export const searchNotes = defineTool({ name: 'search_notes', version: '2.0.0' });\n");
    expect(findToolFile(tree, 'search_notes')).toBe('src/tools/c-new.ts');
  });

  it('finds nothing for an unknown tool', () => {
    expect(findToolFile(new ProjectTree(root), 'get_weather')).toBeUndefined();
  });
});
