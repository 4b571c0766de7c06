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
