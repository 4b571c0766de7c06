/**
 * `mcp-tools.lock.json`: the committed contract of every tool as clients see it. Written with
 * sorted keys, two-space indentation and one trailing newline, so that the same contract
 * always produces the same bytes.
 */
import { z } from 'zod';
import { deprecationNoticeSchema } from '../core/deprecation-notice.js';
import type { ToolContract } from './types.js';

export const LOCKFILE_NAME = 'mcp-tools.lock.json';

export interface HistoryEntry {
  version: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown> | null;
}

export interface LockEntry extends ToolContract {
  /** The last locked contract of each earlier major version, keyed by that major. */
  history: Record<string, HistoryEntry>;
  /** Set when the tool was removed through the deprecation process (a tombstone). */
  removedAt?: string;
}

export interface Lockfile {
  lockfileVersion: 1;
  tools: Record<string, LockEntry>;
}

const schemaObject = z.record(z.string(), z.unknown());
const entrySchema = z.object({
  version: z.string(),
  description: z.string(),
  scopes: z.array(z.string()),
  readOnly: z.boolean(),
  idempotency: z.enum(['required', 'optional', 'none']),
  deprecated: deprecationNoticeSchema.nullable(),
  inputSchema: schemaObject,
  outputSchema: schemaObject.nullable(),
  history: z.record(z.string(), z.object({ version: z.string(), inputSchema: schemaObject, outputSchema: schemaObject.nullable() })).default({}),
  removedAt: z.string().optional(),
});
const lockfileSchema = z.object({ lockfileVersion: z.literal(1), tools: z.record(z.string(), entrySchema) });

export class LockfileError extends Error {
  override name = 'LockfileError';
}

export const emptyLockfile = (): Lockfile => ({ lockfileVersion: 1, tools: {} });

export function parseLockfile(text: string, source: string): Lockfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LockfileError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = lockfileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LockfileError(`${source} is not a valid lockfile: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data as Lockfile;
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => [key, sortDeep((value as Record<string, unknown>)[key])]),
  );
}

export function serializeLockfile(lock: Lockfile): string {
  return `${JSON.stringify(sortDeep(lock), null, 2)}\n`;
}

/** The contract part of a lock entry (what the code is compared against). */
export function contractOf(entry: LockEntry): ToolContract {
  const { history: _history, removedAt: _removedAt, ...contract } = entry;
  return contract;
}
