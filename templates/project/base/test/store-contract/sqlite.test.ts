/** The store contract against the SQLite store, each test on a file of its own. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { describeStoreContract } from './contract.js';

describeStoreContract(
  'sqlite',
  async () => {
    // A real file rather than :memory:, so that the store's separate connections are exercised.
    const dir = mkdtempSync(path.join(tmpdir(), 'store-contract-'));
    const store = openSqliteStore(path.join(dir, 'mcp.db'));
    return {
      store,
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { sql: true },
);
