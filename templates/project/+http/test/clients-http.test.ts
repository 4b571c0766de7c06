import { Client as ClientV2, StreamableHTTPClientTransport as HttpTransportV2 } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as HttpTransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startHttpServer, type RunningHttpServer } from '../src/http.js';
import { createMemoryStore } from '../src/store/memory.js';
import {
  expectReadableRefusal,
  expectReadableToolError,
  faultableStore,
  MATRIX_SCOPES,
  matrixTools,
  SDKS,
  toolErrorCases,
  wrapClient,
  type CallOutcome,
  type MatrixClient,
  type MatrixWorld,
  type Sdk,
} from './helpers/client-matrix.js';
import { issueTestToken, testApp } from './helpers/harness.js';

async function connect(sdk: Sdk, url: string, token: string): Promise<MatrixClient> {
  const options = { requestInit: { headers: { authorization: `Bearer ${token}` } } };
  if (sdk === 'v1') {
    const client = new ClientV1({ name: 'matrix-v1', version: '1.0.0' });
    await client.connect(new HttpTransportV1(new URL(url), options));
    return wrapClient(client);
  }
  const client = new ClientV2({ name: 'matrix-v2', version: '1.0.0' });
  await client.connect(new HttpTransportV2(new URL(url), options));
  return wrapClient(client);
}

const attempt = (work: () => Promise<MatrixClient>): Promise<CallOutcome> =>
  work().then(
    async (client) => {
      await client.close();
      return { result: {} };
    },
    (thrown: Error) => ({ thrown }),
  );

async function serve(env: Record<string, string> = {}) {
  const fault = { on: false };
  // No authenticate override: the pipeline sees the principal the HTTP gate verified.
  const { app } = testApp({
    tools: matrixTools,
    config: loadConfig({ MCP_PROD_STORE: 'memory', PORT: '0', ...env }),
    store: faultableStore(createMemoryStore(), fault),
    authenticate: undefined,
  });
  const server = await startHttpServer(app);
  const world: MatrixWorld = {
    store: app.store,
    principalId: 'alice',
    async setStoreFault(on) {
      fault.on = on;
    },
  };
  return { app, server, world };
}

describe.each(SDKS)('SDK %s client over Streamable HTTP', (sdk) => {
  let app: App;
  let server: RunningHttpServer;
  let world: MatrixWorld;
  let client: MatrixClient;

  beforeAll(async () => {
    ({ app, server, world } = await serve());
    const { token } = await issueTestToken(app, MATRIX_SCOPES);
    client = await connect(sdk, server.url, token);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close(100);
  });

  // The gate answers these two with an HTTP status (403, 429) unless MCP_PROD_SCOPE_DENIAL=tool.
  const gated = new Set(['insufficient_scope', 'rate_limited']);
  it.each(toolErrorCases.filter((c) => !gated.has(c.code)))('$code reaches the client with its code and message', async (c) => {
    expectReadableToolError(await c.run(client, world), c.code, c.message);
  });

  it('rate_limited: a 429 whose body names the code and the limit', async () => {
    await client.call('hourly', {});
    expectReadableRefusal(await client.call('hourly', {}), 'rate_limited', /Rate limit for hourly/);
  });

  it('insufficient_scope: a 403 whose body names the code and the scope', async () => {
    expectReadableRefusal(await client.call('admin_only', {}), 'insufficient_scope', /test:admin/);
  });

  it('insufficient_scope and rate_limited as tool errors, when MCP_PROD_SCOPE_DENIAL=tool', async () => {
    const tool = await serve({ MCP_PROD_SCOPE_DENIAL: 'tool' });
    const { token } = await issueTestToken(tool.app, MATRIX_SCOPES);
    const scoped = await connect(sdk, tool.server.url, token);
    try {
      expectReadableToolError(await scoped.call('admin_only', {}), 'insufficient_scope', /test:admin/);
      const limited = toolErrorCases.find((c) => c.code === 'rate_limited')!;
      expectReadableToolError(await limited.run(scoped, tool.world), 'rate_limited', limited.message);
    } finally {
      await scoped.close();
      await tool.server.close(100);
    }
  });

  it('unauthorized: an unknown token is refused at connect with a readable 401', async () => {
    const outcome = await attempt(() => connect(sdk, server.url, 'mcpp_0000000000000000000000000000000000000000'));
    expectReadableRefusal(outcome, 'unauthorized', /token/);
  });

  it('unauthorized: a token revoked mid-session is refused on its next call', async () => {
    const { token, id } = await issueTestToken(app, MATRIX_SCOPES);
    const session = await connect(sdk, server.url, token);
    try {
      expect((await session.call('echo', { text: 'before' })).result?.isError).toBeFalsy();
      await app.store.tokens.revoke(id, new Date().toISOString());
      // One answer for every refused token: why it was refused (revoked) is in the server log only.
      expectReadableRefusal(await session.call('echo', { text: 'after' }), 'unauthorized', /not valid/);
    } finally {
      await session.close().catch(() => {});
    }
  });
});
