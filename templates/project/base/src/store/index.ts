import type { Config } from '../config.js';
import { createMemoryStore } from './memory.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export type { Store } from './types.js';

/** The store the configuration names: MCP_PROD_STORE=sqlite (MCP_PROD_DB), postgres (DATABASE_URL) or memory. */
export function openStore(config: Pick<Config, 'store' | 'dbPath' | 'postgres'>): Store {
  if (config.store === 'memory') return createMemoryStore();
  if (config.store === 'postgres') {
    // The configuration refuses postgres without DATABASE_URL, so this is set.
    const { connectionString, schema, max } = config.postgres!;
    return openPostgresStore({ connectionString, max, ...(schema ? { schema } : {}) });
  }
  try {
    return openSqliteStore(config.dbPath);
  } catch (error) {
    throw new Error(`Cannot open the SQLite store at ${config.dbPath} (set MCP_PROD_DB to change it): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Refuses to serve from a store that cannot answer: the entry points call it before they start
 * listening, so a wrong DATABASE_URL or an unreachable database stops the server with a message
 * instead of failing every request.
 */
export async function checkStoreAtStart(store: Store): Promise<string | undefined> {
  try {
    await store.ping();
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    return message.includes(store.location) ? message : `the ${store.kind} store at ${store.location} does not answer: ${message}`;
  }
}
