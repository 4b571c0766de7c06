/**
 * Pattern 2: a versioned tool registry.
 *
 * Every tool carries a semantic version. `tools/list` publishes it, with the scopes, idempotency
 * and deprecation a client needs, in `_meta["mcp-prod/tool"]`; every log line records it. A
 * client that cached a definition from another major version gets `schema_mismatch` carrying
 * both versions and the current input schema, so it can refetch instead of sending stale
 * arguments.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Tool as WireTool } from '@modelcontextprotocol/server';
import { z } from 'zod/v4';
import { META } from './boundary.js';
import { deprecatedDescription, deprecationPhase, type DeprecationNotice } from './deprecation.js';
import { ErrorCode, ToolError } from './errors.js';
import { KEY_ARGUMENT, keyArgumentSchema } from './idempotency.js';
import { parseSemver } from './semver.js';
import type { AnyTool, Idempotency } from './tool.js';

export type JsonSchema = Record<string, unknown>;

/** What `_meta["mcp-prod/tool"]` publishes for each tool. */
export interface ToolContractMeta {
  version: string;
  scopes: string[];
  idempotency: Idempotency;
  readOnly: boolean;
  deprecated?: DeprecationNotice;
}

/** The last locked input schema of an earlier major version (from mcp-tools.lock.json). */
export interface LockedMajor {
  readonly version: string;
  readonly inputSchema: JsonSchema;
  /** Compiled on first use: only calls that fail the current schema need it. */
  accepts(args: unknown): boolean;
}

/** `history` of each tool in mcp-tools.lock.json: tool name -> major -> last locked contract. */
export type LockedHistory = Record<string, Record<string, { version: string; inputSchema: JsonSchema }>>;

export interface RegisteredTool {
  readonly tool: AnyTool;
  /** Earlier majors, newest first. */
  readonly history: readonly LockedMajor[];
  /** The tool's input schema plus, for tools that take idempotency keys, the key argument. */
  readonly input: z.ZodObject;
  readonly inputSchema: JsonSchema;
  readonly outputSchema: JsonSchema | undefined;
  readonly major: number;
}

export interface Registry {
  readonly tools: readonly RegisteredTool[];
  get(name: string): RegisteredTool | undefined;
  /**
   * The `tools/list` entries as of `now`. A deprecated tool is listed with its notice until its
   * refusal date; from then on it is left out, so that models stop choosing a tool that can only
   * answer `removed_use_replacement` (a client calling it from an old list still gets that answer).
   */
  list(now: Date): WireTool[];
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as JsonSchema;
  return json.type === undefined ? { type: 'object', ...json } : json;
}

/**
 * Builds the registry once at start-up: converts schemas, and refuses duplicate names and
 * deprecations whose replacement is missing or itself deprecated.
 */
function lockedMajors(history: LockedHistory[string] | undefined): LockedMajor[] {
  return Object.entries(history ?? {})
    .sort(([a], [b]) => Number(b) - Number(a))
    .map(([, locked]) => {
      let validator: z.ZodType | undefined;
      return {
        version: locked.version,
        inputSchema: locked.inputSchema,
        accepts(args: unknown) {
          validator ??= z.fromJSONSchema(locked.inputSchema as Parameters<typeof z.fromJSONSchema>[0]);
          return validator.safeParse(args).success;
        },
      };
    });
}

/** Reads the `history` sections of the lockfile; a missing lockfile means no history. */
export function readLockedHistory(file: string): LockedHistory {
  if (!existsSync(file)) return {};
  const lock = JSON.parse(readFileSync(file, 'utf8')) as { tools?: Record<string, { history?: LockedHistory[string] }> };
  return Object.fromEntries(Object.entries(lock.tools ?? {}).map(([name, entry]) => [name, entry.history ?? {}]));
}

/**
 * @param options.partial the tools are a subset (one tool's contract for `mcp-prod add-tool`):
 *   skip the checks that need the others, such as a deprecation's replacement being registered.
 */
