export function parseTristate(value: string | undefined): boolean | undefined {
  if (!value) return undefined;
  const v = value.toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  return undefined;
}

export const isCI = (env: NodeJS.ProcessEnv = process.env): boolean => parseTristate(env.CI) === true;

/**
 * Prompts appear only on a real terminal outside CI. `MCP_PROD_FORCE_TTY=1` lets tests drive the
 * interactive path through a pseudo-terminal-less pipe.
 */
export function isInteractive(env: NodeJS.ProcessEnv = process.env): boolean {
  const forced = parseTristate(env.MCP_PROD_FORCE_TTY);
  if (forced !== undefined) return forced;
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !isCI(env);
}
