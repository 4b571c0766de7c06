import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { importInstalled } from './dependencies.js';
import { CliError } from './errors.js';
import type { Project } from './project.js';
import type { ToolContract } from '../schema-diff/types.js';

interface ContractModule {
  toolContracts(tools?: readonly unknown[]): Promise<Record<string, ToolContract>>;
}

/** The contract of one tool module (a file under src/tools), without loading the others. */
export async function loadToolContract(project: Project, toolFile: string): Promise<Record<string, ToolContract>> {
  try {
    const { toolContracts } = await importInstalled<ContractModule>(project, 'src/contract.ts');
    const tool = (await importInstalled<{ default: unknown }>(project, toolFile)).default;
    return await toolContracts([tool]);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Could not load ${toolFile}: ${(error as Error).message}`, { exitCode: 2, cause: error });
  }
}

/**
 * The project's tool contracts, produced by its own registry (src/contract.ts) exactly as
 * tools/list would serve them. A project that cannot be loaded is exit 2: nothing was checked.
 */
export async function loadContracts(project: Project): Promise<Record<string, ToolContract>> {
  const module = await importInstalled<ContractModule>(project, 'src/contract.ts').catch(
    (error: unknown) => {
      if (error instanceof CliError) throw error;
      throw new CliError(`Could not load the project's tools: ${(error as Error).message}`, {
        exitCode: 2,
        hint: 'Fix the error above (npm run typecheck shows it with context), then run the command again.',
        cause: error,
      });
    },
  );
  try {
    return await module.toolContracts();
  } catch (error) {
    throw new CliError(`The project's tool registry refused to build: ${(error as Error).message}`, { exitCode: 2, cause: error });
  }
}

/** The source file that defines tool `name` (for messages and annotations), if one is found. */
export function locateToolFile(project: Project, name: string): string | undefined {
  const dir = path.join(project.root, 'src', 'tools');
  if (!existsSync(dir)) return undefined;
  const literal = new RegExp(`name:\\s*(['"\`])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`);
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const match = files.find((file) => literal.test(readFileSync(path.join(dir, file), 'utf8')));
  return match && path.posix.join('src', 'tools', match.split(path.sep).join('/'));
}

/** Today in UTC as YYYY-MM-DD; MCP_PROD_NOW (an ISO date) pins it, for tests and rehearsals. */
export function today(env: NodeJS.ProcessEnv = process.env): string {
  const now = env.MCP_PROD_NOW ? new Date(env.MCP_PROD_NOW) : new Date();
  if (Number.isNaN(now.getTime())) throw new CliError(`MCP_PROD_NOW="${env.MCP_PROD_NOW}" is not a date.`, { hint: 'Use an ISO date such as 2026-12-31.' });
  return now.toISOString().slice(0, 10);
}
