import { describe, expect, it } from 'vitest';
import { packageNameProblems, toPackageName } from '../../src/core/package-name.js';

describe('packageNameProblems', () => {
  it.each(['my-server', '@scope/pkg', 'a.b_c~d', 'x', '123', '@acme/notes-server', 'a'.repeat(214)])('accepts %j', (name) => {
    expect(packageNameProblems(name)).toEqual([]);
  });

  it.each([
    ['', /empty/],
    ['Upper', /upper-case/],
    ['.hidden', /starts with "\." or "_"/],
    ['_private', /starts with "\." or "_"/],
    [' padded ', /leading or trailing spaces/],
    ['has space', /may only contain/],
    ['node_modules', /reserved/],
    ['favicon.ico', /reserved/],
    ['a'.repeat(215), /longer than 214/],
    ['bad/name', /may only contain/],
    ['@scope/', /may only contain/],
    ['emoji🚀', /may only contain/],
  ])('rejects %j', (name, problem) => {
    const problems = packageNameProblems(name);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(problem);
  });

  it('reports every rule a name breaks', () => {
    expect(packageNameProblems('_Upper')).toHaveLength(2);
  });
});

describe('toPackageName', () => {
  it.each([
    ['My Server!', 'my-server'],
    ['my-server', 'my-server'],
    ['  Spaced   Out  ', 'spaced-out'],
    ['.hidden', 'hidden'],
    ['__init', 'init'],
    ['Über Cool', 'ber-cool'],
    ['a!!b??c', 'a-b-c'],
    ['!!!', ''],
  ])('%j -> %j', (input, expected) => {
    expect(toPackageName(input)).toBe(expected);
  });

  it.each(['My Server!', 'Some_Dir.v2', '  x  ', 'ÄÖÜ project'])('turns %j into a valid name', (input) => {
    expect(packageNameProblems(toPackageName(input))).toEqual([]);
  });

  it('never suggests a name that starts with "." or "_"', () => {
    expect(packageNameProblems(toPackageName('-.foo'))).toEqual([]);
    expect(packageNameProblems(toPackageName('node_modules'))).toEqual([]);
    expect(packageNameProblems(toPackageName('!_x'))).toEqual([]);
  });
});
