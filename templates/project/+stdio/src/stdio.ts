/**
 * stdio entry point. stdout belongs to the protocol: the transport gets a private handle on it,
 * and everything else that writes to process.stdout (a stray console.log in a handler, a chatty
 * dependency) is redirected to stderr, where the JSON log lines go too. End of input and
 * SIGTERM drain: the calls already read are answered (within MCP_PROD_SHUTDOWN_GRACE_SECONDS)
 * before the process exits, non-zero if any had to be cut off.
 */
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { createApp, runProcess, type App } from './app.js';
import { loadDotEnv } from './config.js';
import { AuthFailure } from './platform/auth.js';
import { writeStderr } from './platform/log-destination.js';
import { recordRefusedCall } from './platform/pipeline.js';
import { startTelemetry } from './platform/telemetry.js';
import { buildServer, serverInfo } from './server.js';
import { createDrainingTransport } from './stdio-transport.js';
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

export interface StdioService {
  /** Answers the calls already read (until `graceMs` has passed), then closes; says how many were cut off. */
  stop(graceMs: number): Promise<{ cutOff: number }>;
}

export function serveOverStdio(app: App, protocolOut: Writable, onInputEnd?: () => void): StdioService {
  const channel = createDrainingTransport({
    input: process.stdin,
    output: protocolOut,
    maxLineBytes: app.config.maxMessageBytes,
    onInputEnd: () => (onInputEnd ? onInputEnd() : void service.stop(app.config.shutdownGraceMs)),
    onOversized: (bytes) => app.logger.warn({ event: 'stdio_message_too_large', bytes, limit: app.config.maxMessageBytes }, 'stdio_message_too_large'),
    onMessage: (message) => recordMalformedCall(app, message),
  });
  const handle = serveStdio(() => buildServer(app, { transport: 'stdio' }), {
    transport: channel.transport,
    onerror: (error) => app.logger.error({ event: 'transport_error', err: error }, 'transport_error'),
  });
  let stopped: Promise<{ cutOff: number }> | undefined;
  const service: StdioService = {
    stop(graceMs) {
      stopped ??= (async () => {
        const cutOff = await channel.drain(Date.now() + graceMs);
        // Closing aborts what still runs; each call then unwinds, writing its log line and cost.
        await handle.close();
        await channel.drain(Date.now() + 2000);
        return { cutOff };
      })();
      return stopped;
    },
  };
  return service;
}

/** The SDK refuses a tools/call without a tool name before the pipeline sees it: count it here. */
function recordMalformedCall(app: App, message: Record<string, unknown>): void {
  if (message.method !== 'tools/call') return;
  const params = message.params as { name?: unknown; arguments?: unknown } | undefined;
  if (typeof params?.name === 'string') return;
  void recordRefusedCall(app, { toolName: 'unknown', entry: undefined, principal: undefined, errorCode: 'invalid_params', arguments: params?.arguments });
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
    // Loads the OpenTelemetry SDK only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    const telemetry = await startTelemetry({
      serviceName: serverInfo.name,
      serviceVersion: serverInfo.version,
      onWarning: (message) => app.logger.warn({ event: 'telemetry_warning', message }, 'telemetry_warning'),
    });
    app = createApp({ telemetry });
  } catch (error) {
    writeStderr(`Cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const refusal = (await checkStoreAtStart(app.store)) ?? (await checkStartupToken(app));
  if (refusal) {
    writeStderr(`Cannot start: ${refusal}\n`);
    await app.close();
    process.exit(1);
  }
  let stop: (reason: string) => Promise<void> = async () => {};
  const service = serveOverStdio(app, protocolOut, () => void stop('stdin closed'));
  app.logger.info({ event: 'started', transport: 'stdio', tools: app.registry.tools.length, store: app.store.kind, database: app.store.location }, 'started');
  stop = runProcess(app, () => service.stop(app.config.shutdownGraceMs));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
