import { z } from 'zod';
import { SEMVER } from '../../core/semver.js';

export const TOOL_NAME_RULE = 'a tool name is 1-128 characters of A-Z a-z 0-9 _ - . (the MCP tool-name rules), e.g. get_weather';
export const SCOPE_RULE = 'a scope is resource:tier (tier read, write or admin) or another word-like string, e.g. weather:read';
export const SCOPE = /^[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)*$/;
export const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export const toolKinds = ['read-only', 'mutating', 'destructive'] as const;
export type ToolKind = (typeof toolKinds)[number];

export const addToolOptionsSchema = z
  .object({
    name: z.string().regex(TOOL_NAME, TOOL_NAME_RULE),
    scopes: z.array(z.string().regex(SCOPE, SCOPE_RULE)).min(1, 'give at least one scope with --scope'),
    kind: z.enum(toolKinds),
    description: z.string().trim().min(1).max(1000),
    idempotency: z.enum(['required', 'optional', 'none']).optional(),
    version: z.string().regex(SEMVER, 'use a semantic version such as 1.0.0'),
    dryRun: z.boolean(),
  })
  .superRefine((options, ctx) => {
    if (options.kind === 'read-only' && options.idempotency && options.idempotency !== 'none') {
      ctx.addIssue({ code: 'custom', path: ['idempotency'], message: 'a read-only tool takes no idempotency keys; use --idempotency none or --mutating' });
    }
  });
export type AddToolOptions = z.infer<typeof addToolOptionsSchema>;

/** What the command line gives; prompts (or defaults) fill the rest before `addToolOptionsSchema`. */
export const addToolFlagsSchema = z
  .object({
    name: z.string().optional(),
    scopes: z.array(z.string()).optional(),
    kind: z.enum(toolKinds).optional(),
    readOnly: z.boolean().optional(),
    mutating: z.boolean().optional(),
    destructive: z.boolean().optional(),
    description: z.string().optional(),
    idempotency: z.enum(['required', 'optional', 'none']).optional(),
    version: z.string().default('1.0.0'),
    dryRun: z.boolean().default(false),
    yes: z.boolean().default(false),
  })
  .transform(({ readOnly, mutating, destructive, kind, ...rest }) => ({
    ...rest,
    kind: kind ?? (destructive ? 'destructive' : mutating ? 'mutating' : readOnly ? 'read-only' : undefined),
  }));
export type AddToolFlags = z.input<typeof addToolFlagsSchema>;

/** `get_weather` -> `get-weather` (the file name), `getWeather` (the import name). */
export function toolFileName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[_.]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

export function toolIdentifier(name: string): string {
  const camel = toolFileName(name).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return /^[0-9]/.test(camel) ? `tool${camel.charAt(0).toUpperCase()}${camel.slice(1)}` : camel;
}
