/**
 * Graceful shutdown of the HTTP server.
 *
 * Closing stops accepting connections, has new requests on open ones refused (http.ts answers
 * 503 with Retry-After while `draining`), ends notification streams, and waits up to the grace
 * period for the requests in flight. Calls still running then are cut off: their connections are
 * reset, so that their clients know at once, and the MCP servers serving them are closed, which
 * fires each handler's abort signal. The shutdown then waits, briefly, for those calls to write
 * their cost records and log lines. It reports how many requests it cut off, so that the process
 * can exit non-zero.
 */
import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { Logger } from '../platform/logger.js';
import type { CallFollower } from './calls.js';

interface Closable {
  close(): Promise<void>;
}

export interface InFlight {
  /** Streams (subscriptions/listen) carry notifications only; they end when draining starts. */
  kind: 'call' | 'stream';
  readonly res: ServerResponse;
  /** The MCP servers built for this request: closing one aborts its handlers. */
  readonly servers: Set<Closable>;
}

export interface Drain {
  readonly draining: boolean;
  /** Runs one request's work; it counts as in flight until its response is over. */
  run(res: ServerResponse, work: (request: InFlight) => Promise<void>): Promise<void>;
  /**
   * Files an MCP server under the request it was built for. The SDK hands its server factory the
   * AuthInfo of the request, the very object http.ts attached (`bind`), so that object names the
   * request: an AsyncLocalStorage would do the same but makes every promise of the process pay.
   */
  adopt<S extends Closable>(server: S, auth: object | undefined): S;
  /** Names `request` by the AuthInfo its MCP servers will be given. */
  bind(request: InFlight, auth: object): void;
  close(graceMs: number): Promise<{ cutOff: number }>;
}

export function createDrain(options: { server: Server; calls: CallFollower; logger: Logger; unwindMs: number; closeMcp: () => Promise<void> }): Drain {
  const { server, calls, logger } = options;
  const inFlight = new Set<InFlight>();
  const byAuth = new WeakMap<object, InFlight>();
  const listeners = new Set<() => void>();
  let draining = false;
  let closing: Promise<{ cutOff: number }> | undefined;

  /** Resolves true once `done()` holds, or false when `timeoutMs` has passed first. */
  const until = (done: () => boolean, timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      if (done()) return resolve(true);
      const check = () => {
        if (done()) finish(true);
      };
      const finish = (result: boolean) => {
        clearTimeout(timer);
        listeners.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      listeners.add(check);
    });

  async function shutDown(graceMs: number): Promise<{ cutOff: number }> {
    draining = true;
    const started = Date.now();
    // Stop accepting connections but keep the open ones, so that a request arriving on one now is
    // answered 503 with Retry-After rather than reset (http.Server#close would drop idle ones).
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    for (const request of inFlight) {
      if (request.kind === 'stream') request.res.destroy();
      else if (!request.res.headersSent) request.res.setHeader('connection', 'close');
    }
    logger.info({ event: 'draining', in_flight: inFlight.size, grace_ms: graceMs }, 'draining');

    let cutOff = 0;
    if (!(await until(() => inFlight.size === 0, graceMs))) {
      const requests = [...inFlight];
      cutOff = requests.length;
      logger.warn({ event: 'shutdown_cut_off', cut_off: cutOff, calls_running: calls.running(), grace_ms: graceMs }, 'shutdown_cut_off');
      // Reset first: a client whose stream merely ended would wait for a resumption that never comes.
      for (const request of requests) request.res.destroy();
      await Promise.all(requests.flatMap((request) => [...request.servers].map((mcp) => mcp.close().catch(() => undefined))));
      if (!(await calls.settled(options.unwindMs))) {
        // A handler that ignores its abort signal: its call may be left "outcome unknown".
        logger.error({ event: 'shutdown_unsettled', calls_running: calls.running(), waited_ms: options.unwindMs }, 'shutdown_unsettled');
      }
    }
    server.closeAllConnections();
    await closed;
    // The listener is closed already; http.Server#close also stops node's timeout checker.
    server.close();
    await options.closeMcp();
    logger.info({ event: 'drained', cut_off: cutOff, waited_ms: Date.now() - started }, 'drained');
    return { cutOff };
  }

  return {
    get draining() {
      return draining;
    },
    async run(res, work) {
      const request: InFlight = { kind: 'call', res, servers: new Set() };
      inFlight.add(request);
      res.once('close', () => {
        inFlight.delete(request);
        for (const check of listeners) check();
      });
      await work(request);
    },
    bind(request, auth) {
      byAuth.set(auth, request);
    },
    adopt(mcp, auth) {
      if (auth) byAuth.get(auth)?.servers.add(mcp);
      return mcp;
    },
    close(graceMs) {
      closing ??= shutDown(graceMs);
      return closing;
    },
  };
}
