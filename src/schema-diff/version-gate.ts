/**
 * The version gate: a tool's required bump is the largest over its findings, and the declared
 * version must meet it. An unmet major, or a version that went down, fails; an unmet minor or
 * patch is a warning with the version to use. Below 1.0.0 a minor increase counts as a major.
 * Prerelease and build metadata are ignored.
 */
import { SEMVER } from '../core/semver.js';
import type { Bump, Finding } from './types.js';

const ORDER: Bump[] = ['none', 'patch', 'minor', 'major'];

export function requiredBump(findings: readonly Finding[]): Bump {
  let bump: Bump = 'none';
  for (const { verdict } of findings) {
    const needed: Bump = verdict === 'breaking' ? 'major' : verdict === 'additive' ? 'minor' : 'patch';
    if (ORDER.indexOf(needed) > ORDER.indexOf(bump)) bump = needed;
  }
  return bump;
}

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

export function parseVersion(text: string): Version | undefined {
  const match = SEMVER.exec(text);
  return match ? { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) } : undefined;
}

const compare = (a: Version, b: Version) => a.major - b.major || a.minor - b.minor || a.patch - b.patch;
const format = (v: Version) => `${v.major}.${v.minor}.${v.patch}`;

/** The bump actually declared between two versions (below 1.0.0, a minor step is a major one). */
export function declaredBump(from: Version, to: Version): Bump | 'decrease' {
  const order = compare(to, from);
  if (order < 0) return 'decrease';
  if (order === 0) return 'none';
  if (to.major > from.major) return 'major';
  if (to.minor > from.minor) return from.major === 0 ? 'major' : 'minor';
  return from.major === 0 ? 'minor' : 'patch';
}

/** The smallest version after `from` that satisfies `bump`. */
export function suggestVersion(from: Version, bump: Bump): string {
  if (bump === 'none') return format(from);
  if (from.major === 0) {
    if (bump === 'major') return format({ major: 0, minor: from.minor + 1, patch: 0 });
    return format({ ...from, patch: from.patch + 1 });
  }
  if (bump === 'major') return format({ major: from.major + 1, minor: 0, patch: 0 });
  if (bump === 'minor') return format({ ...from, minor: from.minor + 1, patch: 0 });
  return format({ ...from, patch: from.patch + 1 });
}

export interface GateResult {
  result: 'pass' | 'warn' | 'fail';
  /** Why it warns or fails, as one line. */
  problem?: string;
  rule?: 'version-decreased' | 'major-version-not-bumped' | 'version-not-bumped' | 'version-invalid';
  suggested?: string;
}

export function checkVersion(fromText: string, toText: string, needed: Bump): GateResult {
  const from = parseVersion(fromText);
  const to = parseVersion(toText);
  if (!from || !to) return { result: 'fail', rule: 'version-invalid', problem: `version ${!to ? toText : fromText} is not a semantic version` };
  const declared = declaredBump(from, to);
  if (declared === 'decrease')
    return {
      result: 'fail',
      rule: 'version-decreased',
      problem: `version went down from ${fromText} to ${toText}`,
      suggested: suggestVersion(from, needed === 'none' ? 'patch' : needed),
    };
  if (ORDER.indexOf(declared) >= ORDER.indexOf(needed)) return { result: 'pass' };
  const suggested = suggestVersion(from, needed);
  if (needed === 'major')
    return {
      result: 'fail',
      rule: 'major-version-not-bumped',
      problem: `a breaking change needs a new major version (${suggested}), but the version is ${toText}`,
      suggested,
    };
  return {
    result: 'warn',
    rule: 'version-not-bumped',
    problem: `this change calls for a ${needed} bump (${suggested}), but the version is ${toText}`,
    suggested,
  };
}
