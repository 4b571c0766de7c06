/**
 * The version gate (reference/schema-compat-rules.md §2.4): required bump = max over findings;
 * an unmet major or a decrease fails, an unmet minor/patch warns with the version to use; below
 * 1.0.0 a minor step is a major one; prerelease and build metadata are ignored.
 */
import { describe, expect, it } from 'vitest';
import type { Bump, Finding, Verdict } from '../../../src/schema-diff/types.js';
import {
  checkVersion,
  declaredBump,
  parseVersion,
  requiredBump,
  suggestVersion,
  type GateResult,
  type Version,
} from '../../../src/schema-diff/version-gate.js';

const finding = (verdict: Verdict, undecided = false): Finding => ({
  pointer: '/inputSchema',
  rule: `input.${verdict}`,
  verdict,
  message: verdict,
  ...(undecided ? { undecided } : {}),
});
const v = (text: string): Version => {
  const parsed = parseVersion(text);
  if (!parsed) throw new Error(`test fixture ${text} is not a version`);
  return parsed;
};

describe('requiredBump', () => {
  it.each<[string, Verdict[], Bump]>([
    ['no findings', [], 'none'],
    ['doc only', ['doc', 'doc'], 'patch'],
    ['additive', ['additive'], 'minor'],
    ['doc + additive', ['doc', 'additive'], 'minor'],
    ['breaking', ['breaking'], 'major'],
    ['breaking first', ['breaking', 'additive', 'doc'], 'major'],
    ['breaking last', ['doc', 'additive', 'breaking'], 'major'],
    ['breaking in the middle', ['additive', 'breaking', 'doc'], 'major'],
  ])('%s -> %s', (_name, verdicts, bump) => {
    expect(requiredBump(verdicts.map((verdict) => finding(verdict)))).toBe(bump);
  });

  it('counts an undecided finding as breaking', () => {
    expect(requiredBump([finding('doc'), finding('breaking', true)])).toBe('major');
  });
});

describe('parseVersion', () => {
  it.each([
    ['1.2.3', { major: 1, minor: 2, patch: 3 }],
    ['0.0.0', { major: 0, minor: 0, patch: 0 }],
    ['1.0.0-beta.1', { major: 1, minor: 0, patch: 0 }],
    ['2.0.0+build.5', { major: 2, minor: 0, patch: 0 }],
    ['1.0.0-rc.1+sha.abc', { major: 1, minor: 0, patch: 0 }],
    ['10.20.30', { major: 10, minor: 20, patch: 30 }],
  ])('%s', (text, expected) => {
    expect(parseVersion(text)).toEqual(expected);
  });

  // 'v1.2.3' too: the generated project's defineTool refuses it, and check reads versions the same way.
  it.each(['', '1', '1.2', '1.2.3.4', '01.2.3', '1.02.3', 'latest', '1.2.x', ' 1.2.3', '1.2.3-', '1.2.3+', 'v1.2.3'])('rejects %j', (text) => {
    expect(parseVersion(text)).toBeUndefined();
  });
});

describe('declaredBump', () => {
  it.each<[string, string, Bump | 'decrease']>([
    ['1.2.3', '1.2.3', 'none'],
    ['1.2.3', '1.2.4', 'patch'],
    ['1.2.3', '1.3.0', 'minor'],
    ['1.2.3', '1.3.5', 'minor'],
    ['1.2.3', '2.0.0', 'major'],
    ['1.2.3', '3.1.0', 'major'],
    ['1.2.3', '1.2.2', 'decrease'],
    ['2.0.0', '1.9.9', 'decrease'],
    ['1.3.0', '1.2.9', 'decrease'],
    // Below 1.0.0 every step counts one level higher.
    ['0.3.0', '0.4.0', 'major'],
    ['0.3.1', '0.3.2', 'minor'],
    ['0.3.1', '1.0.0', 'major'],
    ['0.3.1', '0.3.1', 'none'],
    // Prerelease and build metadata are ignored.
    ['1.0.0-beta.1', '2.0.0+build.5', 'major'],
    ['1.0.0-beta.2', '1.0.0-beta.1', 'none'],
    ['1.0.0+build.1', '1.0.0+build.2', 'none'],
  ])('%s -> %s is %s', (from, to, bump) => {
    expect(declaredBump(v(from), v(to))).toBe(bump);
  });
});

