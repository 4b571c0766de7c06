import { Writable } from 'node:stream';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createApp, type App, type AppOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { buildServer } from '../../src/server.js';
import { createMemoryStore } from '../../src/store/memory.js';

export type LogLine = Record<string, unknown> & { event?: string };

/** A logger whose JSON lines are kept in memory for assertions. */
export function captureLogs() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  return {
    logger: createLogger({ level: 'debug', destination }),
    lines,
    /** The one-per-call `tool_call` lines. */
    calls: () => lines.filter((line) => line.event === 'tool_call'),
    events: (event: string) => lines.filter((line) => line.event === event),
  };
}

/** An app on the memory store with captured logs; anything can be overridden. */
export function testApp(overrides: AppOverrides = {}) {
  const logs = captureLogs();
  const app = createApp({
    config: loadConfig({ MCP_PROD_STORE: 'memory', LOG_LEVEL: 'debug' }),
    store: createMemoryStore(),
    logger: logs.logger,
    ...overrides,
  });
  return { app, logs };
}

export type Era = 'legacy' | 'auto';

/**
 * A real SDK Client talking Streamable HTTP to the server, entirely in-process: the client's
 * fetch calls the web-standard handler directly. `legacy` speaks the 2025-11-25 handshake,
 * `auto` negotiates the stateless 2026-07-28 era.
 */
export async function connectClient(app: App, era: Era = 'legacy') {
  const handler = createMcpHandler(() => buildServer(app, { transport: 'http' }));
  const client = new Client({ name: 'test-client', version: '1.0.0' }, { versionNegotiation: { mode: era } });
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

/** Sends one raw JSON-RPC request (2025 era, stateless) and returns the parsed response. */
export async function rawCall(app: App, body: unknown): Promise<{ status: number; message: Record<string, any> }> {
  const handler = createMcpHandler(() => buildServer(app, { transport: 'http' }));
  const response = await handler.fetch(
    new Request('http://localhost/mcp', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify(body),
    }),
  );
  const text = await response.text();
  const data = text.startsWith('{') ? text : (text.split('\n').find((line) => line.startsWith('data: ')) ?? '').slice(6);
  await handler.close();
  return { status: response.status, message: JSON.parse(data) as Record<string, any> };
}

/** `structuredContent.error` of a failed call. */
export function errorOf(result: unknown): Record<string, any> {
  const r = result as { isError?: boolean; structuredContent?: { error?: Record<string, any> } };
  if (!r.isError || !r.structuredContent?.error) throw new Error(`expected a tool error, got ${JSON.stringify(result)}`);
  return r.structuredContent.error;
}
