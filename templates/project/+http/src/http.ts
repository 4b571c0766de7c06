/**
 * Streamable HTTP entry point: node:http with the SDK's Node adapter, guarded by Host and
 * Origin validation (DNS rebinding), a request body limit (413), a /healthz probe, and a
 * graceful shutdown on SIGTERM/SIGINT that lets in-flight calls finish.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { hostHeaderValidation, originValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createApp, type App } from './app.js';
import { buildServer } from './server.js';

export interface RunningHttpServer {
  readonly url: string;
  readonly server: Server;
  /** Stops accepting connections, waits up to `graceMs` for in-flight requests, then closes. */
  close(graceMs?: number): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

const jsonRpcError = (message: string) => ({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });

export async function startHttpServer(app: App, listen: { port?: number; host?: string } = {}): Promise<RunningHttpServer> {
  const { maxBodyBytes } = app.config;
  const onerror = (error: Error) => app.logger.error({ event: 'transport_error', err: error }, 'transport_error');
  const mcp = createMcpHandler(() => buildServer(app, { transport: 'http' }), { onerror, maxRequestBodySize: maxBodyBytes });
  const handleMcp = toNodeHandler(mcp, { onerror, maxRequestBodySize: maxBodyBytes });
  const checkHost = hostHeaderValidation(app.config.allowedHosts);
  const checkOrigin = originValidation(app.config.allowedOrigins);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      try {
        await app.store.ping();
        return sendJson(res, 200, { status: 'ok' });
      } catch {
        return sendJson(res, 503, { status: 'store_unavailable' });
      }
    }
    if (path !== '/mcp') return sendJson(res, 404, { error: 'not_found', message: 'The MCP endpoint is /mcp.' });
    if (!checkHost(req, res) || !checkOrigin(req, res)) return;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      return sendJson(res, 413, jsonRpcError(`Request body exceeds ${maxBodyBytes} bytes.`), { connection: 'close' });
    }
    await handleMcp(req, res);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      onerror(error as Error);
      if (!res.headersSent) sendJson(res, 500, jsonRpcError('Internal server error.'));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? app.config.port, listen.host ?? app.config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/mcp`,
    server,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets go idle as their last response ends; close each one as soon as it does.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      server.closeIdleConnections();
      await closed;
      clearInterval(sweep);
      clearTimeout(deadline);
      await mcp.close();
    },
  };
}

export async function main(): Promise<void> {
  let app: App;
  try {
    app = createApp();
  } catch (error) {
    process.stderr.write(`Cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const running = await startHttpServer(app).catch((error: Error) => {
    process.stderr.write(`Cannot listen on ${app.config.host}:${app.config.port}: ${error.message}\n`);
    process.exit(1);
  });
  app.logger.info({ event: 'started', transport: 'http', url: running.url, tools: app.registry.tools.length }, 'started');
  if (!LOOPBACK_HOSTS.has(app.config.host) && app.config.allowedHosts.every((h) => LOOPBACK_HOSTS.has(h))) {
    app.logger.warn(
      { event: 'allowed_hosts_default', host: app.config.host },
      'Listening beyond loopback but only loopback Host headers are accepted; set MCP_PROD_ALLOWED_HOSTS to the names clients use.',
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ event: 'stopping', reason: signal }, 'stopping');
    await running.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
