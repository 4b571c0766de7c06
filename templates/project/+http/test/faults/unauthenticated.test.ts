import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { httpSettings } from '../../src/http/settings.js';
import { closeServers, mcpHeaders, rawSocket, send, serve, spawnServer, toolCall, within } from './http-support.js';

afterEach(closeServers);

const MB = 1024 * 1024;

describe('a client without a token costs almost nothing', () => {
  it('is answered 401 from its headers alone and disconnected, however slowly its body would arrive', async () => {
    const { url, logs } = await serve();
    const { hostname, port } = new URL(url);
    const client = rawSocket(url);
    client.socket.write(`POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${MB}\r\n\r\n{"jsonrpc":"2.0"`);
    const { ms } = await within(2_000, client.closed);
    expect(client.received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(client.received().toLowerCase()).toContain('connection: close');
    expect(ms).toBeLessThan(1_000);
    expect(logs.events('http_unauthorized')).toMatchObject([{ reason: 'missing', status: 401 }]);
    expect(logs.calls()).toEqual([]);
  });

  it('hangs up without a reset, so that a client still sending its body reads the 401 and sees no error', async () => {
    const { url } = await serve();
    const { hostname, port } = new URL(url);
    const client = rawSocket(url, { halfOpen: true });
    const length = 250 * 1024;
    const head = `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    // More than the server reads before it answers: closing with this unread would be a reset.
    client.socket.write(head + '{"jsonrpc":"2.0",'.padEnd(200 * 1024, ' '));
    await within(2_000, client.ended);
    expect(client.received()).toMatch(/^HTTP\/1\.1 401 /);
    client.socket.end(' '.repeat(length - 200 * 1024));
    await within(2_000, client.closed);
    expect(client.errors()).toEqual([]);
  });

  it('does not serve a request pipelined behind a refused one', async () => {
    const { url, logs } = await serve();
    const { hostname, port } = new URL(url);
    const client = rawSocket(url);
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`;
    const refused = `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`;
    client.socket.write(refused + get('/healthz') + get('/readyz'));
    await within(2_000, client.closed);
    expect(client.received().match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 401']);
    expect(logs.events('http_unauthorized')).toHaveLength(1);
  });

  it('still answers the request ahead of a refused one when another arrives after the refusal', async () => {
    const { url, token } = await serve();
    const { hostname, port } = new URL(url);
    const client = rawSocket(url, { halfOpen: true });
    const host = `Host: ${hostname}:${port}\r\n`;
    const post = (body: string, auth = '') =>
      `POST /mcp HTTP/1.1\r\n${host}${auth}Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const slow = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'append_effect', arguments: { label: 'ahead', delayMs: 300 }, _meta: { 'mcp-prod/idempotencyKey': randomUUID() } },
    });
    client.socket.write(post(slow, `Authorization: Bearer ${token}\r\n`) + post('{}'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.socket.write(`GET /healthz HTTP/1.1\r\n${host}\r\n`);
    await within(3_000, client.ended);
    expect(client.received().match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 401']);
    expect(client.received()).toContain('"structuredContent":{"effect":');
    client.socket.end();
  });

  it('200 token-less 1 MB requests (tool name 1 MB long) raise the server RSS by less than 20 MB and log a line or two', async () => {
    const server = await spawnServer({ MCP_PROD_STORE: 'memory', MCP_PROD_UNAUTHENTICATED_PER_MINUTE: '100000' });
    try {
      const body = Buffer.from(toolCall('x'.repeat(MB - 100), {}));
      const bogus = { authorization: 'Bearer mcpp_not-a-real-token' };
      const burst = (count: number, headers: Record<string, string> = {}) =>
        Promise.all(
          Array.from({ length: count }, () => send(server.url, { headers: { ...mcpHeaders, ...headers }, body, agent: false }).catch(() => ({ status: 0 }))),
        );
      // Warm up first: the first requests load code and grow pools that later ones reuse.
      await burst(10);
      await burst(10, bogus);
      const before = await server.memory();
      const logBefore = server.stderr().length;
      const statuses: number[] = [];
      // 25 at a time: whatever a refused request still costs is multiplied by the ones alongside it.
      for (let round = 0; round < 8; round += 1) statuses.push(...(await burst(25, round % 2 ? bogus : {})).map((r) => r.status));
      const after = await server.memory();
      const peak = (after.peakRss - before.rss) / MB;
      const kept = (after.rss - before.rss) / MB;
      const logBytes = server.stderr().length - logBefore;
      process.stderr.write(
        `200 token-less 1 MB requests: rss ${(before.rss / MB).toFixed(1)} MB, peak +${peak.toFixed(1)} MB during, +${kept.toFixed(1)} MB after; log +${logBytes} bytes\n`,
      );
      // A reset (status 0) would be a client that lost its 401 while still sending its 1 MB.
      expect(statuses.filter((s) => s !== 401)).toEqual([]);
      expect(peak).toBeLessThan(20);
      expect(kept).toBeLessThan(20);
      expect(logBytes).toBeLessThan(4_096);
      expect(server.stderr()).not.toContain('x'.repeat(200));
    } finally {
      await server.finish();
    }
  });

  it('logs one http_unauthorized line per client address per window, then one that counts the ones it left out', async () => {
    const { url, logs } = await serve({ settings: { logQuietMs: 400 } });
    for (let i = 0; i < 6; i += 1) expect((await send(url, { headers: mcpHeaders, body: toolCall('x'.repeat(100_000), {}) })).status).toBe(401);
    expect(logs.events('http_unauthorized')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 450));
    await send(url, { headers: { ...mcpHeaders, authorization: 'Bearer mcpp_wrong' }, body: '{}' });
    expect(logs.events('http_unauthorized')).toMatchObject([{ reason: 'missing' }, { reason: 'malformed', suppressed: 5 }]);
    expect(logs.raw.join('\n').length).toBeLessThan(2_000);
  });

  it('answers 429 with Retry-After once an address has used up its failed attempts, and still lets a valid token in', async () => {
    const { url, auth } = await serve({ settings: { unauthenticatedPerMinute: 3 } });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push(await send(url, { headers: mcpHeaders, body: '{}' }));
    expect(statuses.map((r) => r.status)).toEqual([401, 401, 401, 429, 429]);
    const limited = statuses[4]!;
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers.connection).toBe('close');
    expect(limited.json().error).toMatchObject({ code: -31429, data: { code: 'rate_limited' } });
    const list = await send(url, { headers: { ...mcpHeaders, ...auth }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }) });
    expect(list.status).toBe(200);
  });

  it('drops a connection whose headers do not arrive within the headers timeout', async () => {
    const { url } = await serve({ settings: { headersTimeoutMs: 500 } });
    const client = rawSocket(url);
    client.socket.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const { ms } = await within(3_000, client.closed);
    expect(ms).toBeLessThan(2_500);
    expect(client.received()).toMatch(/^(HTTP\/1\.1 408 |$)/);
  });

  it('answers 408 to an authenticated body that does not arrive within the body deadline', async () => {
    const { url, token } = await serve({ settings: { bodyTimeoutMs: 500 } });
    const { hostname, port } = new URL(url);
    const client = rawSocket(url);
    client.socket.write(
      `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"jsonrpc":`,
    );
    const { ms } = await within(3_000, client.closed);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(client.received()).toContain('did not arrive within 0.5 s');
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(2_000);
  });

  it('caps open connections: one over the cap is dropped at once and logged', async () => {
    const { url, base, logs } = await serve({ settings: { maxConnections: 3 } });
    const held = [rawSocket(url), rawSocket(url), rawSocket(url)];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = rawSocket(url);
    await within(1_000, extra.closed);
    expect(extra.received()).toBe('');
    expect(logs.events('http_connection_dropped')).toMatchObject([{ max_connections: 3 }]);
    held[0]!.socket.destroy();
    await held[0]!.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await send(`${base}/healthz`, { method: 'GET' })).status).toBe(200);
    for (const client of held) client.socket.destroy();
  });

  it('reads its limits from the configuration, and refuses a value that is not a positive number by name', () => {
    const settings = httpSettings(loadConfig({ MCP_PROD_STORE: 'memory', MCP_PROD_HEADERS_TIMEOUT_SECONDS: '2.5', MCP_PROD_MAX_CONNECTIONS: '64' }));
    expect(settings).toMatchObject({
      headersTimeoutMs: 2_500,
      bodyTimeoutMs: 10_000,
      maxConnections: 64,
      unauthenticatedPerMinute: 60,
      shutdownGraceMs: 25_000,
    });
    expect(() => loadConfig({ MCP_PROD_STORE: 'memory', MCP_PROD_UNAUTHENTICATED_PER_MINUTE: 'lots' })).toThrow(/MCP_PROD_UNAUTHENTICATED_PER_MINUTE="lots"/);
  });
});
