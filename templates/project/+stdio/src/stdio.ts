/**
 * stdio entry point. stdout belongs to the protocol: the transport gets a private handle on it,
 * and everything else that writes to process.stdout (a stray console.log in a handler, a chatty
 * dependency) is redirected to stderr, where the JSON log lines go too.
 */
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { createApp, type App } from './app.js';
import { buildServer } from './server.js';

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

export async function main(): Promise<void> {
  const protocolOut = takeOverStdout();
  let app: App;
  try {
    app = createApp();
  } catch (error) {
    process.stderr.write(`Cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const handle = serveOverStdio(app, protocolOut);
  app.logger.info({ event: 'started', transport: 'stdio', tools: app.registry.tools.length }, 'started');

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ event: 'stopping', reason }, 'stopping');
    await handle.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.stdin.once('end', () => void stop('stdin closed'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
