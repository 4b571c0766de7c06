/**
 * Streamable HTTP entry point: node:http with the SDK's Node adapter, guarded by Host and
 * Origin validation (DNS rebinding), a request body limit (413), bearer authentication (401)
 * and per-tool scope checks (403) before any MCP processing, a /healthz probe, RFC 9728
 * metadata in JWT mode, and a graceful shutdown on SIGTERM/SIGINT that lets in-flight calls
 * finish.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createMcpHandler, type AuthInfo } from '@modelcontextprotocol/server';
import { hostHeaderValidation, originValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createApp, runProcess, type App } from './app.js';
import { loadDotEnv } from './config.js';
import { AuthFailure, bearerCredential, missingScopes, type Principal } from './platform/auth.js';
import { protectedResourceMetadata } from './platform/jwt.js';
import { recordRefusedCall } from './platform/pipeline.js';
import { buildServer } from './server.js';
import { checkStoreAtStart } from './store/index.js';

export interface RunningHttpServer {
  readonly url: string;
  readonly server: Server;
  /** Stops accepting connections, waits up to `graceMs` for in-flight requests, then closes. */
  close(graceMs?: number): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const METADATA_PATH = '/.well-known/oauth-protected-resource';

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * JSON-RPC codes for the answers this gate gives itself. The specification reserves
 * -32768..-32000 for JSON-RPC and its implementations, so application refusals sit outside it;
 * the last three digits echo the HTTP status.
 */
export const GateErrorCode = { unauthorized: -31401, forbidden: -31403, tooLarge: -31413, unavailable: -31503, parse: -32700, internal: -32603 } as const;

const jsonRpcError = (message: string, id: unknown, code: number, data?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  error: { code, message, ...(data ? { data } : {}) },
  id: id ?? null,
});

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface ToolCallMessage {
  id?: unknown;
  method: 'tools/call';
  params: { name: string; arguments?: unknown };
}

const isToolCall = (message: unknown): message is ToolCallMessage =>
  typeof message === 'object' && message !== null && (message as { method?: unknown }).method === 'tools/call' &&
  typeof (message as { params?: { name?: unknown } }).params?.name === 'string';