describe('suggestVersion', () => {
  it.each<[string, Bump, string]>([
    ['1.2.3', 'major', '2.0.0'],
    ['1.2.3', 'minor', '1.3.0'],
    ['1.2.3', 'patch', '1.2.4'],
    ['1.2.3', 'none', '1.2.3'],
    ['4.0.9', 'major', '5.0.0'],
    ['0.3.1', 'major', '0.4.0'],
    ['0.3.1', 'minor', '0.3.2'],
    ['0.3.1', 'patch', '0.3.2'],
    ['0.0.0', 'major', '0.1.0'],
    ['1.0.0-beta.1', 'major', '2.0.0'],
    ['1.4.0+build.7', 'minor', '1.5.0'],
  ])('from %s for %s: %s', (from, bump, suggested) => {
    expect(suggestVersion(v(from), bump)).toBe(suggested);
  });

  it('always suggests a version the gate accepts', () => {
    for (const from of ['0.0.0', '0.3.1', '1.2.3', '9.9.9']) {
      for (const bump of ['patch', 'minor', 'major'] as const) {
        expect(checkVersion(from, suggestVersion(v(from), bump), bump).result, `${from} ${bump}`).toBe('pass');
      }
    }
  });
});

describe('checkVersion', () => {
  it.each<[string, string, Bump, GateResult]>([
    // Met requirements pass.
    ['1.2.3', '1.2.3', 'none', { result: 'pass' }],
    ['1.2.3', '1.2.4', 'patch', { result: 'pass' }],
    ['1.2.3', '1.3.0', 'patch', { result: 'pass' }],
    ['1.2.3', '1.3.0', 'minor', { result: 'pass' }],
    ['1.2.3', '2.0.0', 'minor', { result: 'pass' }],
    ['1.2.3', '2.0.0', 'major', { result: 'pass' }],
    ['1.2.3', '3.0.0', 'major', { result: 'pass' }],
    ['1.2.3', '1.2.4', 'none', { result: 'pass' }],
    // Major required and not declared: fail with X+1.0.0.
    ['1.2.3', '1.2.3', 'major', { result: 'fail', rule: 'major-version-not-bumped', suggested: '2.0.0' }],
    ['1.2.3', '1.2.4', 'major', { result: 'fail', rule: 'major-version-not-bumped', suggested: '2.0.0' }],
    ['1.2.3', '1.9.0', 'major', { result: 'fail', rule: 'major-version-not-bumped', suggested: '2.0.0' }],
    ['7.0.0', '7.1.0', 'major', { result: 'fail', rule: 'major-version-not-bumped', suggested: '8.0.0' }],
    // Version went down: always fails.
    ['1.2.3', '1.2.2', 'none', { result: 'fail', rule: 'version-decreased', suggested: '1.2.4' }],
    ['2.0.0', '1.9.9', 'major', { result: 'fail', rule: 'version-decreased', suggested: '3.0.0' }],
    ['1.3.0', '1.2.9', 'minor', { result: 'fail', rule: 'version-decreased', suggested: '1.4.0' }],
    ['2.0.0-rc.1', '1.9.0', 'patch', { result: 'fail', rule: 'version-decreased', suggested: '2.0.1' }],
    // Below 1.0.0 a minor increase satisfies major.
    ['0.3.0', '0.4.0', 'major', { result: 'pass' }],
    ['0.3.1', '0.4.0', 'major', { result: 'pass' }],
    ['0.3.1', '1.0.0', 'major', { result: 'pass' }],
    ['0.3.1', '0.3.2', 'major', { result: 'fail', rule: 'major-version-not-bumped', suggested: '0.4.0' }],
    ['0.3.1', '0.3.1', 'major', { result: 'fail', rule: 'major-version-not-bumped', suggested: '0.4.0' }],
    ['0.3.1', '0.3.2', 'minor', { result: 'pass' }],
    // Unmet minor / patch: warn with the suggested version.
    ['1.2.3', '1.2.3', 'minor', { result: 'warn', rule: 'version-not-bumped', suggested: '1.3.0' }],
    ['1.2.3', '1.2.4', 'minor', { result: 'warn', rule: 'version-not-bumped', suggested: '1.3.0' }],
    ['1.2.3', '1.2.3', 'patch', { result: 'warn', rule: 'version-not-bumped', suggested: '1.2.4' }],
    ['0.3.1', '0.3.1', 'minor', { result: 'warn', rule: 'version-not-bumped', suggested: '0.3.2' }],
    ['0.3.1', '0.3.1', 'patch', { result: 'warn', rule: 'version-not-bumped', suggested: '0.3.2' }],
    // Prerelease and build metadata are ignored.
    ['1.0.0-beta.1', '2.0.0+build.5', 'major', { result: 'pass' }],
    ['1.0.0-beta.1', '1.0.0', 'patch', { result: 'warn', rule: 'version-not-bumped', suggested: '1.0.1' }],
    ['1.0.0+build.1', '1.0.0+build.2', 'patch', { result: 'warn', rule: 'version-not-bumped', suggested: '1.0.1' }],
    ['1.0.0', '1.0.0-rc.1', 'none', { result: 'pass' }],
    ['1.0.0', '1.0.0-rc.1', 'major', { result: 'fail', rule: 'major-version-not-bumped', suggested: '2.0.0' }],
    ['v1.2.3', 'v2.0.0', 'major', { result: 'fail', rule: 'version-invalid' }],
    // Invalid versions fail.
    ['1.2', '2.0.0', 'major', { result: 'fail', rule: 'version-invalid' }],
    ['1.2.3', 'latest', 'none', { result: 'fail', rule: 'version-invalid' }],
    ['1.2.3', '', 'patch', { result: 'fail', rule: 'version-invalid' }],
    ['01.2.3', '1.2.4', 'patch', { result: 'fail', rule: 'version-invalid' }],
    ['1.2.3', '2.0.0.0', 'major', { result: 'fail', rule: 'version-invalid' }],
  ])('%s -> %s needing %s', (from, to, needed, expected) => {
    const gate = checkVersion(from, to, needed);
    expect(gate).toMatchObject(expected);
    if (expected.result === 'pass') {
      expect(gate).toEqual({ result: 'pass' });
    } else {
      expect(gate.problem).toBeTypeOf('string');
      expect(gate.problem!.trim()).not.toBe('');
      expect(gate.problem).not.toMatch(/[\r\n]/);
      if (expected.suggested === undefined) expect(gate.suggested).toBeUndefined();
    }
  });

  it('names the offending version when one is invalid', () => {
    expect(checkVersion('1.2', '2.0.0', 'major').problem).toContain('1.2');
    expect(checkVersion('1.0.0', 'banana', 'major').problem).toContain('banana');
  });

  it('names the suggested version in the problem of an unmet bump', () => {
    expect(checkVersion('1.2.3', '1.3.0', 'major').problem).toContain('2.0.0');
    expect(checkVersion('1.2.3', '1.2.4', 'minor').problem).toContain('1.3.0');
  });

  it('gates the bump computed from findings', () => {
    const findings = [finding('doc'), finding('additive'), finding('breaking')];
    expect(checkVersion('1.4.2', '1.5.0', requiredBump(findings))).toMatchObject({ result: 'fail', suggested: '2.0.0' });
    expect(checkVersion('1.4.2', '1.5.0', requiredBump(findings.slice(0, 2)))).toEqual({ result: 'pass' });
    expect(checkVersion('1.4.2', '1.4.2', requiredBump(findings.slice(0, 1)))).toMatchObject({ result: 'warn', suggested: '1.4.3' });
  });
});
