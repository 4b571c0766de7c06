import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProjectTree } from '../../src/core/tree.js';
import { loadPendingToolContract } from '../../src/project/contracts.js';
import { withStagedProject } from '../../src/project/staging.js';
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

export default defineTool({
  name: 'staged_tool',
  version: '1.0.0',
  description: \`\${PREFIX} \${LABEL} \${suffix()}\`,
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
  it('resolves what the pending files import: existing siblings (a file and a folder), pending siblings and other folders', async () => {
    const copy = ownCopy();
    copy.write('src/tools/shared/labels.ts', "export const LABEL = 'from a folder';\n");
    copy.write('src/tools/format.ts', "export const suffix = () => 'and a sibling file';\n");
    const before = hashTree(copy.root);
    const tree = new ProjectTree(copy.root);
    tree.write('src/tools/staged-tool.ts', PENDING_TOOL);
    tree.write('src/tools/pending-helper.ts', "export const PREFIX = 'Pending,';\n");

    const contracts = await loadPendingToolContract(copy.project, tree, 'src/tools/staged-tool.ts');
    expect(contracts.staged_tool?.description).toBe('Pending, from a folder and a sibling file');
    expect(hashTree(copy.root)).toEqual(before);
    expect(stagedLeftovers(copy.root)).toEqual([]);
  });

  it('links only the entries of a changed folder that its pending files import, and every entry elsewhere', async () => {
    const copy = ownCopy();
    const tree = new ProjectTree(copy.root);
    tree.write('src/tools/staged-tool.ts', PENDING_TOOL.replace("import { LABEL } from './shared/labels.js';\n", '').replace('${LABEL} ', ''));
    const seen = await withStagedProject(copy.project, tree, ['src/contract.ts'], async (staged) => ({
      tools: readdirSync(path.join(staged.root, 'src', 'tools')).sort(),
      src: readdirSync(path.join(staged.root, 'src')).sort(),
      root: readdirSync(staged.root).sort(),
    }));
    // format.js and pending-helper.js are imported but do not exist: nothing to link, and the load would name them.
    expect(seen.tools).toEqual(['staged-tool.ts']);
    expect(seen.src).toEqual(readdirSync(path.join(copy.root, 'src')).sort());
    expect(seen.root).toEqual(
      readdirSync(copy.root)
        .filter((entry) => entry !== 'node_modules' && entry !== '.git')
        .sort(),
    );
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
