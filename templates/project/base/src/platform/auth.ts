/**
 * Pattern 1: bearer auth with per-tool scopes.
 *
 * Every call resolves a principal before anything else looks at it, then the tool's required
 * scopes are checked against what the principal was granted. Scopes are `resource:tier` with
 * admin ⊇ write ⊇ read inside one resource; any other scope matches only itself, and matching is
 * case-sensitive.
 *
 * Principal resolution here is a development stub: every caller is the local principal. Token
 * verification replaces `authenticate` without changing the stage or its error shape.
 */
import { ErrorCode, ToolError } from './errors.js';

export interface Principal {
  /** Stable id of the caller: what logs call user_id and what data is owned by. */
  readonly id: string;
  readonly scopes: readonly string[];
}

/** What a transport knows about the caller of one request. */
export interface CallerInfo {
  readonly transport: 'stdio' | 'http' | 'in-process';
  /** Set by the HTTP layer once it has verified a credential. */
  readonly authInfo?: { readonly clientId: string; readonly scopes: readonly string[]; readonly extra?: Record<string, unknown> };
}

export type Authenticate = (caller: CallerInfo) => Promise<Principal>;

/** The stub: one local principal holding exactly `scopes`. */
export function localPrincipal(scopes: readonly string[]): Authenticate {
  const principal: Principal = Object.freeze({ id: 'local', scopes: Object.freeze([...scopes]) });
  return async () => principal;
}

const TIERS = ['read', 'write', 'admin'] as const;

function tierRank(scope: string): { resource: string; rank: number } | undefined {
  const separator = scope.lastIndexOf(':');
  if (separator <= 0) return undefined;
  const rank = TIERS.indexOf(scope.slice(separator + 1) as (typeof TIERS)[number]);
  return rank < 0 ? undefined : { resource: scope.slice(0, separator), rank };
}

/** Whether `granted` covers `required` (notes:admin covers notes:write covers notes:read). */
export function scopeCovers(granted: string, required: string): boolean {
  if (granted === required) return true;
  const have = tierRank(granted);
  const need = tierRank(required);
  return have !== undefined && need !== undefined && have.resource === need.resource && have.rank >= need.rank;
}

export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  return required.filter((scope) => !granted.some((have) => scopeCovers(have, scope)));
}

/** The pipeline stage: denies before the handler runs, naming every required scope. */
export function checkScopes(principal: Principal, tool: { name: string; scopes: readonly string[] }): void {
  const missing = missingScopes(principal.scopes, tool.scopes);
  if (missing.length === 0) return;
  throw new ToolError(
    ErrorCode.insufficientScope,
    `${tool.name} requires the scopes ${tool.scopes.join(', ')}; this caller lacks ${missing.join(', ')}.`,
    { details: { requiredScopes: [...tool.scopes], missingScopes: missing } },
  );
}
