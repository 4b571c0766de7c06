/**
 * The dashboard's HTTP server: a read-only page (HTML, script, style, Chart.js) and one JSON
 * endpoint it fetches. Only the endpoint carries data, so only it asks for a token (when the
 * server listens beyond loopback). On loopback, the Host header must name loopback too, so a
 * web page elsewhere cannot reach the data through DNS rebinding.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import path from 'node:path';
import { CliError } from '../../core/errors.js';
import { packageRoot } from '../../core/package-info.js';
import { tokenViewSchema } from '../../project/interface.js';
import { CLI_ADMIN_SCOPE } from '../../project/scopes.js';

/** Scripts and styles only from this origin, nothing inline, no frames, no forms posted anywhere. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/** `host` as it goes in a URL (IPv6 in brackets). */
export const urlHost = (host: string) => (isIP(host) === 6 ? `[${host}]` : host);

interface Asset {
  type: string;
  body: Buffer;
}

/** The page's files, read once: from this package's assets/, and Chart.js's UMD build from node_modules (never a CDN). */
function loadAssets(): Map<string, Asset> {
  const own = (file: string) => readFileSync(path.join(packageRoot, 'assets', 'dashboard', file));
  const chartJs = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
  return new Map([
    ['/', { type: 'text/html; charset=utf-8', body: own('index.html') }],
    ['/dashboard.js', { type: 'text/javascript; charset=utf-8', body: own('dashboard.js') }],
    ['/dashboard.css', { type: 'text/css; charset=utf-8', body: own('dashboard.css') }],
    ['/vendor/chart.umd.min.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(chartJs) }],
  ]);
}

export type ApiResult = { status: number; body: unknown };

export interface ServerOptions {
  host: string;
  port: number;
  /** Answers GET /api/dashboard with the query's parameters. */
  api(query: URLSearchParams): Promise<ApiResult>;
  /** Set when the server listens beyond loopback: the project's check of a bearer token (its record, or null). */
  verifyToken?: (token: string) => Promise<unknown>;
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

const sendJson = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`, extra);

/** Why a request may not read the data, or undefined when it may. Never echoes the token. */
async function refusal(req: IncomingMessage, verify: ServerOptions['verifyToken']): Promise<{ status: number; error: string; challenge: string } | undefined> {
  if (!verify) return undefined;
  const realm = 'Bearer realm="mcp-prod dashboard"';
  const match = /^Bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return { status: 401, error: `A bearer token with the ${CLI_ADMIN_SCOPE} scope is required.`, challenge: realm };
  let record: unknown;
  try {
    record = await verify(match[1]!);
  } catch {
    record = null;
  }
  const parsed = tokenViewSchema.nullable().safeParse(record);
  if (!parsed.success || parsed.data === null || parsed.data.status !== 'active') {
    return { status: 401, error: 'The bearer token is not valid (unknown, expired or revoked).', challenge: `${realm}, error="invalid_token"` };
  }
  if (!parsed.data.scopes.includes(CLI_ADMIN_SCOPE)) {
    return {
      status: 403,
      error: `The bearer token lacks the ${CLI_ADMIN_SCOPE} scope.`,
      challenge: `${realm}, error="insufficient_scope", scope="${CLI_ADMIN_SCOPE}"`,
    };
  }
  return undefined;
}

export function createDashboardServer(options: ServerOptions): Server {
  const assets = loadAssets();
  const loopbackOnly = isLoopback(options.host);
  return createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'The dashboard is read-only.' }, { Allow: 'GET, HEAD' });
      if (loopbackOnly && !isLoopback(hostName(req.headers.host))) return sendJson(res, 421, { error: 'This server answers to loopback host names only.' });
      const url = new URL(req.url ?? '/', 'http://dashboard');
      const asset = assets.get(url.pathname);
      if (asset) return send(res, 200, asset.type, asset.body);
      if (url.pathname !== '/api/dashboard') return sendJson(res, 404, { error: 'Not found.' });
      const refused = await refusal(req, options.verifyToken);
      if (refused) return sendJson(res, refused.status, { error: refused.error }, { 'WWW-Authenticate': refused.challenge });
      const result = await options.api(url.searchParams);
      return sendJson(res, result.status, result.body);
    } catch (error) {
      return sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  });
}

/** The host name of a Host header: `127.0.0.1:4380` -> `127.0.0.1`, `[::1]:80` -> `::1`. */
function hostName(header: string | undefined): string {
  if (!header) return '';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(header);
  if (bracketed) return bracketed[1]!;
  return header.replace(/:\d+$/, '');
}

/** Listens, turning the usual failures into messages a user can act on. */
export async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenError(error, host, port));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new CliError(`Port ${port} on ${host} is in use.`, { hint: 'Pick another with --port <n>, or --port 0 for any free port.' });
  if (error.code === 'EACCES')
    return new CliError(`Not allowed to listen on port ${port} of ${host}.`, { hint: 'Ports below 1024 need privileges; pick a higher one with --port.' });
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return new CliError(`Cannot listen on ${host}: it is not an address of this machine.`, {
      hint: "Give --host 127.0.0.1 (the default), 0.0.0.0 for every interface, or one of this machine's addresses.",
    });
  }
  return error;
}
