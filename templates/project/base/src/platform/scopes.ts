/**
 * The scope rules, defined once for the server and for `mcp-prod` (which reads `scopeRules`
 * through src/contract.ts). Scopes are `resource:tier` with admin ⊇ write ⊇ read inside one
 * resource; any other scope matches only itself, and matching is case-sensitive.
 */
export const SCOPE = /^[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)*$/;

export const SCOPE_TIERS = ['read', 'write', 'admin'] as const;

function tierRank(scope: string): { resource: string; rank: number } | undefined {
  const separator = scope.lastIndexOf(':');
  if (separator <= 0) return undefined;
  const rank = SCOPE_TIERS.indexOf(scope.slice(separator + 1) as (typeof SCOPE_TIERS)[number]);
  return rank < 0 ? undefined : { resource: scope.slice(0, separator), rank };
}

/** Whether `granted` covers `required` (notes:admin covers notes:write covers notes:read). */
export function scopeCovers(granted: string, required: string): boolean {
  if (granted === required) return true;
  const have = tierRank(granted);
  const need = tierRank(required);
  return have !== undefined && need !== undefined && have.resource === need.resource && have.rank >= need.rank;
}

export const scopeRules = { tiers: SCOPE_TIERS, covers: scopeCovers };
