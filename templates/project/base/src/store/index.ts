import type { Config } from '../config.js';
import { createMemoryStore } from './memory.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export type { Store } from './types.js';

export function openStore(config: Pick<Config, 'store' | 'dbPath'>): Store {
  if (config.store === 'memory') return createMemoryStore();
  try {
    return openSqliteStore(config.dbPath);
  } catch (error) {
    throw new Error(`Cannot open the SQLite store at ${config.dbPath} (set MCP_PROD_DB to change it): ${(error as Error).message}`, {
      cause: error,
    });
  }
}
