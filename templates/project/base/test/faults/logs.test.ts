import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { issueToken } from '../../src/platform/tokens.js';
import { defineTool } from '../../src/platform/tool.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { fixtureTools } from '../fixtures/tools.js';
import { connectClient, newKey, rawCall, testApp } from '../helpers/harness.js';
import { collectLogs, collectSecrets } from './secret-scan.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';

/** Echoes credentials back in every way careless code does: in its error, its log, its answer. */
const leaky = defineTool({
  name: 'leaky',
  version: '1.0.0',
  description: 'Fails with whatever it was given in its message.',
  scopes: [],
  readOnly: true,
  input: z.object({ note: z.string(), mode: z.enum(['throw', 'log']) }),
  async handler({ note, mode }, ctx) {
    if (mode === 'log') ctx.log.info({ event: 'debugging', header: `Bearer ${note}` }, `calling upstream with ${note}`);
    if (mode === 'throw') throw new Error(`upstream refused Authorization: Bearer ${note} (jwt ${jwt})`);
    return 'ok';
  },
});

describe('logs keep no secrets', () => {
  it('cuts token-shaped values out of inputs, error text and handler logs, whatever field they are in', async () => {
    const store = createMemoryStore();
    const { token } = await issueToken(store.tokens, { principal: 'alice', scopes: ['test:admin'], now: new Date() });
    const key = `key-${newKey()}`;
    collectSecrets(token, jwt, key);
    const { app, logs } = testApp({ tools: [...fixtureTools, leaky], store });
    const { client, close } = await connectClient(app);
    cleanups.push(close);
    await client.callTool({ name: 'leaky', arguments: { note: token, mode: 'throw' } });
    await client.callTool({ name: 'leaky', arguments: { note: token, mode: 'log' } });
    await client.callTool({ name: 'write_thing', arguments: { value: `token ${token} and ${jwt}`, idempotencyKey: key } });
    await client.callTool({ name: 'echo', arguments: { text: token } });
    const text = logs.raw.join('\n');
    collectLogs(text);
    for (const secret of [token, jwt, key, token.slice(5, 30)]) expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED]');
    expect(logs.calls()).toHaveLength(4);
  });

  it('cuts a caller-supplied tool name to a bounded length in its one line', async () => {
    const { app, logs } = testApp({ tools: fixtureTools });
    const { message } = await rawCall(app, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'x'.repeat(100_000), arguments: {} } });
    expect(message.error?.message.length).toBeLessThan(300);
    const calls = logs.calls();
    expect(calls).toHaveLength(1);
    expect(String(calls[0]!.tool_name).length).toBeLessThan(200);
    expect(logs.raw.join('\n').length).toBeLessThan(5_000);
    collectLogs(logs.raw.join('\n'));
  });
});
