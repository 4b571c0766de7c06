import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { generateToken } from '../../src/platform/tokens.js';
import { countEffects } from '../fixtures/tools.js';
import { issueTestToken } from '../helpers/harness.js';
import { closeServers, mcpHeaders, rawSocket, send, serve, toolCall, within } from './http-support.js';
import { collectSecrets } from './secret-scan.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  await closeServers();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('malformed requests get a 4xx that says what was wrong, never a 500', () => {
  it('writes one call line for a tools/call the SDK refuses before the pipeline (no tool name)', async () => {
    const { url, auth, logs } = await serve();
    const response = await send(url, {
      headers: { ...mcpHeaders, ...auth },
      body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { arguments: { text: 'x' } } }),
    });
    expect(response.status).toBeLessThan(500);
    expect(logs.calls()).toMatchObject([{ tool_name: 'unknown', status: 'error', error_code: 'invalid_params', user_id: 'alice' }]);
  });

  it('answers 400 parse error to JSON nested 10,000 deep, and still takes brackets inside strings', async () => {
    const { url, auth, logs } = await serve();
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":${'['.repeat(10_000)}${']'.repeat(10_000)}}}}`;
    const response = await send(url, { headers: { ...mcpHeaders, ...auth }, body: deep });
    expect(response.status).toBe(400);
    expect(response.json().error).toMatchObject({ code: -32700, message: expect.stringContaining('nests deeper than 100 levels') });
    const bare = await send(url, { headers: { ...mcpHeaders, ...auth }, body: '['.repeat(10_000) });
    expect(bare.status).toBe(400);
    const quoted = await send(url, { headers: { ...mcpHeaders, ...auth }, body: toolCall('write_thing', { value: `${'['.repeat(5_000)}"{\\` }) });
    expect(quoted.status).toBe(200);
    expect(quoted.json().result.isError).toBeFalsy();
    expect(logs.events('transport_error')).toEqual([]);
  });

  it('answers 400 to a Host header with userinfo or anything else that is not host[:port]', async () => {
    const { url, auth } = await serve();
    const { port } = new URL(url);
    for (const host of [`user@127.0.0.1:${port}`, `user:pass@localhost:${port}`, `127.0.0.1:${port}/x`, '127.0.0.1 evil']) {
      const response = await send(url, { headers: { ...mcpHeaders, ...auth, host }, body: toolCall('echo', { text: 'hi' }) });
      expect(response.status, host).toBe(400);
      expect(response.json().error.message).toMatch(/Host header must be a host name/);
    }
    expect((await send(url, { headers: { ...mcpHeaders, ...auth, host: `[::1]:${port}` }, body: toolCall('echo', { text: 'hi' }) })).status).toBe(200);
  });

  it('refuses JSON-RPC batches with 400, so a batch cannot carry a call past the scope check', async () => {
    const { app, url } = await serve();
    const { token } = await issueTestToken(app, ['test:read']);
    collectSecrets(token);
    const label = `batch-${Date.now()}`;
    const batch = JSON.stringify([JSON.parse(toolCall('echo', { text: 'hi' }, 1)), JSON.parse(toolCall('append_effect', { label }, 2))]);
    const response = await send(url, { headers: { ...mcpHeaders, authorization: `Bearer ${token}` }, body: batch });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ id: null, error: { code: -32600, message: expect.stringContaining('batches are not supported') } });
    expect(countEffects(app.store, label)).toBe(0);
  });

  it('answers 400 to two Authorization headers, even when both are valid, and to two Host headers', async () => {
    const { app, url, token } = await serve();
    const { token: other } = await issueTestToken(app, ['test:read']);
    collectSecrets(other);
    for (const pair of [
      [`Bearer ${token}`, `Bearer ${other}`],
      [`Bearer ${token}`, 'Bearer mcpp_forged'],
      ['Bearer mcpp_forged', `Bearer ${token}`],
    ]) {
      const response = await send(url, { headers: { ...mcpHeaders, authorization: pair }, body: toolCall('echo', { text: 'hi' }) });
      expect(response.status).toBe(400);
      expect(response.json().error.message).toBe('The request carries more than one Authorization header; send exactly one.');
    }
    // node's client will not send two Host headers; a socket will.
    const client = rawSocket(url);
    const body = toolCall('echo', { text: 'hi' });
    client.socket.write(
      `POST /mcp HTTP/1.1\r\nHost: ${new URL(url).host}\r\nHost: evil.example\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    await within(2_000, client.closed);
    expect(client.received()).toMatch(/^HTTP\/1\.1 400 [\s\S]*more than one Host header/);
  });

  it('gives every refused token the same 401 text; only the server log says unknown, expired, revoked or malformed', async () => {
    const { app, url, logs } = await serve({ settings: { logQuietMs: 0 } });
    const expired = await issueTestToken(app, ['test:read'], { ttlMs: 1 });
    const revoked = await issueTestToken(app, ['test:read']);
    await app.store.tokens.revoke(revoked.id, new Date().toISOString());
    const unknown = generateToken();
    const badChecksum = `${unknown.slice(0, -6)}AAAAAA`;
    collectSecrets(expired.token, revoked.token, unknown, badChecksum);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const answers = [];
    for (const token of [unknown, expired.token, revoked.token, badChecksum]) {
      const response = await send(url, { headers: { ...mcpHeaders, authorization: `Bearer ${token}` }, body: toolCall('echo', { text: 'hi' }) });
      answers.push({ status: response.status, challenge: response.headers['www-authenticate'], message: response.json().error.message });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({
      status: 401,
      challenge: 'Bearer realm="mcp", error="invalid_token", error_description="The bearer token is not valid."',
      message: 'The bearer token is not valid.',
    });
    expect(logs.events('http_unauthorized').map((line) => line.reason)).toEqual(['unknown', 'expired', 'revoked', 'malformed']);
  });
});

describe('JWT mode', () => {
  async function keys() {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const sign = (claims: Record<string, unknown>, subject: string, kid = 'k1') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(subject)
        .setIssuer('https://auth.example.com')
        .setAudience('https://mcp.example.com/mcp')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey);
    return { jwk, sign };
  }
  const jwtEnv = (source: Record<string, string>) => ({
    MCP_PROD_AUTH: 'jwt',
    MCP_PROD_JWT_ISSUER: 'https://auth.example.com',
    MCP_PROD_JWT_AUDIENCE: 'https://mcp.example.com/mcp',
    MCP_PROD_RESOURCE_URL: 'https://mcp.example.com/mcp',
    ...source,
  });

  /** A JWKS endpoint the test can take down. */
  async function jwksEndpoint(body: unknown) {
    const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
    cleanups.push(() => (server.listening ? stop() : undefined));
    return { url, stop };
  }

  it('answers 503 auth_unavailable with Retry-After when the JWKS endpoint cannot be reached, and logs the cause', async () => {
    const { jwk, sign } = await keys();
    const jwks = await jwksEndpoint({ keys: [jwk] });
    const token = await sign({ scope: 'test:read' }, 'user-1');
    collectSecrets(token);
    const up = await serve({ env: jwtEnv({ MCP_PROD_JWT_JWKS_URL: jwks.url }) });
    expect((await send(up.url, { headers: { ...mcpHeaders, authorization: `Bearer ${token}` }, body: toolCall('echo', { text: 'hi' }) })).status).toBe(200);
    // A token whose key is not in a reachable key set is still just invalid.
    const unknownKey = await sign({ scope: 'test:read' }, 'user-1', 'k2');
    expect((await send(up.url, { headers: { ...mcpHeaders, authorization: `Bearer ${unknownKey}` }, body: '{}' })).status).toBe(401);

    await jwks.stop();
    const down = await serve({ env: jwtEnv({ MCP_PROD_JWT_JWKS_URL: jwks.url }) });
    const response = await send(down.url, { headers: { ...mcpHeaders, authorization: `Bearer ${token}` }, body: toolCall('echo', { text: 'hi' }) });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json().error).toMatchObject({ code: -31503, data: { code: 'auth_unavailable', retryable: true } });
    expect(response.headers['www-authenticate']).toBeUndefined();
    const [logged] = down.logs.events('auth_unavailable');
    expect(JSON.stringify(logged)).toMatch(/could not be fetched.*(fetch failed|ECONNREFUSED)/);
  });

  it('refuses a JWT whose sub claim is empty', async () => {
    const { jwk, sign } = await keys();
    const dir = mkdtempSync(path.join(tmpdir(), 'jwks-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
    const { url, logs } = await serve({ env: jwtEnv({ MCP_PROD_JWT_JWKS_FILE: path.join(dir, 'jwks.json') }) });
    const empty = await sign({ scope: 'test:read' }, '');
    const blank = await sign({ scope: 'test:read' }, '   ');
    collectSecrets(empty, blank);
    for (const token of [empty, blank]) {
      const response = await send(url, { headers: { ...mcpHeaders, authorization: `Bearer ${token}` }, body: toolCall('echo', { text: 'hi' }) });
      expect(response.status).toBe(401);
      expect(response.json().error.message).toBe('The bearer token is not valid.');
    }
    expect(logs.events('http_unauthorized')[0]).toMatchObject({ reason: 'invalid', hint: 'the "sub" claim is empty' });
    expect(logs.calls()).toEqual([]);
  });
});
