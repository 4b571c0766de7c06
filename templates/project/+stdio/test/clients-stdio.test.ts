import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as ClientV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioTransportV2 } from '@modelcontextprotocol/client/stdio';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioTransportV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../src/platform/tokens.js';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.js';
import {
  expectReadableToolError,
  MATRIX_SCOPES,
  SDKS,
  toolErrorCases,
  wrapClient,
  type MatrixClient,
  type MatrixWorld,
  type Sdk,
} from './helpers/client-matrix.js';

const fixtureServer = path.resolve('test/fixtures/matrix-stdio-server.ts');

async function connect(sdk: Sdk, env: Record<string, string>): Promise<{ client: MatrixClient; stderr: () => string }> {
  const spawn = {
    command: process.execPath,
    args: ['--import', 'tsx', fixtureServer],
    env: { ...(process.env as Record<string, string>), ...env },
    stderr: 'pipe' as const,
  };
  let stderr = '';
  if (sdk === 'v1') {
    const transport = new StdioTransportV1(spawn);
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new ClientV1({ name: 'matrix-v1', version: '1.0.0' });
    await client.connect(transport);
    return { client: wrapClient(client), stderr: () => stderr };
  }
  const transport = new StdioTransportV2(spawn);
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new ClientV2({ name: 'matrix-v2', version: '1.0.0' });
  await client.connect(transport);
  return { client: wrapClient(client), stderr: () => stderr };
}

describe.each(SDKS)('SDK %s client over stdio', (sdk) => {
  let dir: string;
  let store: SqliteStore;
  let tokenId: string;
  let token: string;
  let client: MatrixClient;
  let stderr: () => string;
  let world: MatrixWorld;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), `matrix-stdio-${sdk}-`));
    const db = path.join(dir, 'mcp.db');
    const faultFile = path.join(dir, 'fault');
    store = openSqliteStore(db);
    const issued = await issueToken(store.tokens, { principal: 'alice', scopes: MATRIX_SCOPES, now: new Date() });
    ({ token } = issued);
    tokenId = issued.record.id;
    ({ client, stderr } = await connect(sdk, {
      MCP_PROD_STORE: 'sqlite',
      MCP_PROD_DB: db,
      MCP_PROD_TOKEN: token,
      MATRIX_FAULT_FILE: faultFile,
      LOG_LEVEL: 'info',
    }));
    world = {
      store,
      principalId: 'alice',
      async setStoreFault(on) {
        if (on) writeFileSync(faultFile, '');
        else await rm(faultFile, { force: true });
      },
    };
  });
  afterAll(async () => {
    await client?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(toolErrorCases)('$code reaches the client with its code and message', async (c) => {
    expectReadableToolError(await c.run(client, world), c.code, c.message);
  });

  // Last: it revokes the session's own token.
  it('unauthorized: a token revoked while the process runs is refused on the next call', async () => {
    expect((await client.call('echo', { text: 'before' })).result?.isError).toBeFalsy();
    await store.tokens.revoke(tokenId, new Date().toISOString());
    expectReadableToolError(await client.call('echo', { text: 'after' }), 'unauthorized', /revoked/);
    expect(stderr()).not.toContain(token);
  });
});
