import type { Project } from '../core/project.js';
import { ProjectTree } from '../core/tree.js';
import { contractModule, loadContracts, scopeRulesOf } from './contracts.js';
import type { ScopeRules } from './interface.js';
import { LOCKFILE_NAME, readLockfile } from './lockfile.js';

export type { ScopeRules } from './interface.js';

/** The scope hierarchy the project's server enforces, from its src/contract.ts (`scopeRules`). */
export async function loadScopeRules(project: Project): Promise<ScopeRules> {
  return scopeRulesOf(await contractModule(project));
}

/**
 * Whether `scope` means something to a project whose tools require `used`: it is one of them,
 * or one the project's hierarchy relates to one of them (`notes:admin` when a tool needs
 * `notes:read`).
 */
export function isKnownScope(scope: string, used: readonly string[], rules: ScopeRules): boolean {
  return used.some((other) => rules.covers(scope, other) || rules.covers(other, scope));
}

/** Every tier of every tiered scope in `used`, plus the scopes that have no tiers; sorted. */
export function knownScopes(used: readonly string[], rules: ScopeRules): string[] {
  const known = new Set<string>();
  for (const scope of used) {
    const separator = scope.lastIndexOf(':');
    const tiered = separator > 0 && rules.tiers.includes(scope.slice(separator + 1));
    if (!tiered) known.add(scope);
    else for (const tier of rules.tiers) known.add(`${scope.slice(0, separator)}:${tier}`);
  }
  return [...known].sort();
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known scope `scope` was probably meant to be (a case slip or a typo), if one is close. */
export function suggestScope(scope: string, known: readonly string[]): string | undefined {
  const sameLetters = known.find((candidate) => candidate.toLowerCase() === scope.toLowerCase());
  if (sameLetters) return sameLetters;
  const ranked = known.map((candidate) => ({ candidate, cost: distance(scope.toLowerCase(), candidate.toLowerCase()) })).sort((a, b) => a.cost - b.cost);
  return ranked[0] && ranked[0].cost <= 2 ? ranked[0].candidate : undefined;
}

/**
 * The scopes the project's tools require, from the lockfile (no project code runs) or, when the
 * project has none yet, from the tools' contracts. Removed tools (tombstones) do not count.
 */
export async function projectScopes(project: Project): Promise<{ scopes: string[]; source: string }> {
  const { lock, exists } = readLockfile(new ProjectTree(project.root));
  if (exists) {
    const scopes = Object.values(lock.tools).flatMap((entry) => (entry.removedAt ? [] : entry.scopes));
    return { scopes: [...new Set(scopes)].sort(), source: LOCKFILE_NAME };
  }
  const contracts = await loadContracts(project);
  return { scopes: [...new Set(Object.values(contracts).flatMap((contract) => contract.scopes))].sort(), source: 'the tools in src/tools' };
}

/** The scope a token needs to read the project's operations data from `mcp-prod dashboard` over the network. */
export const CLI_ADMIN_SCOPE = 'mcp-prod:admin';
