import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startHttpServer, type RunningHttpServer } from '../src/http.js';
import { fixedClock } from '../src/platform/clock.js';
import { generateToken, rotateToken } from '../src/platform/tokens.js';
import { createMemoryStore } from '../src/store/memory.js';
import { countEffects, fixtureTools } from './fixtures/tools.js';
import { issueTestToken, newKey, tamperedToken, testApp } from './helpers/harness.js';

const running: RunningHttpServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close(100);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An HTTP server whose auth is the real thing: tokens verified against the store on every request. */
async function start(env: Record<string, string> = {}, now = '2026-06-01T00:00:00Z') {
  const clock = fixedClock(now);
  const config = loadConfig({ MCP_PROD_STORE: 'memory', PORT: '0', ...env });
  const { app, logs } = testApp({ tools: fixtureTools, clock, config, authenticate: undefined });
  const server = await startHttpServer(app);
  running.push(server);
  return { app, logs, clock, url: server.url };
}

async function rpc(url: string, method: string, params: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const text = await response.text();
  const json = text.startsWith('{') ? text : (text.split('\n').find((l) => l.startsWith('data: ')) ?? 'data: null').slice(6);
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: JSON.parse(json) as Record<string, any> };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const callEcho = (url: string, headers: Record<string, string>) => rpc(url, 'tools/call', { name: 'echo', arguments: { text: 'hi' } }, headers);

