import path from 'node:path';

/** A user-given path resolved against `cwd`; undefined stays undefined. */
export function resolvePath(cwd: string, given: unknown): string | undefined {
  return typeof given === 'string' ? path.resolve(cwd, given) : undefined;
}

/**
 * A user-given path joined onto `cwd` unless absolute. Unlike `resolvePath` it keeps a trailing
 * slash, which says "a folder, possibly not there yet".
 */
export function joinPath(cwd: string, given: unknown): string | undefined {
  if (typeof given !== 'string') return undefined;
  return path.isAbsolute(given) ? given : path.join(cwd, given);
}
