import { ZodError } from 'zod';
import { CliError, ExitError } from '../core/errors.js';
import { ownPackage } from '../core/package-info.js';

/**
 * The single error boundary of every command: user errors exit 1 with a hint and no stack,
 * anything unexpected exits 2 with the details needed for a bug report.
 */
export async function runCommand(work: () => Promise<void>, stderr: NodeJS.WritableStream = process.stderr): Promise<void> {
  try {
    await work();
  } catch (error) {
    process.exitCode = reportError(error, stderr);
  }
}

export function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (error instanceof ExitError) return error.exitCode;
  if (error instanceof CliError) {
    stderr.write(`error: ${error.message}\n`);
    if (error.hint) stderr.write(`${error.hint}\n`);
    return error.exitCode;
  }
  if (error instanceof ZodError) {
    for (const issue of error.issues) stderr.write(`error: --${issue.path.join('.')}: ${issue.message}\n`);
    return 1;
  }
  const { name, version } = ownPackage();
  stderr.write(`internal error in ${name} ${version} on Node ${process.version}; please report it with this output.\n`);
  stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 2;
}
