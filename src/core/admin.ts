import { importInstalled } from './dependencies.js';
import { CliError } from './errors.js';
import type { Project } from './project.js';
import type { DailyCostRow } from '../commands/costs/aggregate.js';

/** A token as the generated project's src/admin.ts reports it (never its secret). */
export interface TokenView {
  id: string;
  principalId: string;
  name: string;
  scopes: string[];
  hint: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  rotatedFrom: string | null;
  status: 'active' | 'expired' | 'revoked';
}

/** The shape of the generated project's src/admin.ts that mcp-prod relies on. */
export interface ProjectAdmin {
  dbPath: string;
  tokens: {
    issue(options: { scopes: string[]; expires?: string; name?: string; principal?: string }): Promise<{ token: string; record: TokenView }>;
    list(): Promise<TokenView[]>;
    revoke(id: string): Promise<TokenView>;
    rotate(id: string, options: { grace?: string }): Promise<{ token: string; record: TokenView; previous: TokenView }>;
  };
  costs: { daily(sinceDay: string): Promise<DailyCostRow[]> };
  close(): Promise<void>;
}

/** The project's own refusals (bad input, bad configuration) are the user's to fix: exit 1. */
function asCliError(error: unknown): unknown {
  if (error instanceof Error && (error.name === 'UsageError' || error.name === 'ConfigError')) return new CliError(error.message);
  return error;
}

/** Opens the project's admin API on the store its configuration names, runs `work`, closes it. */
export async function withProjectAdmin<T>(project: Project, work: (admin: ProjectAdmin) => Promise<T>): Promise<T> {
  const { openAdmin } = await importInstalled<{ openAdmin(): ProjectAdmin }>(project, 'src/admin.ts');
  let admin: ProjectAdmin;
  try {
    admin = openAdmin();
  } catch (error) {
    throw asCliError(error);
  }
  try {
    return await work(admin);
  } catch (error) {
    throw asCliError(error);
  } finally {
    await admin.close();
  }
}
