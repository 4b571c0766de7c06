import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serveThroughFetch, type FetchHandler, type ReadBody } from '../src/http/fetch-bridge.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const authInfo = { token: 'tok_1', clientId: 'alice', scopes: ['notes:read'] };

/** A node:http server that hands every request to `handler` through the bridge, a POST's body read as the gate reads it. */
async function bridged(handler: FetchHandler, errors: Error[] = []): Promise<string> {
  const server = createServer(async (req, res) => {
    let body: ReadBody | undefined;
    if (req.method === 'POST') {
      let text = '';
      for await (const chunk of req) text += chunk;
      body = { text, message: JSON.parse(text) };
    }
    await serveThroughFetch(handler, { req, res, authInfo, body, onerror: (error) => errors.push(error) });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

describe('the bridge from node:http to a fetch handler', () => {
  it('hands over the method, URL, headers, body, parsed message and authInfo, and writes back status, headers and body', async () => {
    let seen: { request: Request; text: string; options: unknown } | undefined;
    const url = await bridged({
      async fetch(request, options) {
        seen = { request, text: await request.text(), options };
        return new Response('{"ok":true}', { status: 202, headers: { 'content-type': 'application/json', 'mcp-session-id': 's-1' } });
      },
    });
    const message = { jsonrpc: '2.0', id: 7, method: 'ping' };
    const response = await fetch(`${url}?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-extra': 'yes' },
      body: JSON.stringify(message),
    });

    expect(response.status).toBe(202);
    expect(response.headers.get('mcp-session-id')).toBe('s-1');
    expect(await response.json()).toEqual({ ok: true });
    expect(seen!.request.method).toBe('POST');
    expect(seen!.request.url).toBe(`${url}?x=1`);
    expect(seen!.request.headers.get('x-extra')).toBe('yes');
    expect(seen!.text).toBe(JSON.stringify(message));
    expect(seen!.options).toEqual({ authInfo, parsedBody: message });
  });

  it('sends no body and no parsed message for a GET', async () => {
    let seen: { body: unknown; options: unknown } | undefined;
    const url = await bridged({
      async fetch(request, options) {
        seen = { body: request.body, options };
        return new Response(null, { status: 405 });
      },
    });
    expect((await fetch(url)).status).toBe(405);
    expect(seen).toEqual({ body: null, options: { authInfo } });
  });

  it('answers a JSON-RPC 500 echoing the request id when the handler throws, and reports the error', async () => {
    const errors: Error[] = [];
    const url = await bridged(
      {
        async fetch() {
          throw new Error('handler broke');
        },
      },
      errors,
    );
    const response = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 'req-9', method: 'tools/list' }) });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', id: 'req-9', error: { code: -32603 } });
    expect(errors.map((error) => error.message)).toEqual(['handler broke']);
  });

  it('streams a long answer to the end, however slowly the client reads it', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(97);
    const chunks = 64;
    const url = await bridged({
      async fetch() {
        let sent = 0;
        return new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              if (sent++ === chunks) controller.close();
              else controller.enqueue(chunk);
            },
          }),
        );
      },
    });
    const received = await new Promise<number>((resolve, reject) => {
      request(url, (res) => {
        let bytes = 0;
        // Pausing fills the socket, so the bridge has to wait for 'drain' on the way.
        res.on('data', (data: Buffer) => {
          bytes += data.length;
          res.pause();
          setTimeout(() => res.resume(), 1);
        });
        res.on('end', () => resolve(bytes));
      })
        .on('error', reject)
        .end();
    });
    expect(received).toBe(chunk.length * chunks);
  });

  it('aborts the request and cancels the stream when the client goes away mid-answer', async () => {
    let signal: AbortSignal | undefined;
    let cancelled: () => void = () => undefined;
    const streamCancelled = new Promise<void>((resolve) => (cancelled = resolve));
    const url = await bridged({
      async fetch(request) {
        signal = request.signal;
        return new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('event: message\ndata: {}\n\n'));
            },
            cancel: () => cancelled(),
          }),
          { headers: { 'content-type': 'text/event-stream' } },
        );
      },
    });
    await new Promise<void>((resolve) => {
      const req = request(url, (res) =>
        res.once('data', () => {
          req.destroy();
          resolve();
        }),
      );
      // Destroying it mid-answer is the point; the error that follows is expected.
      req.on('error', () => undefined).end();
    });
    await streamCancelled;
    expect(signal!.aborted).toBe(true);
  });
});
