import path from 'node:path';
import { editFile } from '../../core/edit-file.js';
import { CliError } from '../../core/errors.js';
import { packageRoot } from '../../core/package-info.js';
import type { Project } from '../../core/project.js';
import { commitTree, ProjectTree } from '../../core/tree.js';
import { loadPendingToolContract } from '../../project/contracts.js';
import { LOCKFILE_NAME, readLockfile, recordInLockfile } from '../../project/lockfile.js';
import { REGISTRY_FILE, registrySpecifier, TOOLS_DIR } from '../../project/paths.js';
import { findToolFile } from '../../project/tool-files.js';
import type { Lockfile } from '../../schema-diff/lockfile.js';
import { parseVersion } from '../../schema-diff/version-gate.js';
import { renderLayers } from '../../templates/render.js';
import { registerTool } from '../../transforms/register-tool.js';
import { toolFileName, toolIdentifier, type AddToolOptions } from './options.js';

export interface AddToolResult {
  toolFile: string;
  changed: boolean;
}

/**
 * A removed tool's name stays retired: clients that knew it must not be handed another contract
 * under the same name and version. Only a new major version may take it, continuing its history.
 * Returns whether the new tool continues a removed one.
 */
function checkRetiredName(lock: Lockfile, name: string, version: string): boolean {
  const tombstone = lock.tools[name];
  if (!tombstone?.removedAt) return false;
  const removedMajor = parseVersion(tombstone.version)?.major ?? 0;
  const nextMajor = `${removedMajor + 1}.0.0`;
  if ((parseVersion(version)?.major ?? 0) > removedMajor) return true;
  throw new CliError(`${name} was removed on ${tombstone.removedAt} (at ${tombstone.version}); ${LOCKFILE_NAME} keeps its name retired.`, {
    hint: `Choose another name, or continue its history with a new major version: mcp-prod add-tool ${name} --version ${nextMajor}`,
  });
}

/**
 * `mcp-prod add-tool`: writes the tool module and its test from templates, registers it in
 * src/tools/index.ts (in that file's style) and records its contract in the lockfile, all in
 * one commit. The contract is taken from a staged copy of the project, so a project that
 * cannot load it is left untouched. Running it again with the same options changes nothing.
 */
export async function addTool(project: Project, options: AddToolOptions, out: { write(text: string): void }): Promise<AddToolResult> {
  const fileName = toolFileName(options.name);
  const toolFile = `${TOOLS_DIR}/${fileName}.ts`;
  const tree = new ProjectTree(project.root);
  const { lock } = readLockfile(tree);
  const continues = checkRetiredName(lock, options.name, options.version);
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

  const existing = findToolFile(tree, options.name);
  const taken = () => new CliError(`A tool named ${options.name} already exists in ${existing}.`, { hint: 'Choose another name, or edit that tool instead.' });
  if (existing && existing !== toolFile) throw taken();
  // The tool module first: when it is taken, that is the conflict worth reporting.
  for (const [file, content] of [...rendered].sort(([a], [b]) => Number(b === toolFile) - Number(a === toolFile))) {
    const current = tree.read(file);
    if (current !== undefined && current !== content) {
      if (existing) throw taken();
      throw new CliError(`${file} already exists and is not the ${options.name} tool add-tool would write.`, {
        hint: 'Move that file away, or choose another tool name.',
      });
    }
    tree.write(file, content);
  }
  editFile(tree, REGISTRY_FILE, [[registerTool, { identifier: toolIdentifier(options.name), from: registrySpecifier(toolFile) }]]);
  recordInLockfile(tree, lock, { contracts: await loadPendingToolContract(project, tree, toolFile), ...(continues ? { continues: [options.name] } : {}) });

  const changes = await commitTree(tree, { dryRun: options.dryRun, write: out.write });
  if (changes.length === 0) {
    out.write(`Nothing to do: ${options.name} already exists in ${toolFile}, is registered and locked.\n`);
    return { toolFile, changed: false };
  }
  if (!options.dryRun) {
    out.write(
      `\nAdded ${options.name} ${options.version}. Next: implement its handler in ${toolFile}, then run its test: npx vitest run test/tools/${fileName}.test.ts\n`,
    );
  }
  return { toolFile, changed: true };
}
