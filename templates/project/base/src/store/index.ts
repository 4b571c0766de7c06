import type { Config } from '../config.js';
import type { StoreWarning } from './bookkeeping.js';
import { createMemoryStore } from './memory.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export type { StoreWarning } from './bookkeeping.js';
export type { Store } from './types.js';

export interface OpenStoreOptions {
  /** What the store cannot tell a caller: bookkeeping it could not write yet, or had to drop. */
  onWarning?: StoreWarning;
}

/** The store the configuration names: MCP_PROD_STORE=sqlite (MCP_PROD_DB), postgres (DATABASE_URL) or memory. */
export function openStore(config: Pick<Config, 'store' | 'dbPath' | 'postgres'>, options: OpenStoreOptions = {}): Store {
  if (config.store === 'memory') return createMemoryStore();
  if (config.store === 'postgres') {
    // The configuration refuses postgres without DATABASE_URL, so this is set.
    const { connectionString, schema, max } = config.postgres!;
    return openPostgresStore({ connectionString, max, ...(schema ? { schema } : {}), ...options });
  }
  try {
    return openSqliteStore(config.dbPath, options);
  } catch (error) {
    throw new Error(`Cannot open the SQLite store at ${config.dbPath} (set MCP_PROD_DB to change it): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Refuses to serve from a store that cannot answer or cannot be written: the entry points call
 * it before they start listening, so a wrong DATABASE_URL, a read-only or damaged database file
 * or a full disk stops the server with a message instead of failing every request.
 */
export async function checkStoreAtStart(store: Store): Promise<string | undefined> {
  const explain = (error: unknown, what: string) => {
    const message = (error as Error).message;
    return message.includes(store.location) ? message : `the ${store.kind} store at ${store.location} ${what}: ${message}`;
  };
  try {
    await store.ping();
  } catch (error) {
    return explain(error, 'does not answer');
  }
  try {
    if (store.checkAtStart) return await store.checkAtStart();
    await store.checkWritable();
    return undefined;
  } catch (error) {
    return explain(error, 'cannot be written');
  }
}
