/**
 * Which tool calls are still running, so that a shutdown that has cut calls off can wait until
 * each one has unwound: written its cost record and its log line.
 *
 * The pipeline tells its deps when a call starts (`onCallStart`), and writes the call's one
 * `tool_call` line through the app's logger as the very last thing it does (after the cost
 * record). An app that notices both knows exactly which calls are running, without the pipeline
 * having to know about shutdowns.
 */
import type { App } from '../app.js';
import type { Logger } from '../platform/logger.js';

export interface CallFollower {
  /** The app to serve requests with: the same app, whose logger follows calls. */
  readonly app: App;
  /** Calls started and not yet logged. */
  running(): number;
  /** Resolves true once no call is running, or false when `timeoutMs` has passed first. */
  settled(timeoutMs: number): Promise<boolean>;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
type Write = (...args: unknown[]) => void;

export function followCalls(app: App): CallFollower {
  const open = new Set<string>();
  const waiters = new Set<() => void>();
  const base = app.logger;
  // Everything else (level, bindings, streams, children) is the app's own logger, through the prototype.
  const logger = Object.create(base) as Logger;
  for (const level of LEVELS) {
    logger[level] = ((...args: unknown[]) => {
      (base[level] as Write).apply(base, args);
      const fields = args[0] as { event?: unknown; call_id?: unknown } | null | undefined;
      if (fields?.event === 'tool_call' && typeof fields.call_id === 'string' && open.delete(fields.call_id) && open.size === 0) {
        for (const wake of waiters) wake();
      }
    }) as Logger[typeof level];
  }

  return {
    app: {
      ...app,
      logger,
      onCallStart: (callId) => {
        open.add(callId);
        app.onCallStart?.(callId);
      },
    },
    running: () => open.size,
    settled(timeoutMs) {
      if (open.size === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (result: boolean) => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(result);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        waiters.add(wake);
      });
    },
  };
}