export function createRegistry(tools: readonly AnyTool[], options: { history?: LockedHistory; partial?: boolean } = {}): Registry {
  const byName = new Map<string, RegisteredTool>();
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new Error(`Two tools are registered as "${tool.name}"; tool names must be unique.`);
    if (KEY_ARGUMENT in tool.input.shape)
      throw new Error(`${tool.name} declares "${KEY_ARGUMENT}" itself; that argument name is reserved for idempotency keys.`);
    const input = tool.idempotency === 'none' ? tool.input : tool.input.extend({ [KEY_ARGUMENT]: keyArgumentSchema });
    byName.set(tool.name, {
      tool,
      history: lockedMajors(options.history?.[tool.name]),
      input,
      inputSchema: toJsonSchema(input, 'input'),
      outputSchema: tool.output ? toJsonSchema(tool.output, 'output') : undefined,
      major: parseSemver(tool.version)!.major,
    });
  }
  for (const { tool } of options.partial ? [] : byName.values()) {
    const replacement = tool.deprecated?.replacement;
    if (replacement === undefined) continue;
    const target = byName.get(replacement);
    if (!target) throw new Error(`${tool.name} is deprecated in favour of "${replacement}", which is not registered.`);
    if (target.tool.deprecated) throw new Error(`${tool.name} is deprecated in favour of "${replacement}", which is deprecated itself.`);
  }
  const registered = [...byName.values()];
  return {
    tools: registered,
    get: (name) => byName.get(name),
    list: (now) =>
      registered.filter(({ tool }) => ['active', 'deprecated'].includes(deprecationPhase(tool.deprecated, now))).map((entry) => listEntry(entry, now)),
  };
}

export function contractMeta(tool: AnyTool): ToolContractMeta {
  return {
    version: tool.version,
    scopes: [...tool.scopes],
    idempotency: tool.idempotency,
    readOnly: tool.readOnly,
    ...(tool.deprecated ? { deprecated: tool.deprecated } : {}),
  };
}

function listEntry({ tool, inputSchema, outputSchema }: RegisteredTool, now: Date): WireTool {
  const noticeShown = tool.deprecated && deprecationPhase(tool.deprecated, now) !== 'active';
  return {
    name: tool.name,
    ...(tool.title ? { title: tool.title } : {}),
    description: noticeShown ? deprecatedDescription(tool.description, tool.deprecated!) : tool.description,
    inputSchema: inputSchema as WireTool['inputSchema'],
    ...(outputSchema ? { outputSchema: outputSchema as WireTool['outputSchema'] } : {}),
    annotations: {
      readOnlyHint: tool.readOnly,
      destructiveHint: tool.destructive,
      idempotentHint: tool.readOnly,
    },
    _meta: { [META.tool]: contractMeta(tool) },
  };
}

function schemaMismatch(entry: RegisteredTool, requested: string, locked: LockedMajor | undefined, inferred: boolean): ToolError {
  const how = inferred ? `the arguments fit version ${requested}` : `the call was made against ${requested}`;
  return new ToolError(
    ErrorCode.schemaMismatch,
    `${entry.tool.name} is at version ${entry.tool.version}, but ${how}. Refetch the tool list and retry with the current schema.`,
    {
      details: {
        tool: entry.tool.name,
        requestedVersion: requested,
        currentVersion: entry.tool.version,
        currentInputSchema: entry.inputSchema,
        ...(locked ? { requestedInputSchema: locked.inputSchema } : {}),
        ...(inferred ? { inferredFromArguments: true } : {}),
      },
    },
  );
}

/** The pipeline stage: a cached definition from another major version must be refetched. */
export function checkToolVersion(entry: RegisteredTool, requested: string | undefined): void {
  if (requested === undefined) return;
  const major = parseSemver(requested)!.major;
  if (major === entry.major) return;
  const locked = entry.history.find((h) => parseSemver(h.version)?.major === major);
  throw schemaMismatch(entry, requested, locked, false);
}

/**
 * Most clients never send a tool version. When arguments fail the current schema but fit an
 * earlier major's locked schema, the caller holds a stale definition: say so, instead of a plain
 * validation error, so it refetches.
 */
export function staleDefinitionError(entry: RegisteredTool, args: unknown): ToolError | undefined {
  const locked = entry.history.find((h) => h.accepts(args));
  return locked && schemaMismatch(entry, locked.version, locked, true);
}
