import { editFile } from '../../core/edit-file.js';
import { CliError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { today } from '../../core/today.js';
import { commitTree, ProjectTree } from '../../core/tree.js';
import { loadContractsAndScopes } from '../../project/contracts.js';
import { readLockfile, recordInLockfile } from '../../project/lockfile.js';
import { findToolFile } from '../../project/tool-files.js';
import { assemblePlan, type ToolPlan } from '../../schema-diff/plan.js';
import type { Bump } from '../../schema-diff/types.js';
import { declaredBump, parseVersion, suggestVersion } from '../../schema-diff/version-gate.js';
import { setToolVersion } from '../../transforms/set-tool-version.js';
import type { BumpOptions } from './options.js';

const ORDER: Bump[] = ['none', 'patch', 'minor', 'major'];

function why(plan: ToolPlan): string {
  const decisive = plan.findings.filter((f) =>
    plan.requiredBump === 'major' ? f.verdict === 'breaking' : plan.requiredBump === 'minor' ? f.verdict === 'additive' : true,
  );
  const shown = decisive.slice(0, 3).map((f) => `${f.rule} at ${f.pointer || '/'}`);
  return `${shown.join('; ')}${decisive.length > 3 ? `; and ${decisive.length - 3} more` : ''}`;
}

/**
 * `mcp-prod bump`: rewrites tools' version literals. With a level it applies that bump to the
 * locked version; without one it applies the bump the contract diff requires, and says why.
 * Then it records the bumped tools in the lockfile. The same run twice changes nothing.
 */
export async function bump(project: Project, options: BumpOptions, out: { write(text: string): void }): Promise<void> {
  if (options.all === Boolean(options.tool))
    throw new CliError('Name one tool, or pass --all.', { hint: 'mcp-prod bump <tool> [major|minor|patch], or mcp-prod bump --all' });
  const tree = new ProjectTree(project.root);
  const { lock } = readLockfile(tree);
  let compared = lock;
  let toolFile: string | undefined;
  if (options.tool) {
    // One tool: load only its module and compare only its lock entry.
    toolFile = findToolFile(tree, options.tool);
    if (!toolFile) throw new CliError(`No tool named ${options.tool} in src/tools.`, { hint: '`mcp-prod check` lists the tools the project has.' });
    const entry = lock.tools[options.tool];
    compared = { lockfileVersion: 1, tools: entry ? { [options.tool]: entry } : {} };
  }
  const { contracts, scopeRules } = await loadContractsAndScopes(project, toolFile);
  const plan = assemblePlan(compared, contracts, { today: today(), scopeCovers: scopeRules.covers });
  const byName = new Map(plan.tools.map((tool) => [tool.name, tool]));
  if (options.tool && !contracts[options.tool]) throw new CliError(`No tool named ${options.tool} is defined in its file.`);

  const candidates = options.tool ? [byName.get(options.tool)!] : plan.tools.filter((tool) => tool.change === 'changed');
  const bumped: Record<string, string> = {};
  const notes: string[] = [];
  for (const tool of candidates) {
    const current = contracts[tool.name]!.version;
    if (tool.change === 'added' && !options.level) {
      notes.push(`${tool.name}: not in the lockfile yet, so it enters at ${current}; nothing to bump (run mcp-prod lock to record it)`);
      continue;
    }
    const base = tool.from ?? current;
    const needed = tool.change === 'added' ? 'none' : tool.requiredBump;
    const level: Bump = options.level ?? needed;
    if (ORDER.indexOf(level) < ORDER.indexOf(needed)) {
      throw new CliError(`${tool.name} needs a ${needed} bump (${why(tool)}); a ${level} bump would understate the change.`, {
        hint: `mcp-prod bump ${tool.name} ${needed}`,
      });
    }
    if (level === 'none') {
      notes.push(`${tool.name}: nothing to bump, its contract matches the lockfile`);
      continue;
    }
    const from = parseVersion(base);
    const declared = from && parseVersion(current) ? declaredBump(from, parseVersion(current)!) : 'none';
    if (declared !== 'decrease' && ORDER.indexOf(declared) >= ORDER.indexOf(level)) {
      notes.push(`${tool.name}: already at ${current}, which covers a ${level} bump from ${base}`);
      continue;
    }
    if (!from) throw new CliError(`${tool.name}: the locked version ${base} is not a semantic version.`);
    const next = suggestVersion(from, level);
    const file = findToolFile(tree, tool.name);
    if (!file) throw new CliError(`Cannot find the file that defines ${tool.name} in src/tools.`);
    editFile(tree, file, [[setToolVersion, { tool: tool.name, version: next }]]);
    bumped[tool.name] = next;
    notes.push(`${tool.name}: ${current} -> ${next} (${level}${options.level ? ', as asked' : `, required by ${why(tool)}`})`);
  }
  for (const note of notes) out.write(`${note}\n`);
  if (Object.keys(bumped).length === 0) {
    out.write('Nothing to do.\n');
    return;
  }
  recordInLockfile(tree, lock, { contracts: Object.fromEntries(Object.entries(bumped).map(([name, version]) => [name, { ...contracts[name]!, version }])) });
  await commitTree(tree, { dryRun: options.dryRun, write: out.write });
}