describe('bearer tokens over HTTP', () => {
  it('answers 401 with a bare Bearer challenge when no token is sent, and logs one http_unauthorized line', async () => {
    const { url, logs } = await start();
    const response = await callEcho(url, {});
    expect(response.status).toBe(401);
    expect(response.challenge).toBe('Bearer realm="mcp"');
    // The body of a request without a token is never read, so there is no tool name to log a call line for.
    expect(logs.calls()).toEqual([]);
    expect(logs.events('http_unauthorized')).toMatchObject([{ reason: 'missing', status: 401 }]);
  });

  it.each([
    ['a Basic credential', 'Basic dXNlcjpwYXNz'],
    ['an empty Bearer', 'Bearer '],
    ['a token with a bad checksum', 'Bearer mcpp_000000000000000000000000000000AAAAAA'],
    ['a token from elsewhere', 'Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
  ])('answers 401 invalid_token to %s without looking it up', async (_label, header) => {
    const { url, app } = await start();
    const lookups = vi.spyOn(app.store.tokens, 'findByHash');
    const response = await callEcho(url, { authorization: header });
    expect(response.status).toBe(401);
    expect(response.challenge).toMatch(/^Bearer realm="mcp"(, error="invalid_token")?/);
    expect(lookups).not.toHaveBeenCalled();
  });

  it('answers 401 to a well-formed token it never issued', async () => {
    const { url, app, logs } = await start();
    await issueTestToken(app, ['test:read']);
    const lookups = vi.spyOn(app.store.tokens, 'findByHash');
    const response = await callEcho(url, bearer(generateToken()));
    expect(response.status).toBe(401);
    expect(response.challenge).toContain('error_description="The bearer token is not valid."');
    expect(lookups).toHaveBeenCalledTimes(1);
    expect(logs.events('http_unauthorized')).toMatchObject([{ reason: 'unknown' }]);
  });

  it('accepts the scheme in any case', async () => {
    const { url, app } = await start();
    const { token } = await issueTestToken(app, ['test:read']);
    expect((await callEcho(url, { authorization: `bearer ${token}` })).status).toBe(200);
  });

  it('treats a token as expired from the instant of expiry', async () => {
    const { url, app, clock, logs } = await start({}, '2026-06-01T00:00:00Z');
    const { token } = await issueTestToken(app, ['test:read'], { ttlMs: 60_000 });
    clock.set('2026-06-01T00:00:59.999Z');
    expect((await callEcho(url, bearer(token))).status).toBe(200);
    clock.set('2026-06-01T00:01:00.000Z');
    const expired = await callEcho(url, bearer(token));
    expect(expired.status).toBe(401);
    expect(expired.challenge).toContain('error="invalid_token"');
    // Why the token is refused is for the server log; the caller only learns that it is not valid.
    expect(expired.challenge).toContain('not valid');
    expect(expired.challenge).not.toContain('expired');
    expect(logs.events('http_unauthorized')).toMatchObject([{ reason: 'expired' }]);
  });

  it('refuses a revoked token from the next request on', async () => {
    const { url, app, logs } = await start();
    const { token, id } = await issueTestToken(app, ['test:read']);
    expect((await callEcho(url, bearer(token))).status).toBe(200);
    await app.store.tokens.revoke(id, app.clock.now().toISOString());
    const refused = await callEcho(url, bearer(token));
    expect(refused.status).toBe(401);
    expect(refused.challenge).not.toContain('revoked');
    expect(refused.body.error.message).toBe('The bearer token is not valid.');
    expect(logs.events('http_unauthorized')).toMatchObject([{ reason: 'revoked' }]);
  });

  it('answers 403 insufficient_scope naming every required scope, before the handler runs', async () => {
    const { url, app, logs } = await start();
    const { token } = await issueTestToken(app, ['test:read']);
    const label = newKey();
    const response = await rpc(url, 'tools/call', { name: 'append_effect', arguments: { label } }, { ...bearer(token), 'idempotency-key': newKey() });
    expect(response.status).toBe(403);
    expect(response.challenge).toContain('error="insufficient_scope"');
    expect(response.challenge).toContain('scope="test:write"');
    expect(response.body.error.data).toMatchObject({ code: 'insufficient_scope', requiredScopes: ['test:write'], missingScopes: ['test:write'] });
    expect(response.body.error.code).toBe(-31403);
    expect(countEffects(app.store, label)).toBe(0);
    expect(logs.calls()).toMatchObject([{ tool_name: 'append_effect', user_id: 'alice', error_code: 'insufficient_scope' }]);
    // The refused call still counts, as an error, so that the store and the logs agree.
    await app.store.flush();
    expect(await app.store.costs.daily('2026-06-01')).toMatchObject([{ tool: 'append_effect', principalId: 'alice', calls: 1, errors: 1 }]);
  });

  it('checks expiry before scopes: an expired token without the scope gets 401, never 403', async () => {
    const { url, app, clock } = await start();
    const { token } = await issueTestToken(app, ['test:read'], { ttlMs: 1000 });
    clock.set('2026-06-02T00:00:00Z');
    const response = await rpc(url, 'tools/call', { name: 'append_effect', arguments: { label: 'x' } }, bearer(token));
    expect(response.status).toBe(401);
  });

  it('can deny a missing scope as an insufficient_scope tool error instead', async () => {
    const { url, app } = await start({ MCP_PROD_SCOPE_DENIAL: 'tool' });
    const { token } = await issueTestToken(app, ['test:read']);
    const response = await rpc(url, 'tools/call', { name: 'append_effect', arguments: { label: 'x' } }, bearer(token));
    expect(response.status).toBe(200);
    expect(response.body.result).toMatchObject({ isError: true, _meta: { 'mcp-prod/error': { code: 'insufficient_scope', requiredScopes: ['test:write'] } } });
    expect(response.body.result.structuredContent).toBeUndefined();
  });

  it('answers a call over its rate limit with 429 and Retry-After, logged and counted like any refused call', async () => {
    const { url, app, logs } = await start({ MCP_PROD_RATE_LIMIT: '2/min' });
    const { token } = await issueTestToken(app, ['test:read']);
    expect((await callEcho(url, bearer(token))).status).toBe(200);
    expect((await callEcho(url, bearer(token))).status).toBe(200);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...bearer(token) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'third', method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBe(30);
    const body = (await response.json()) as Record<string, any>;
    expect(body).toMatchObject({ id: 'third', error: { code: -31429, data: { code: 'rate_limited', retryable: true, retryAfterMs: 30_000, limit: 2 } } });
    expect(body.error.message).toContain('Rate limit for echo reached (2/min per caller)');
    expect(logs.calls().map((line) => line.error_code)).toEqual([null, null, 'rate_limited']);
    await app.store.flush();
    expect(await app.store.costs.daily('2026-06-01')).toMatchObject([{ tool: 'echo', calls: 3, errors: 1, errorCodes: { rate_limited: 1 } }]);
  });

  it('answers a replay over the rate limit from the idempotency record, not with 429', async () => {
    const { url, app } = await start({ MCP_PROD_RATE_LIMIT: '1/min' });
    const { token } = await issueTestToken(app, ['test:write']);
    const label = newKey();
    const params = { name: 'append_effect', arguments: { label, delayMs: 0 }, idempotencyKey: newKey() };
    expect((await rpc(url, 'tools/call', params, bearer(token))).status).toBe(200);
    const replay = await rpc(url, 'tools/call', params, bearer(token));
    expect(replay.status).toBe(200);
    expect(replay.body.result._meta['mcp-prod/idempotentReplay']).toBe(true);
    const fresh = await rpc(url, 'tools/call', { ...params, idempotencyKey: newKey() }, bearer(token));
    expect(fresh.status).toBe(429);
    expect(countEffects(app.store, label)).toBe(1);
  });

  it('can answer a call over its rate limit as a rate_limited tool error instead', async () => {
    const { url, app } = await start({ MCP_PROD_RATE_LIMIT: '1/min', MCP_PROD_SCOPE_DENIAL: 'tool' });
    const { token } = await issueTestToken(app, ['test:read']);
    await callEcho(url, bearer(token));
    const response = await callEcho(url, bearer(token));
    expect(response.status).toBe(200);
    expect(response.body.result).toMatchObject({ isError: true, _meta: { 'mcp-prod/error': { code: 'rate_limited', retryable: true, retryAfterMs: 60_000 } } });
  });

  it('lists only the tools a caller may call, unless configured to list all', async () => {
    const { url, app } = await start();
    const { token } = await issueTestToken(app, ['test:read']);
    const names = (await rpc(url, 'tools/list', {}, bearer(token))).body.result.tools.map((t: { name: string }) => t.name);
    expect(names).toContain('echo');
    expect(names).not.toContain('append_effect');
    expect(names).not.toContain('write_thing');

    const all = await start({ MCP_PROD_LIST_TOOLS: 'all' });
    const { token: other } = await issueTestToken(all.app, ['test:read']);
    const everything = (await rpc(all.url, 'tools/list', {}, bearer(other))).body.result.tools.map((t: { name: string }) => t.name);
    expect(everything).toContain('append_effect');
  });

  it('keeps the old token valid only for the grace window after a rotation', async () => {
    const { url, app, clock } = await start();
    const { token: old, id } = await issueTestToken(app, ['test:read', 'test:write']);
    const rotated = await rotateToken(app.store.tokens, id, 3_600_000, clock.now());
    expect(rotated.record.scopes).toEqual(['test:read', 'test:write']);
    expect(rotated.record.principalId).toBe('alice');
    expect((await callEcho(url, bearer(old))).status).toBe(200);
    expect((await callEcho(url, bearer(rotated.token))).status).toBe(200);
    clock.set('2026-06-01T01:00:00.000Z');
    expect((await callEcho(url, bearer(old))).status).toBe(401);
    expect((await callEcho(url, bearer(rotated.token))).status).toBe(200);
  });

  it('answers 503 store_unavailable with Retry-After, never 500, when the token store fails, and logs the outage', async () => {
    const store = createMemoryStore();
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const broken = new Proxy(store, {
      get: (target, prop) => (prop === 'tokens' ? { ...target.tokens, findByHash: () => Promise.reject(down) } : Reflect.get(target, prop)),
    });
    const { app, logs } = testApp({ tools: fixtureTools, store: broken, config: loadConfig({ MCP_PROD_STORE: 'memory', PORT: '0' }), authenticate: undefined });
    const server = await startHttpServer(app);
    running.push(server);
    const { token } = await issueTestToken(app, ['test:read']);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    // The token is checked before the body is read, so the request's id is not known yet.
    expect(await response.json()).toMatchObject({ id: null, error: { code: -31503, data: { code: 'store_unavailable', retryable: true } } });
    expect(logs.events('auth_store_error')).toHaveLength(1);
    expect(logs.calls()).toEqual([]);
  });

  it('answers its own refusals with JSON-RPC codes outside the range the specification reserves', async () => {
    const { url } = await start({ MCP_PROD_MAX_BODY_BYTES: '4096' });
    const reserved = (code: number) => code >= -32768 && code <= -32000;
    const unauthorized = await callEcho(url, {});
    expect(unauthorized.body.error).toMatchObject({ code: -31401, data: { code: 'unauthorized' } });
    const tooLarge = await rpc(url, 'tools/call', { name: 'echo', arguments: { text: 'x'.repeat(5000) } }, {});
    expect(tooLarge.status).toBe(413);
    for (const { body } of [unauthorized, tooLarge]) expect(reserved(body.error.code), JSON.stringify(body)).toBe(false);
  });

  it('takes a top-level params.idempotencyKey from the raw body (SEP-3182) and replays with it', async () => {
    const { url, app } = await start();
    const { token } = await issueTestToken(app, ['test:write']);
    const label = newKey();
    const params = { name: 'append_effect', arguments: { label, delayMs: 0 }, idempotencyKey: newKey() };
    const first = await rpc(url, 'tools/call', params, bearer(token));
    const second = await rpc(url, 'tools/call', params, bearer(token));
    expect(first.body.result.isError).toBeFalsy();
    expect(second.body.result._meta['mcp-prod/idempotentReplay']).toBe(true);
    expect(countEffects(app.store, label)).toBe(1);
  });

  it('never writes a token or an idempotency key into logs or responses', async () => {
    const { url, app, logs } = await start();
    const { token } = await issueTestToken(app, ['test:admin']);
    const key = `secret-key-${newKey()}`;
    const responses = [
      await rpc(url, 'tools/call', { name: 'append_effect', arguments: { label: 'a' }, _meta: { 'mcp-prod/idempotencyKey': key } }, bearer(token)),
      await rpc(url, 'tools/call', { name: 'append_effect', arguments: { label: 'a' }, _meta: { 'mcp-prod/idempotencyKey': key } }, bearer(token)),
      await rpc(url, 'tools/call', { name: 'append_effect', arguments: { label: 'b' }, _meta: { 'mcp-prod/idempotencyKey': key } }, bearer(token)),
      await rpc(url, 'tools/call', { name: 'failing', arguments: { mode: 'crash' } }, bearer(token)),
      await callEcho(url, bearer(tamperedToken(token))),
    ];
    const everything = JSON.stringify(logs.lines) + JSON.stringify(responses);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.slice(5, 35));
    expect(everything).not.toContain(key);
    expect(logs.calls().length).toBe(4);
    expect(logs.events('http_unauthorized')).toHaveLength(1);
    const stored = JSON.stringify(await app.store.tokens.list());
    expect(stored).not.toContain(token.slice(5, 35));
  });
});

