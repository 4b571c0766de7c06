/**
 * A real SDK Client connected to this server without a socket: the client's fetch calls the
 * web-standard handler directly. Tests and evals use it to go through the whole pipeline; it
 * needs @modelcontextprotocol/client, a devDependency, so the servers themselves never import it.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { App } from './app.js';
import { buildServer } from './server.js';

/** `legacy` speaks the 2025-11-25 handshake, `auto` negotiates the stateless 2026-07-28 era. */
export type Era = 'legacy' | 'auto';

export async function connectInProcess(app: App, era: Era = 'legacy') {
  const handler = createMcpHandler(() => buildServer(app, { transport: 'http' }));
  const client = new Client({ name: 'in-process', version: '1.0.0' }, { versionNegotiation: { mode: era } });
  const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
    fetch: (url, init) => handler.fetch(new Request(url, init)),
  });
  await client.connect(transport);
  return {
    client,
    handler,
    async close() {
      await client.close();
      await handler.close();
    },
  };
}
