/**
 * A stateless 2025-era tools/call is answered by the pipeline directly (src/http/direct-call.ts).
 * The SDK's handler stays the reference: every request here goes to a server that serves it
 * directly and to one that hands everything to the SDK, and the two answers must agree (status,
 * content type, retry header and the JSON-RPC message), for results, tool errors, protocol
 * errors, replays, refusals, and for requests the direct path must leave to the SDK.
 */
import { request } from 'node:http';
import * as sdkModule from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startHttpServer, type HttpSettings, type RunningHttpServer } from '../src/http.js';
import { fixedClock } from '../src/platform/clock.js';
import * as serverModule from '../src/server.js';
import { fixtureTools } from './fixtures/tools.js';
import { issueTestToken, newKey, testApp } from './helpers/harness.js';

vi.mock('@modelcontextprotocol/server', async (importOriginal) => {
  const original = await importOriginal<typeof import('@modelcontextprotocol/server')>();
  return { ...original, classifyInboundRequest: vi.fn(original.classifyInboundRequest) };
});
vi.mock('../src/server.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/server.js')>();
  return { ...original, buildServer: vi.fn(original.buildServer) };
});

const running: RunningHttpServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close(100);
});

async function start(directCalls: boolean, env: Record<string, string>, settings: Partial<HttpSettings> = {}) {
  const config = loadConfig({ MCP_PROD_STORE: 'memory', PORT: '0', ...env });
  const { app } = testApp({ tools: fixtureTools, clock: fixedClock('2026-06-01T00:00:00Z'), config, authenticate: undefined });
  const server = await startHttpServer(app, { settings: { ...settings, directCalls } });
  running.push(server);
  const { token } = await issueTestToken(app, ['test:read', 'test:write']);
  return { url: server.url, token };
}

type Exchange = { body: unknown; headers?: Record<string, string> };

/** What a 2025-era client sends with every call. */
const callHeaders = (token: string) => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
  authorization: `Bearer ${token}`,
});

/** One answer, with what differs by run (call ids, timestamps) masked. */
async function send(target: { url: string; token: string }, exchange: Exchange) {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { ...callHeaders(target.token), ...exchange.headers },
    body: typeof exchange.body === 'string' ? exchange.body : JSON.stringify(exchange.body),
  });
  const text = await response.text();
  const data =
    response.headers.get('content-type') === 'text/event-stream'
      ? text
          .split('\n')
          .find((line) => line.startsWith('data: '))
          ?.slice(6)
      : text;
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
    retryAfter: response.headers.get('retry-after'),
    events: (text.match(/^event: /gm) ?? []).length,
    keepAlives: (text.match(/^: keepalive$/gm) ?? []).length,
    message: data ? JSON.parse(data.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')) : null,
  };
}

const call = (name: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  body: { jsonrpc: '2.0', id: 'c1', method: 'tools/call', params: { name, arguments: args, ...extra } },
});

/** Both servers get the same requests in the same order; returns both answers per request. */
async function compare(exchanges: Exchange[], env: Record<string, string> = {}, settings: Partial<HttpSettings> = {}) {
  const direct = await start(true, env, settings);
  const viaSdk = await start(false, env, settings);
  const pairs = [];
  for (const exchange of exchanges) pairs.push({ exchange, direct: await send(direct, exchange), sdk: await send(viaSdk, exchange) });
  return pairs;
}

