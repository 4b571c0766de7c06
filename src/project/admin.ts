import { importInstalled } from '../core/dependencies.js';
import { CliError } from '../core/errors.js';
import type { Project } from '../core/project.js';
import { adminModuleSchema, type ProjectAdmin, validateFromProject } from './interface.js';

const ADMIN_FILE = 'src/admin.ts';

/** The project's own refusals (bad input, bad configuration) are the user's to fix: exit 1. */
function asCliError(error: unknown): unknown {
  if (error instanceof Error && (error.name === 'UsageError' || error.name === 'ConfigError')) return new CliError(error.message);
  return error;
}

/**
 * Opens the project's admin API on the store its configuration names, runs `work`, closes it.
 * A store that cannot be opened (a bad MCP_PROD_DB or DATABASE_URL) is the user's to fix.
 */
export async function withProjectAdmin<T>(project: Project, work: (admin: ProjectAdmin) => Promise<T>): Promise<T> {
  const { openAdmin } = validateFromProject(adminModuleSchema, await importInstalled(project, ADMIN_FILE), ADMIN_FILE);
  let admin: ProjectAdmin;
  try {
    admin = openAdmin();
  } catch (error) {
    const translated = asCliError(error);
    if (translated instanceof CliError) throw translated;
    throw new CliError(error instanceof Error ? error.message : String(error), {
      hint: 'Check the store settings (MCP_PROD_STORE, MCP_PROD_DB, DATABASE_URL) in the environment or .env, then run the command again.',
      cause: error,
    });
  }
  try {
    return await work(admin);
  } catch (error) {
    throw asCliError(error);
  } finally {
    await admin.close();
  }
}
