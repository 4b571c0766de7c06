/**
 * Pattern 7: schema validation at the boundary.
 *
 * Three checks: the raw `tools/call` params against the protocol shape this server was built
 * for (fields that appear or disappear are reported as `schema_drift`, so an SDK or client
 * change shows up in the logs before it shows up as a bug); the arguments against the tool's
 * input schema, with JSON-pointer paths the model can act on; and the handler's structured
 * output against the tool's output schema.
 */
import type { z } from 'zod/v4';
import { ERROR_META_KEY, ErrorCode, ToolError } from './errors.js';
import { parseSemver } from './semver.js';

export const META_PREFIX = 'mcp-prod/';
export const META = {
  tool: 'mcp-prod/tool',
  toolVersion: 'mcp-prod/toolVersion',
  idempotencyKey: 'mcp-prod/idempotencyKey',
  idempotentReplay: 'mcp-prod/idempotentReplay',
  deprecation: 'mcp-prod/deprecation',
  limits: 'mcp-prod/limits',
  error: ERROR_META_KEY,
} as const;

/** Request `_meta` keys of our namespace that clients may send. */
const KNOWN_REQUEST_META = new Set<string>([META.toolVersion, META.idempotencyKey]);
/**
 * `tools/call` params fields defined by the MCP revisions this server speaks, plus the top-level
 * `idempotencyKey` of the idempotency proposal (SEP-3182).
 */
const KNOWN_PARAMS = new Set(['name', 'arguments', '_meta', 'task', 'idempotencyKey']);

export interface SchemaDrift {
  kind: 'unexpected_field';
  path: string;
}

export interface CallParams {
  name: string;
  arguments: Record<string, unknown>;
  meta: Record<string, unknown>;
  toolVersion: string | undefined;
  /** `params.idempotencyKey`, unchecked: the idempotency stage validates every key source. */
  idempotencyKey: unknown;
}

export interface ValidationIssue {
  path: string;
  message: string;
  code: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 6901 JSON pointer for a path such as ['items', 3, 'qty'] -> '/items/3/qty'. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Checks the raw params; drift is reported and tolerated, malformed fields are refused. */
export function checkCallParams(raw: unknown, reportDrift: (drift: SchemaDrift) => void): CallParams {
  const params = isRecord(raw) ? raw : {};
  for (const key of Object.keys(params)) {
    if (!KNOWN_PARAMS.has(key)) reportDrift({ kind: 'unexpected_field', path: jsonPointer(['params', key]) });
  }

  const issues: ValidationIssue[] = [];
  if (typeof params.name !== 'string') issues.push({ path: '/params/name', message: 'must be a string', code: 'invalid_type' });
  const args = params.arguments ?? {};
  if (!isRecord(args)) issues.push({ path: '/params/arguments', message: 'must be an object', code: 'invalid_type' });
  const meta = params._meta ?? {};
  if (!isRecord(meta)) issues.push({ path: '/params/_meta', message: 'must be an object', code: 'invalid_type' });

  let toolVersion: string | undefined;
  if (isRecord(meta)) {
    for (const key of Object.keys(meta)) {
      if (key.startsWith(META_PREFIX) && !KNOWN_REQUEST_META.has(key)) {
        reportDrift({ kind: 'unexpected_field', path: jsonPointer(['params', '_meta', key]) });
      }
    }
    const version = meta[META.toolVersion];
    if (version !== undefined && (typeof version !== 'string' || !parseSemver(version))) {
      issues.push({ path: jsonPointer(['params', '_meta', META.toolVersion]), message: 'must be a semantic version such as 1.2.0', code: 'invalid_format' });
    } else {
      toolVersion = version;
    }
  }
  if (issues.length > 0) {
    throw new ToolError(ErrorCode.validationFailed, describeIssues('The request is malformed', issues), { details: { issues } });
  }
  return {
    name: params.name as string,
    arguments: args as Record<string, unknown>,
    meta: meta as Record<string, unknown>,
    toolVersion,
    idempotencyKey: params.idempotencyKey,
  };
}

function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: jsonPointer(issue.path), message: issue.message, code: issue.code }));
}

function describeIssues(prefix: string, issues: readonly ValidationIssue[]): string {
  const listed = issues.slice(0, 5).map((issue) => `${issue.path || '/'}: ${issue.message}`);
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return `${prefix}: ${listed.join('; ')}${more}`;
}

/** Validates arguments against the tool's input schema; the parsed value has defaults applied. */
export function validateArguments<S extends z.ZodType>(entry: { tool: { name: string }; input: S }, args: Record<string, unknown>): z.output<S> {
  const parsed = entry.input.safeParse(args);
  if (parsed.success) return parsed.data;
  const issues = toIssues(parsed.error);
  throw new ToolError(ErrorCode.validationFailed, describeIssues(`Invalid arguments for ${entry.tool.name}`, issues), {
    details: { issues },
  });
}

/** A handler produced output its own schema forbids: a server bug, never the caller's fault. */
export class OutputSchemaViolation extends Error {
  constructor(
    readonly toolName: string,
    readonly issues: ValidationIssue[],
  ) {
    super(describeIssues(`${toolName} returned output that violates its output schema`, issues));
    this.name = 'OutputSchemaViolation';
  }
}

export function validateOutput<S extends z.ZodType>(tool: { name: string; output: S | undefined }, value: unknown): unknown {
  if (!tool.output) return value;
  const parsed = tool.output.safeParse(value);
  if (!parsed.success) throw new OutputSchemaViolation(tool.name, toIssues(parsed.error));
  return parsed.data;
}
