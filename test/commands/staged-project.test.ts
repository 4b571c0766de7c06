import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProjectTree } from '../../src/core/tree.js';
import { loadPendingToolContract } from '../../src/project/contracts.js';
import { cliErrorOf, copyProject, generateProjectTemplate, hashTree, type ProjectTemplate } from '../helpers/generated-project.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 300_000 });

let template: ProjectTemplate;
beforeAll(async () => {
  template = await generateProjectTemplate('mcp-prod-staged-');
});
afterAll(() => template?.cleanup());

const PENDING_TOOL = `import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';
import { LABEL } from './shared/labels.js';
import { suffix } from './format.js';
import { PREFIX } from './pending-helper.js';
import { readFileSync } from 'node:fs';

const NOTE = readFileSync(new URL('./prompts/note.md', import.meta.url), 'utf8').trim();

export default defineTool({
  name: 'staged_tool',
  version: '1.0.0',
  description: \`\${PREFIX} \${LABEL} \${suffix()}, \${NOTE}\`,
  scopes: ['notes:read'],
  readOnly: true,
  input: z.strictObject({}),
  async handler() {
    return 'ok';
  },
});
`;

/** A copy whose node_modules is its own folder (of links), so that what staging leaves in it is this test's alone. */
function ownCopy() {
  const copy = copyProject(template);
  const modules = path.join(copy.root, 'node_modules');
  rmSync(modules);
  mkdirSync(modules);
  for (const entry of readdirSync(template.nodeModules)) symlinkSync(path.join(template.nodeModules, entry), path.join(modules, entry));
  return copy;
}

const stagedLeftovers = (root: string) =>
  readdirSync(path.join(root, 'node_modules'), { withFileTypes: true }).filter((entry) => entry.name.startsWith('.mcp-prod-staged-'));

describe('the staged view a pending change is loaded from', () => {
  it('resolves what the pending files import (existing siblings, a file and a folder, pending siblings, other folders) and reads files beside them', async () => {
    const copy = ownCopy();
    copy.write('src/tools/shared/labels.ts', "export const LABEL = 'from a folder';\n");
    copy.write('src/tools/format.ts', "export const suffix = () => 'and a sibling file';\n");
    copy.write('src/tools/prompts/note.md', 'read beside the module\n');
    const before = hashTree(copy.root);
    const tree = new ProjectTree(copy.root);
    tree.write('src/tools/staged-tool.ts', PENDING_TOOL);
    tree.write('src/tools/pending-helper.ts', "export const PREFIX = 'Pending,';\n");

    const contracts = await loadPendingToolContract(copy.project, tree, 'src/tools/staged-tool.ts');
    expect(contracts.staged_tool?.description).toBe('Pending, from a folder and a sibling file, read beside the module');
    expect(hashTree(copy.root)).toEqual(before);
    expect(stagedLeftovers(copy.root)).toEqual([]);
  });

  it("names the project's paths, not the staged view's, when a pending import is missing", async () => {
    const copy = ownCopy();
    const tree = new ProjectTree(copy.root);
    tree.write('src/tools/staged-tool.ts', PENDING_TOOL);
    const error = await cliErrorOf(() => loadPendingToolContract(copy.project, tree, 'src/tools/staged-tool.ts'));
    expect(error.message).toContain('src/tools/staged-tool.ts');
    expect(error.message).not.toContain('.mcp-prod-staged-');
    expect(stagedLeftovers(copy.root)).toEqual([]);
  });
});
