import type { z } from 'zod';
import { CliError } from './errors.js';

const kebab = (key: string) => key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/**
 * Parses a command's options with its zod schema. Every problem is reported at once, each
 * under the flag it came from (`--top: ...`); `names` spells the keys that are not a flag
 * named after them, e.g. `{ tool: 'the tool argument' }`.
 * @example parseOptions(costsOptionsSchema, { top: '0' }) // CliError "--top: too small: expected number to be >=1"
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, names: Record<string, string> = {}): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const name = names[key] ?? (key ? `--${kebab(key)}` : 'options');
    return `${name}: ${issue.message}`;
  });
  throw new CliError(problems.join('\n'), { hint: 'Run the command with --help to see its options.' });
}
