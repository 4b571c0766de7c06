import { CliError } from './errors.js';

/** Today in UTC as YYYY-MM-DD; MCP_PROD_NOW (an ISO date) pins it, for tests and rehearsals. */
export function today(env: NodeJS.ProcessEnv = process.env): string {
  const now = env.MCP_PROD_NOW ? new Date(env.MCP_PROD_NOW) : new Date();
  if (Number.isNaN(now.getTime())) throw new CliError(`MCP_PROD_NOW="${env.MCP_PROD_NOW}" is not a date.`, { hint: 'Use an ISO date such as 2026-12-31.' });
  return now.toISOString().slice(0, 10);
}