export async function startHttpServer(app: App, listen: { port?: number; host?: string } = {}): Promise<RunningHttpServer> {
  const { maxBodyBytes } = app.config;
  const onerror = (error: Error) => app.logger.error({ event: 'transport_error', err: error }, 'transport_error');
  const mcp = createMcpHandler(() => buildServer(app, { transport: 'http' }), { onerror, maxRequestBodySize: maxBodyBytes });
  const handleMcp = toNodeHandler(mcp, { onerror, maxRequestBodySize: maxBodyBytes });
  const checkHost = hostHeaderValidation(app.config.allowedHosts);
  const checkOrigin = originValidation(app.config.allowedOrigins);
  const jwtMode = app.config.auth.mode === 'jwt' ? app.config.auth : undefined;
  let resourceUrl = app.config.resourceUrl;

  const challenge = (params: Record<string, string>) => {
    const all = { realm: 'mcp', ...params, ...(jwtMode ? { resource_metadata: new URL(METADATA_PATH, resourceUrl).href } : {}) };
    return `Bearer ${Object.entries(all)
      .map(([key, value]) => `${key}="${value.replace(/["\\]/g, '')}"`)
      .join(', ')}`;
  };

  /**
   * Verifies the bearer token; on failure answers itself (401, or 503 when the store behind the
   * token check fails: a retryable outage, not a server bug) and returns undefined.
   */
  async function authenticate(req: IncomingMessage, res: ServerResponse, message: unknown): Promise<Principal | undefined> {
    try {
      return (await app.verifier.verify(bearerCredential(req.headers.authorization), app.clock.now())).principal;
    } catch (error) {
      if (!(error instanceof AuthFailure)) {
        app.logger.error({ event: 'auth_store_error', err: error }, 'auth_store_error');
        if (isToolCall(message)) {
          await recordRefusedCall(app, { toolName: message.params.name, entry: app.registry.get(message.params.name), principal: undefined, errorCode: 'store_unavailable', arguments: message.params.arguments });
        }
        const text = 'The token store is unavailable; retry shortly.';
        sendJson(res, 503, jsonRpcError(text, (message as { id?: unknown } | undefined)?.id, GateErrorCode.unavailable, { code: 'store_unavailable', retryable: true }), {
          'retry-after': '1',
        });
        return undefined;
      }
      const params: Record<string, string> = error.reason === 'missing' ? {} : { error: 'invalid_token', error_description: error.message };
      if (isToolCall(message)) {
        await recordRefusedCall(app, {
          toolName: message.params.name,
          entry: app.registry.get(message.params.name),
          principal: undefined,
          errorCode: 'unauthorized',
          arguments: message.params.arguments,
        });
      } else {
        app.logger.info({ event: 'http_unauthorized', reason: error.reason, ...(error.operatorHint ? { hint: error.operatorHint } : {}) }, 'http_unauthorized');
      }
      sendJson(res, 401, jsonRpcError(error.message, (message as { id?: unknown } | undefined)?.id, GateErrorCode.unauthorized, { code: 'unauthorized' }), {
        'www-authenticate': challenge(params),
      });
      return undefined;
    }
  }

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
    if (jwtMode && (path === METADATA_PATH || path === `${METADATA_PATH}/mcp`)) {
      const scopes = [...new Set(app.registry.tools.flatMap(({ tool }) => tool.scopes))].sort();
      return sendJson(res, 200, protectedResourceMetadata({ resource: resourceUrl!, authorizationServers: jwtMode.authorizationServers, scopes }));
    }
    if (path !== '/mcp') return sendJson(res, 404, { error: 'not_found', message: 'The MCP endpoint is /mcp.' });
    if (!checkHost(req, res) || !checkOrigin(req, res)) return;
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
      return sendJson(res, 413, jsonRpcError(`Request body exceeds ${maxBodyBytes} bytes.`, null, GateErrorCode.tooLarge), { connection: 'close' });
    }

    let message: unknown;
    if (req.method === 'POST') {
      try {
        message = JSON.parse(await readBody(req, maxBodyBytes));
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          return sendJson(res, 413, jsonRpcError(`Request body exceeds ${maxBodyBytes} bytes.`, null, GateErrorCode.tooLarge), { connection: 'close' });
        }
        return sendJson(res, 400, jsonRpcError('Parse error: the body is not valid JSON.', null, GateErrorCode.parse));
      }
    }

    const principal = await authenticate(req, res, message);
    if (!principal) return;

    if (app.config.scopeDenial === 'http' && isToolCall(message)) {
      const entry = app.registry.get(message.params.name);
      const missing = entry ? missingScopes(principal.scopes, entry.tool.scopes) : [];
      if (entry && missing.length > 0) {
        await recordRefusedCall(app, { toolName: entry.tool.name, entry, principal, errorCode: 'insufficient_scope', arguments: message.params.arguments });
        const text = `${entry.tool.name} requires the scopes ${entry.tool.scopes.join(' ')}.`;
        return sendJson(res, 403, jsonRpcError(text, message.id, GateErrorCode.forbidden, { code: 'insufficient_scope', requiredScopes: entry.tool.scopes, missingScopes: missing }), {
          'www-authenticate': challenge({ error: 'insufficient_scope', scope: entry.tool.scopes.join(' '), error_description: text }),
        });
      }
    }

    const authInfo: AuthInfo = {
      // The SDK carries `token` into handler contexts; the secret itself never leaves this gate.
      token: principal.tokenId ?? 'verified',
      clientId: principal.id,
      scopes: [...principal.scopes],
      extra: { principalId: principal.id, ...(principal.tokenId ? { tokenId: principal.tokenId } : {}) },
    };
    (req as IncomingMessage & { auth?: AuthInfo }).auth = authInfo;
    await handleMcp(req, res, message);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      onerror(error as Error);
      if (!res.headersSent) sendJson(res, 500, jsonRpcError('Internal server error.', null, GateErrorCode.internal));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? app.config.port, listen.host ?? app.config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/mcp`;
  resourceUrl ??= url;

  return {
    url,
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
    loadDotEnv();
    app = createApp();
  } catch (error) {
    process.stderr.write(`Cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const storeProblem = await checkStoreAtStart(app.store);
  if (storeProblem) {
    process.stderr.write(`Cannot start: ${storeProblem}\n`);
    await app.close().catch(() => undefined);
    process.exit(1);
  }
  const running = await startHttpServer(app).catch((error: Error) => {
    process.stderr.write(`Cannot listen on ${app.config.host}:${app.config.port}: ${error.message}\n`);
    process.exit(1);
  });
  app.logger.info(
    { event: 'started', transport: 'http', url: running.url, tools: app.registry.tools.length, store: app.store.kind, database: app.store.location },
    'started',
  );
  if (!LOOPBACK_HOSTS.has(app.config.host) && app.config.allowedHosts.every((h) => LOOPBACK_HOSTS.has(h))) {
    app.logger.warn(
      { event: 'allowed_hosts_default', host: app.config.host },
      'Listening beyond loopback but only loopback Host headers are accepted; set MCP_PROD_ALLOWED_HOSTS to the names clients use.',
    );
  }
  runProcess(app, () => running.close());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
