/**
 * stdio entry point. stdout belongs to the protocol: the transport gets a private handle on it,
 * and everything else that writes to process.stdout (a stray console.log in a handler, a chatty
 * dependency) is redirected to stderr, where the JSON log lines go too.
 */
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { createApp, runProcess, type App } from './app.js';
import { loadDotEnv } from './config.js';
import { AuthFailure } from './platform/auth.js';
import { buildServer } from './server.js';
import { checkStoreAtStart } from './store/index.js';

/** Returns a stream that still reaches the real stdout, after diverting process.stdout to stderr. */
export function takeOverStdout(): Writable {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      write(chunk, (error) => callback(error ?? null));
    },
  });
}

export function serveOverStdio(app: App, protocolOut: Writable): { close(): Promise<void> } {
  return serveStdio(() => buildServer(app, { transport: 'stdio' }), {
    transport: new StdioServerTransport(process.stdin, protocolOut),
    onerror: (error) => app.logger.error({ event: 'transport_error', err: error }, 'transport_error'),
  });
}

/** stdio has no per-request headers: the caller's credential comes from the environment. */
async function checkStartupToken(app: App): Promise<string | undefined> {
  if (!app.config.token) {
    return 'MCP_PROD_TOKEN is not set. Issue a token with `npx mcp-prod token issue --scopes <scopes>` and pass it in the environment.';
  }
  try {
    const { principal } = await app.verifier.verify(app.config.token, app.clock.now());
    app.logger.info({ event: 'authenticated', user_id: principal.id, token_id: principal.tokenId }, 'authenticated');
    return undefined;
  } catch (error) {
    if (error instanceof AuthFailure) return `MCP_PROD_TOKEN was refused: ${error.message}${error.operatorHint ? ` (${error.operatorHint})` : ''}`;
    throw error;
  }
}

export async function main(): Promise<void> {
  const protocolOut = takeOverStdout();
  let app: App;
  try {
    loadDotEnv();
    app = createApp();
  } catch (error) {
    process.stderr.write(`Cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const refusal = (await checkStoreAtStart(app.store)) ?? (await checkStartupToken(app));
  if (refusal) {
    process.stderr.write(`Cannot start: ${refusal}\n`);
    await app.close();
    process.exit(1);
  }
  const handle = serveOverStdio(app, protocolOut);
  app.logger.info({ event: 'started', transport: 'stdio', tools: app.registry.tools.length, store: app.store.kind, database: app.store.location }, 'started');
  const stop = runProcess(app, () => handle.close());
  process.stdin.once('end', () => void stop('stdin closed'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
