import { CliError } from '../core/errors.js';
import type { Project } from '../core/project.js';
import type { ProjectTree } from '../core/tree.js';
import type { ToolContract } from '../schema-diff/types.js';
import { importInstalled } from '../core/dependencies.js';
import { contractModuleSchema, scopeModuleSchema, type ScopeRules, toolContractsSchema, validateFromProject } from './interface.js';
import { withStagedProject } from './staging.js';

const CONTRACT_FILE = 'src/contract.ts';
const FIX_HINT = 'Fix the error above (npm run typecheck shows it with context), then run the command again.';

/** The project's code failed to load or refused its own tools: the user's project to fix (exit 1). */
function projectCodeError(what: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  return new CliError(`${what}: ${error instanceof Error ? error.message : String(error)}`, { hint: FIX_HINT, cause: error });
}

type ContractModule = Record<string, unknown> & { toolContracts(tools?: readonly unknown[]): Promise<unknown> };

/** The project's src/contract.ts, checked to export what mcp-prod calls. */
export async function contractModule(project: Project): Promise<ContractModule> {
  let module: unknown;
  try {
    module = await importInstalled(project, CONTRACT_FILE);
  } catch (error) {
    throw projectCodeError(`Could not load ${CONTRACT_FILE}`, error);
  }
  return { ...(module as Record<string, unknown>), ...validateFromProject(contractModuleSchema, module, CONTRACT_FILE) };
}

/** The tools a module exports: its default export and named exports made by defineTool. */
function exportedTools(module: Record<string, unknown>): unknown[] {
  const isTool = (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { handler?: unknown }).handler === 'function';
  return [...new Set(Object.values(module).filter(isTool))];
}

/** The project's scope hierarchy, from an already loaded src/contract.ts. */
export function scopeRulesOf(module: ContractModule): ScopeRules {
  return validateFromProject(scopeModuleSchema, module, CONTRACT_FILE).scopeRules;
}

/**
 * The project's tool contracts, produced by its own registry (src/contract.ts) exactly as
 * tools/list would serve them. With `toolFile`, only that tool module's contracts, without
 * loading the others.
 */
async function contractsOf(project: Project, module: ContractModule, toolFile?: string): Promise<Record<string, ToolContract>> {
  let contracts: unknown;
  try {
    if (toolFile === undefined) contracts = await module.toolContracts();
    else {
      const tools = exportedTools(await importInstalled<Record<string, unknown>>(project, toolFile));
      if (tools.length === 0) throw new CliError(`${toolFile} exports no tool.`, { hint: 'Export the result of defineTool(...), as default or by name.' });
      contracts = await module.toolContracts(tools);
    }
  } catch (error) {
    throw projectCodeError(toolFile === undefined ? "The project's tool registry refused to build" : `Could not load ${toolFile}`, error);
  }
  return validateFromProject(toolContractsSchema, contracts, `${CONTRACT_FILE} toolContracts()`);
}

export interface ContractsAndScopes {
  contracts: Record<string, ToolContract>;
  /** The scope hierarchy the project's server enforces. */
  scopeRules: ScopeRules;
}

/**
 * Contracts and scope hierarchy from one load of src/contract.ts (each load compiles the
 * project's module graph afresh), for the commands that compare contracts under the project's
 * scope rules.
 */
export async function loadContractsAndScopes(project: Project, toolFile?: string): Promise<ContractsAndScopes> {
  const module = await contractModule(project);
  const scopeRules = scopeRulesOf(module);
  return { contracts: await contractsOf(project, module, toolFile), scopeRules };
}

/** Contracts alone: a project from before `scopeRules` was exported still serves them. */
export async function loadContracts(project: Project): Promise<Record<string, ToolContract>> {
  return contractsOf(project, await contractModule(project));
}

export async function loadToolContract(project: Project, toolFile: string): Promise<Record<string, ToolContract>> {
  return contractsOf(project, await contractModule(project), toolFile);
}

/** `loadToolContract` with the tree's pending changes in place, the project itself untouched. */
export function loadPendingToolContract(project: Project, tree: ProjectTree, toolFile: string): Promise<Record<string, ToolContract>> {
  return withStagedProject(project, tree, (staged) => loadToolContract(staged, toolFile));
}
