import { afterEach, expect, it } from 'vitest';
import { localPrincipal } from '../../src/platform/auth.js';
import tool from '../../src/tools/get-weather.js';
import { connectClient, errorOf, testApp } from '../helpers/harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

it('get_weather answers a valid call through the whole pipeline', async () => {
  const { app, logs } = testApp({ tools: [tool], authenticate: localPrincipal(tool.scopes) });
  const { client, close } = await connectClient(app);
  cleanups.push(close);
  const result = await client.callTool({
    name: 'get_weather',
    arguments: { query: 'hello' },
  });
  expect(result.isError).toBeFalsy();
  expect(result.structuredContent).toMatchObject({ result: expect.any(String) });
  expect(logs.calls()).toMatchObject([{ tool_name: 'get_weather', status: 'ok' }]);
});

it('get_weather refuses a caller without its scopes', async () => {
  const { app } = testApp({ tools: [tool], authenticate: localPrincipal([]) });
  const { client, close } = await connectClient(app);
  cleanups.push(close);
  const result = await client.callTool({ name: 'get_weather', arguments: { query: 'hello' } });
  expect(errorOf(result)).toMatchObject({ code: 'insufficient_scope' });
});
