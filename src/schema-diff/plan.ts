/**
 * The plan: one pure comparison of the lockfile with the current contracts, shared by `lock`
 * (which writes `nextLock`), `check` (which reports it) and `diff` (two lockfiles). For each tool
 * it lists the findings, the bump they require, the version gate's result and the lockfile
 * entry the tool should have next.
 */
import { compareTools, type ScopeCovers } from './compare-tool.js';
import { contractOf, serializeLockfile, type LockEntry, type Lockfile } from './lockfile.js';
import type { Bump, Finding, ToolContract } from './types.js';
import { checkVersion, parseVersion, requiredBump, type GateResult } from './version-gate.js';

export type ChangeKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface ToolPlan {
  name: string;
  change: ChangeKind;
  requiredBump: Bump;
  from: string | null;
  to: string | null;
  result: 'pass' | 'warn' | 'fail';
  findings: Finding[];
  /** The version gate's complaint, or why a removal is refused. */
  problem?: string;
  /** The version the gate suggests, when it has one. */
  suggested?: string;
}

export interface Plan {
  tools: ToolPlan[];
  /** No tool failed. */
  ok: boolean;
  /** The lockfile differs from what `lock` would write now. */
  stale: boolean;
  nextLock: Lockfile;
}

const majorOf = (version: string) => parseVersion(version)?.major;

/** The lock entry for `after`, carrying history forward (and archiving `before` when the major grew). */
export function nextEntry(before: LockEntry | undefined, after: ToolContract): LockEntry {
  const history = { ...(before?.history ?? {}) };
  const oldMajor = before && majorOf(before.version);
  const newMajor = majorOf(after.version);
  if (before && oldMajor !== undefined && newMajor !== undefined && newMajor > oldMajor) {
    history[String(oldMajor)] = { version: before.version, inputSchema: before.inputSchema, outputSchema: before.outputSchema };
  }
  return { ...after, history };
}

/**
 * @param options.today YYYY-MM-DD (UTC); a deprecated tool may leave the code from its removeAfter date.
 * @param options.scopeCovers the project's scope hierarchy (src/project/scopes.ts loads it).
 * @param options.removedOn when a removal was recorded earlier (a tombstone in the newer
 *   lockfile of a diff), the date it happened, used instead of today.
 */
export function assemblePlan(
  lock: Lockfile,
  current: Record<string, ToolContract>,
  options: { today: string; removedOn?: Record<string, string>; scopeCovers: ScopeCovers },
): Plan {
  const tools: ToolPlan[] = [];
  const nextTools: Record<string, LockEntry> = {};

  for (const name of [...new Set([...Object.keys(lock.tools), ...Object.keys(current)])].sort()) {
    const locked = lock.tools[name];
    const before = locked && !locked.removedAt ? locked : undefined;
    const after = current[name];

    if (!after) {
      if (!before) {
        nextTools[name] = locked!;
        tools.push({ name, change: 'unchanged', requiredBump: 'none', from: locked!.version, to: null, result: 'pass', findings: [] });
        continue;
      }
      const findings = compareTools(before, undefined, options.scopeCovers);
      const on = options.removedOn?.[name] ?? options.today;
      const removable = before.deprecated !== null && on >= before.deprecated.removeAfter;
      if (removable) nextTools[name] = { ...before, removedAt: on };
      else nextTools[name] = before;
      tools.push({
        name,
        change: 'removed',
        requiredBump: 'major',
        from: before.version,
        to: null,
        result: removable ? 'pass' : 'fail',
        findings,
        ...(removable
          ? {}
          : {
              problem: before.deprecated ? `removed before its removeAfter date (${before.deprecated.removeAfter})` : 'removed without being deprecated first',
            }),
      });
      continue;
    }

    const findings = compareTools(before, after, options.scopeCovers);
    const bump = before ? requiredBump(findings) : 'minor';
    nextTools[name] = nextEntry(before, after);
    if (!before) {
      tools.push({ name, change: 'added', requiredBump: bump, from: null, to: after.version, result: 'pass', findings });
      continue;
    }
    const gate: GateResult = checkVersion(before.version, after.version, bump);
    tools.push({
      name,
      change: findings.length > 0 ? 'changed' : 'unchanged',
      requiredBump: bump,
      from: before.version,
      to: after.version,
      result: gate.result,
      findings,
      ...(gate.problem ? { problem: gate.problem } : {}),
      ...(gate.suggested ? { suggested: gate.suggested } : {}),
    });
  }

  const nextLock: Lockfile = { lockfileVersion: 1, tools: nextTools };
  return {
    tools,
    ok: tools.every((tool) => tool.result !== 'fail'),
    stale: serializeLockfile(nextLock) !== serializeLockfile(lock),
    nextLock,
  };
}

/** Compares two lockfiles: the newer one's contracts play the code, its tombstones the removals. */
export function planBetween(older: Lockfile, newer: Lockfile, today: string, scopeCovers: ScopeCovers): Plan {
  const entries = Object.entries(newer.tools);
  return assemblePlan(older, Object.fromEntries(entries.filter(([, entry]) => !entry.removedAt).map(([name, entry]) => [name, contractOf(entry)])), {
    today,
    scopeCovers,
    removedOn: Object.fromEntries(entries.filter(([, entry]) => entry.removedAt).map(([name, entry]) => [name, entry.removedAt!])),
  });
}
