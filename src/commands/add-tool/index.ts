import path from 'node:path';
import { loadToolContract, locateToolFile } from '../../core/contracts.js';
import { CliError } from '../../core/errors.js';
import { packageRoot } from '../../core/package-info.js';
import type { Project } from '../../core/project.js';
import { commitTree, ProjectTree } from '../../core/tree.js';
import { renderLayers } from '../../templates/render.js';
import { registerTool } from '../../transforms/register-tool.js';
import { recordInLockfile } from '../lock/record.js';
import { editFile } from '../edit-file.js';
import { toolFileName, toolIdentifier, type AddToolOptions } from './options.js';

export const REGISTRY_FILE = 'src/tools/index.ts';

export interface AddToolResult {
  toolFile: string;
  changed: boolean;
}

/**
 * `mcp-prod add-tool`: writes the tool module and its test from templates, registers it in
 * src/tools/index.ts (in that file's style) and records its contract in the lockfile. Running
 * it again with the same options changes nothing and says so.
 */
export async function addTool(project: Project, options: AddToolOptions, out: { write(text: string): void }): Promise<AddToolResult> {
  const fileName = toolFileName(options.name);
  const toolFile = `src/tools/${fileName}.ts`;
  const tree = new ProjectTree(project.root);
  const rendered = renderLayers([path.join(packageRoot, 'templates', 'tool')], {
    name: options.name,
    fileName,
    version: options.version,
    description: options.description,
    scopes: options.scopes,
    readOnly: options.kind === 'read-only',
    destructive: options.kind === 'destructive',
    idempotency: options.idempotency ?? (options.kind === 'read-only' ? 'none' : 'required'),
  });

  const existing = locateToolFile(project, options.name);
  if (existing && existing !== toolFile) {
    throw new CliError(`A tool named ${options.name} already exists in ${existing}.`, { hint: 'Choose another name, or edit that tool instead.' });
  }
  // The tool module first: when it is taken, that is the conflict worth reporting.
  for (const [file, content] of [...rendered].sort(([a], [b]) => Number(b === toolFile) - Number(a === toolFile))) {
    const current = tree.read(file);
    if (current !== undefined && current !== content) {
      if (existing) throw new CliError(`A tool named ${options.name} already exists in ${existing}.`, { hint: 'Choose another name, or edit that tool instead.' });
      throw new CliError(`${file} already exists and is not the ${options.name} tool add-tool would write.`, { hint: 'Move that file away, or choose another tool name.' });
    }
    tree.write(file, content);
  }
  editFile(tree, REGISTRY_FILE, [[registerTool, { identifier: toolIdentifier(options.name), from: `./${fileName}.js` }]]);

  const changes = await commitTree(tree, { dryRun: options.dryRun, write: out.write });
  if (options.dryRun) {
    out.write(`(mcp-tools.lock.json would record ${options.name} ${options.version} once the files exist.)\n`);
    return { toolFile, changed: changes.length > 0 };
  }
  const lockTree = new ProjectTree(project.root);
  recordInLockfile(lockTree, { contracts: await loadToolContract(project, toolFile) });
  const lockChanges = await commitTree(lockTree, { dryRun: false, write: out.write });
  if (changes.length === 0 && lockChanges.length === 0) {
    out.write(`Nothing to do: ${options.name} already exists in ${toolFile}, is registered and locked.\n`);
    return { toolFile, changed: false };
  }
  out.write(`\nAdded ${options.name} ${options.version}. Next: implement its handler in ${toolFile}, then run its test: npx vitest run test/tools/${fileName}.test.ts\n`);
  return { toolFile, changed: true };
}