describe('tools/call served directly', () => {
  it('answers exactly as the SDK does, and builds no MCP server per call', async () => {
    const key = newKey();
    const exchanges: Exchange[] = [
      call('echo', { text: 'hi', times: 2 }),
      { body: { jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name: 'echo', arguments: { text: 'numeric id' } } } },
      call('echo', { text: 5 }),
      call('echo', { text: 'x', extra: true }),
      call('no_such_tool', {}),
      call('old_echo', { text: 'deprecated' }),
      call('failing', { mode: 'business' }),
      call('failing', { mode: 'crash' }),
      call('failing', { mode: 'bad_output' }),
      call('priced', {}),
      call('summarize', { model: 'gpt-4o-mini', inputTokens: 1000, outputTokens: 200 }),
      call('write_thing', { value: 'a' }, { _meta: { 'mcp-prod/idempotencyKey': key } }),
      call('write_thing', { value: 'a' }, { _meta: { 'mcp-prod/idempotencyKey': key } }),
      call('write_thing', { value: 'b' }, { _meta: { 'mcp-prod/idempotencyKey': key } }),
      { ...call('write_thing', { value: 'c' }), headers: { 'idempotency-key': newKey() } },
      call('echo', { text: 'pinned' }, { toolVersion: '2' }),
      call('echo', { text: 'pinned' }, { toolVersion: '1' }),
      { body: { jsonrpc: '2.0', id: 'c1', method: 'tools/call', params: { name: 'echo' } } },
    ];
    const built = vi.mocked(serverModule.buildServer);
    const before = built.mock.calls.length;
    const pairs = await compare(exchanges);
    for (const { exchange, direct, sdk } of pairs) expect(direct, JSON.stringify(exchange.body)).toEqual(sdk);
    expect(pairs.map(({ direct }) => direct.status)).toEqual(exchanges.map(() => 200));
    // The direct server built one (its result shaper) at start; the SDK's built one per request, plus its own shaper.
    expect(built.mock.calls.length - before).toBe(1 + 1 + exchanges.length);
  });

  it('answers a rate-limited call with the same 429, and a missing scope as the same tool error', async () => {
    const pairs = await compare([call('echo', { text: 'one' }), call('echo', { text: 'two' })], { MCP_PROD_RATE_LIMIT: '1/min' });
    expect(pairs[1]!.direct).toEqual(pairs[1]!.sdk);
    expect(pairs[1]!.direct).toMatchObject({ status: 429, retryAfter: '60', message: { id: 'c1', error: { data: { code: 'rate_limited' } } } });

    const denied = await compare([call('write_thing', { value: 'x' })], { MCP_PROD_SCOPE_DENIAL: 'tool', MCP_PROD_RATE_LIMIT: '5/min' });
    expect(denied[0]!.direct).toEqual(denied[0]!.sdk);
  });

  it('keeps the stream of a slow call alive with the comments the SDK sends, then gives the same answer', async () => {
    const exchange = call('append_effect', { label: newKey(), delayMs: 450 }, { _meta: { 'mcp-prod/idempotencyKey': newKey() } });
    const [pair] = await compare([exchange], {}, { sseKeepAliveMs: 100 });
    const { direct, sdk } = pair!;
    expect(direct.keepAlives).toBeGreaterThanOrEqual(2);
    expect(sdk.keepAlives).toBeGreaterThanOrEqual(2);
    // The effect counter is shared by the two servers' fixtures, so only the numbers differ.
    expect({ ...direct, keepAlives: 0, message: null }).toEqual({ ...sdk, keepAlives: 0, message: null });
    for (const { message } of [direct, sdk]) expect(message).toMatchObject({ result: { structuredContent: { effect: expect.any(Number) } } });
  });

  it('leaves to the SDK what it would refuse or route elsewhere, with the same answers', async () => {
    const built = vi.mocked(serverModule.buildServer);
    const exchanges: Exchange[] = [
      { ...call('echo', { text: 'hi' }), headers: { 'mcp-protocol-version': '1999-01-01' } },
      { ...call('echo', { text: 'hi' }), headers: { accept: 'application/json' } },
      { ...call('echo', { text: 'hi' }), headers: { 'content-type': 'text/plain' } },
      { body: { jsonrpc: '2.0', id: null, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } } },
      { body: { jsonrpc: '2.0', id: 1.5, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } } },
      { body: { jsonrpc: '1.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } } },
      { body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} } },
      // Params the SDK's server validates or rewrites before a handler sees them.
      call('echo', [1] as unknown as Record<string, unknown>),
      { body: { jsonrpc: '2.0', id: 'c1', method: 'tools/call', params: { name: 'echo', arguments: null } } },
      call('echo', { text: 'hi' }, { task: 5 }),
      call('echo', { text: 'hi' }, { requestState: 5 }),
      call('echo', { text: 'hi' }, { _meta: { 'io.modelcontextprotocol/related-task': { taskId: 1 } } }),
    ];
    const before = built.mock.calls.length;
    const pairs = await compare(exchanges);
    for (const { exchange, direct, sdk } of pairs) expect(direct, `${JSON.stringify(exchange)}`).toEqual(sdk);
    expect(pairs.map(({ direct }) => direct.status)).toEqual([400, 406, 415, 400, 400, 400, 200, 200, 200, 200, 200, 400]);
    // The SDK refuses these params with a JSON-RPC error before any handler runs: no tool ran, nothing was counted.
    for (const { direct } of pairs.slice(7)) expect(direct.message, JSON.stringify(direct.message)).toMatchObject({ error: { code: expect.any(Number) } });
    expect(built.mock.calls.length - before).toBeGreaterThanOrEqual(2 + 2);
  });

  it('makes no AbortSignal for a handler that never looks at ctx.signal', async () => {
    const target = await start(true, {});
    // node:http rather than fetch, which makes a signal of its own for every request.
    const post = (body: unknown) =>
      new Promise<number>((resolve, reject) => {
        const req = request(target.url, { method: 'POST', headers: callHeaders(target.token) }, (res) =>
          res.resume().on('end', () => resolve(res.statusCode ?? 0)),
        );
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    const Original = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        made += 1;
      }
    };
    try {
      expect(await post(call('echo', { text: 'hi' }).body)).toBe(200);
    } finally {
      globalThis.AbortController = Original;
    }
    expect(made).toBe(0);
  });

  it('serves calls with an idempotency key or a progress token without asking the SDK classifier', async () => {
    const classify = vi.mocked(sdkModule.classifyInboundRequest);
    const target = await start(true, {});
    const before = classify.mock.calls.length;
    const answers = [
      await send(target, call('write_thing', { value: 'keyed' }, { _meta: { 'mcp-prod/idempotencyKey': newKey() } })),
      await send(target, call('echo', { text: 'hi' }, { _meta: { progressToken: 'p-1' } })),
      await send(target, call('echo', { text: 'hi' }, { _meta: { progressToken: 7, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } })),
    ];
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, message: { result: { content: [{ type: 'text' }] } } });
    expect(classify.mock.calls.length - before).toBe(0);
  });

  it('decides as the SDK classifier does, where its shortcut answers and where it asks, with the same answers', async () => {
    const exchanges: Exchange[] = [
      // A key beside the request's four (the SDK's request schema is strict), a _meta its schema refuses.
      { body: { ...call('echo', { text: 'hi' }).body, result: {} } },
      { body: { ...call('echo', { text: 'hi' }).body, extra: 1 } },
      call('echo', { text: 'hi' }, { _meta: { progressToken: { not: 'a token' } } }),
      // Progress tokens at the edges of what the SDK's request schema takes: strings and safe integers.
      call('echo', { text: 'hi' }, { _meta: { progressToken: 2 ** 53 } }),
      call('echo', { text: 'hi' }, { _meta: { progressToken: 1.5 } }),
      call('echo', { text: 'hi' }, { _meta: { progressToken: null } }),
      call('echo', { text: 'hi' }, { _meta: { progressToken: true, 'mcp-prod/idempotencyKey': newKey() } }),
      call('echo', { text: 'hi' }, { _meta: { progressToken: -(2 ** 53 - 1) } }),
      call('echo', { text: 'hi' }, { _meta: { progressToken: '' } }),
      // Routing headers, which the 2025 era ignores, and a _meta it accepts.
      { ...call('echo', { text: 'hi' }), headers: { 'mcp-method': 'tools/list' } },
      { ...call('echo', { text: 'hi' }), headers: { 'mcp-method': 'tools/call', 'mcp-name': 'echo' } },
      call('echo', { text: 'hi' }, { _meta: { progressToken: 7 } }),
    ];
    const pairs = await compare(exchanges);
    for (const { exchange, direct, sdk } of pairs) expect(direct, `${JSON.stringify(exchange)}`).toEqual(sdk);
    expect(pairs.map(({ direct }) => direct.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 200, 200, 200, 200, 200]);
    for (const { direct } of pairs.slice(7)) expect(direct.message).toMatchObject({ result: { content: [{ type: 'text' }] } });
  });
});
