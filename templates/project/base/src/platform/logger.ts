import { pino, type DestinationStream, type Logger } from 'pino';
import { stderrDestination } from './log-destination.js';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go; defaults to stderr (src/platform/log-destination.ts) so that stdout stays protocol-only on stdio. */
  destination?: DestinationStream;
}

/**
 * Credentials by their shape: mcp-prod tokens, `Bearer ...` values and JWTs. They are cut out of
 * every finished line, whatever field they arrived in (an argument, an error message, a stack),
 * as the last step before the line is written.
 */
const CREDENTIAL = /mcpp_[0-9A-Za-z]{8,}|\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{8,}|\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

export function scrubCredentials(line: string): string {
  return line.replace(CREDENTIAL, '[REDACTED]');
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: scrubCredentials },
    },
    options.destination ?? stderrDestination(),
  );
}

const LEVELS: ReadonlySet<string> = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const skip = () => {};

/**
 * A child of `parent` that is made only when it is first used for more than a call at a
 * disabled level: a handler's `ctx.log.debug(...)` under LOG_LEVEL=info costs no child logger
 * (pino takes several microseconds and about a kilobyte to make one).
 */
export function childOnFirstUse(parent: Logger, make: () => Logger): Logger {
  let child: Logger | undefined;
  const made = () => {
    child ??= make();
    return child;
  };
  return new Proxy(parent, {
    get(target, key) {
      if (child === undefined && typeof key === 'string' && LEVELS.has(key) && !target.isLevelEnabled(key)) return skip;
      const value = Reflect.get(made(), key) as unknown;
      return typeof value === 'function' ? value.bind(child) : value;
    },
    set: (_target, key, value) => Reflect.set(made(), key, value),
  });
}
