import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createApp, type App, type AppOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { connectInProcess } from '../../src/in-process.js';
import { localPrincipal } from '../../src/platform/auth.js';
import { readToolError } from '../../src/platform/errors.js';
import { createLogger } from '../../src/platform/logger.js';
import { issueToken } from '../../src/platform/tokens.js';
import { buildServer } from '../../src/server.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { tools as registeredTools } from '../../src/tools/index.js';

export type LogLine = Record<string, unknown> & { event?: string };

/** A logger whose JSON lines are kept in memory for assertions. */
export function captureLogs() {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      }
      callback();
    },
  });
  return {
    logger: createLogger({ level: 'debug', destination }),
    lines,
    /** The lines as written, before JSON.parse could fold a repeated key. */
    raw,
    /** The one-per-call `tool_call` lines. */
    calls: () => lines.filter((line) => line.event === 'tool_call'),
    events: (event: string) => lines.filter((line) => line.event === event),
  };
}

/**
 * An app on the memory store with captured logs; anything can be overridden. Unless told
 * otherwise every call comes from the principal "local" holding every scope its tools need, so
 * that tests of other stages need no tokens; auth tests pass `authenticate` or go through HTTP.
 */
export function testApp(overrides: AppOverrides = {}) {
  const logs = captureLogs();
  const tools = overrides.tools ?? registeredTools;
  const app = createApp({
    config: loadConfig({ MCP_PROD_STORE: 'memory', LOG_LEVEL: 'debug' }),
    store: createMemoryStore(),
    logger: logs.logger,
    authenticate: localPrincipal([...new Set(tools.flatMap((tool) => tool.scopes))]),
    ...overrides,
  });
  return { app, logs };
}

export type { Era } from '../../src/in-process.js';

/** A real SDK Client talking to the server in-process (see src/in-process.ts). */
export const connectClient = connectInProcess;

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

/** The error object of a failed call (`_meta["mcp-prod/error"]`); throws for anything else. */
export function errorOf(result: unknown): Record<string, any> {
  const error = readToolError(result as Parameters<typeof readToolError>[0]);
  if (!error) throw new Error(`expected a tool error, got ${JSON.stringify(result)}`);
  return error;
}

/** Issues a real token into the app's store and returns its plaintext. */
export async function issueTestToken(app: App, scopes: string[], options: { principal?: string; ttlMs?: number } = {}) {
  const { token, record } = await issueToken(app.store.tokens, {
    principal: options.principal ?? 'alice',
    scopes,
    ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}),
    now: app.clock.now(),
  });
  return { token, id: record.id };
}

/** A fresh idempotency key, as a well-behaved client would generate for a new operation. */
export const newKey = () => randomUUID();

/** The token with its last character changed: a different token whatever that character was. */
export const tamperedToken = (token: string) => `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`;