describe('JWT access tokens (OAuth mode)', () => {
  async function startJwt() {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const dir = mkdtempSync(path.join(tmpdir(), 'jwks-'));
    dirs.push(dir);
    const jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
    const server = await start({
      MCP_PROD_AUTH: 'jwt',
      MCP_PROD_JWT_ISSUER: 'https://auth.example.com',
      MCP_PROD_JWT_AUDIENCE: 'https://mcp.example.com/mcp',
      MCP_PROD_JWT_JWKS_FILE: jwksFile,
      MCP_PROD_RESOURCE_URL: 'https://mcp.example.com/mcp',
    });
    const sign = (claims: Record<string, unknown>, options: { audience?: string; issuer?: string; expiresIn?: string | number } = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('user-42')
        .setIssuer(options.issuer ?? 'https://auth.example.com')
        .setAudience(options.audience ?? 'https://mcp.example.com/mcp')
        .setIssuedAt(new Date('2026-06-01T00:00:00Z'))
        .setExpirationTime(options.expiresIn ?? new Date('2026-06-01T01:00:00Z'))
        .sign(privateKey);
    return { ...server, sign };
  }

  it('accepts a valid token and takes scopes from its scope claim', async () => {
    const { url, sign, logs } = await startJwt();
    const token = await sign({ scope: 'test:read other:thing' });
    expect((await callEcho(url, bearer(token))).status).toBe(200);
    expect(logs.calls()[0]).toMatchObject({ user_id: 'user-42', status: 'ok' });
    const denied = await rpc(url, 'tools/call', { name: 'append_effect', arguments: { label: 'x' } }, bearer(token));
    expect(denied.status).toBe(403);
  });

  it.each([
    ['another audience', { audience: 'https://other.example.com' }],
    ['another issuer', { issuer: 'https://evil.example.com' }],
    ['an expiry in the past', { expiresIn: new Date('2026-05-31T23:00:00Z').getTime() / 1000 }],
  ])('refuses a token with %s', async (_label, options) => {
    const { url, sign } = await startJwt();
    expect((await callEcho(url, bearer(await sign({ scope: 'test:read' }, options)))).status).toBe(401);
  });

  it('allows the configured clock tolerance past expiry, and no more', async () => {
    const { url, sign } = await startJwt();
    const now = Date.parse('2026-06-01T00:00:00Z') / 1000;
    expect((await callEcho(url, bearer(await sign({ scope: 'test:read' }, { expiresIn: now - 20 })))).status).toBe(200);
    expect((await callEcho(url, bearer(await sign({ scope: 'test:read' }, { expiresIn: now - 40 })))).status).toBe(401);
  });

  it('refuses a token signed with an algorithm outside the allow-list', async () => {
    const { url } = await startJwt();
    const secret = new TextEncoder().encode('a-shared-secret-that-is-long-enough-for-hs256');
    const hs256 = await new SignJWT({ scope: 'test:read' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('user-42')
      .setIssuer('https://auth.example.com')
      .setAudience('https://mcp.example.com/mcp')
      .setExpirationTime(new Date('2026-06-01T01:00:00Z'))
      .sign(secret);
    expect((await callEcho(url, bearer(hs256))).status).toBe(401);
  });

  it('refuses an unsigned (alg: none) token', async () => {
    const { url } = await startJwt();
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none' })}.${encode({ sub: 'x', scope: 'test:read', iss: 'https://auth.example.com', aud: 'https://mcp.example.com/mcp', exp: 4_102_444_800 })}.`;
    expect((await callEcho(url, bearer(unsigned))).status).toBe(401);
  });

  it('serves RFC 9728 protected-resource metadata and points challenges at it', async () => {
    const { url } = await startJwt();
    const metadata = await (await fetch(url.replace(/\/mcp$/, '/.well-known/oauth-protected-resource'))).json();
    expect(metadata).toEqual({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://auth.example.com'],
      scopes_supported: ['test:read', 'test:write'],
      bearer_methods_supported: ['header'],
    });
    const challenge = (await callEcho(url, {})).challenge;
    expect(challenge).toBe('Bearer realm="mcp", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"');
  });
});
