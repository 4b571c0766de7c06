/**
 * What the HTTP fault tests share: raw requests over node:http and plain sockets (so that
 * headers fetch would normalise, slow bodies and half-sent requests can be sent), a server run
 * in-process with captured logs, and the fixture server run as its own process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startHttpServer, type HttpSettings, type RunningHttpServer } from '../../src/http.js';
import type { AnyTool } from '../../src/platform/tool.js';
import { fixtureTools } from '../fixtures/tools.js';
import { issueTestToken, testApp } from '../helpers/harness.js';
import { collectLogs, collectSecrets } from './secret-scan.js';

export const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };

export const toolCall = (name: string, args: unknown, id: unknown = 1) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): Record<string, any>;
}

/** One request over node:http; header values that are arrays are sent as repeated headers. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer; agent?: false } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const data = body.startsWith('{') ? body : (body.split('\n').find((line) => line.startsWith('data: ')) ?? 'data: {}').slice(6);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(data) as Record<string, any> });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * A raw socket: the test writes exactly the bytes it wants, when it wants. `halfOpen` keeps its
 * sending side open after the server's end, as a client still uploading a body does.
 */
export function rawSocket(url: string, options: { halfOpen?: boolean } = {}) {
  const { hostname, port } = new URL(url);
  const socket = connect({ port: Number(port), host: hostname, allowHalfOpen: options.halfOpen ?? false });
  let received = '';
  const errors: string[] = [];
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
  const closed = once(socket, 'close').then(() => undefined);
  const ended = once(socket, 'end').then(() => undefined);
  return { socket, closed, ended, received: () => received, errors: () => errors };
}

/** Resolves with how long `promise` took, or rejects after `ms`. */
export async function within<T>(ms: number, promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms)));
  try {
    return { value: await Promise.race([promise, timeout]), ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

const running: { server: RunningHttpServer; logs: string[] }[] = [];

/** A server in this process on the memory store, with real token checks and captured logs. */
export async function serve(options: { env?: Record<string, string>; settings?: Partial<HttpSettings>; tools?: AnyTool[] } = {}) {
  const config = loadConfig({ MCP_PROD_STORE: 'memory', PORT: '0', ...options.env });
  const { app, logs } = testApp({ tools: options.tools ?? fixtureTools, config, authenticate: undefined });
  const server = await startHttpServer(app, { settings: options.settings });
  running.push({ server, logs: logs.raw });
  const { token } = await issueTestToken(app, ['test:admin']);
  collectSecrets(token);
  return { app, logs, server, url: server.url, base: server.url.replace(/\/mcp$/, ''), token, auth: { authorization: `Bearer ${token}` } };
}

/** For afterEach: closes every in-process server and hands its log to the secret scan. */
export async function closeServers(): Promise<void> {
  for (const { server, logs } of running.splice(0)) {
    await server.close(100);
    collectLogs(logs.join('\n'));
  }
}

/** The fixture server (test/fixtures/http-server.ts) as a child process. */
export async function spawnServer(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.resolve('test/fixtures/http-server.ts')], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: Record<string, any>) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line) as Record<string, any>));
  const nextLine = () => new Promise<Record<string, any>>((resolve) => waiting.push(resolve));
  const ready = await Promise.race([nextLine(), exited.then(([code]) => Promise.reject(new Error(`the fixture server exited with ${code}: ${stderr}`)))]);
  const { url, token } = ready as { url: string; token: string };
  collectSecrets(token);
  return {
    child,
    url,
    base: url.replace(/\/mcp$/, ''),
    token,
    auth: { authorization: `Bearer ${token}` },
    exited,
    stderr: () => stderr,
    /** The server's own process.memoryUsage() after a garbage collection, and its peak RSS since the last call. */
    async memory(): Promise<NodeJS.MemoryUsage & { peakRss: number }> {
      const line = nextLine();
      child.stdin.write('memory\n');
      const { memory, peakRss } = (await line) as { memory: NodeJS.MemoryUsage; peakRss: number };
      return { ...memory, peakRss };
    },
    events: (event: string) =>
      stderr
        .split('\n')
        .filter((line) => line.includes(`"event":"${event}"`))
        .map((line) => JSON.parse(line) as Record<string, any>),
    /** Waits until the log has a line for `event`. */
    async waitForEvent(event: string, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!stderr.includes(`"event":"${event}"`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stderr, `no ${event} line within ${ms} ms`).toContain(`"event":"${event}"`);
    },
    /** Ends the process (if still running) and hands its log to the secret scan. */
    async finish() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      collectLogs(stderr);
    },
  };
}
