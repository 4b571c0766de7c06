/**
 * Contract fuzzer, short CI run (issue 12; the long run is `npm run fuzz:contract`). Three fixed
 * seeds (named in the test titles, so a failure says how to replay it:
 * `npm run fuzz:contract -- --seed S --runs N`). Fails on any missed break (the shrunk
 * counterexample is printed), on a rewrite the oracle finds not equivalent (harness bug), and
 * when false alarms on equivalent pairs reach 2% over all seeds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../contract-fuzz/grammar.js';
import { equivalentRate, formatReport, mergeReports, run, type Report } from '../../contract-fuzz/run.js';
import { searchWitnesses } from '../../contract-fuzz/oracle.js';
import { removedProperties } from '../../contract-fuzz/policy.js';
import { formatCheck } from '../../contract-fuzz/validator.js';
import { FORMAT_SAMPLES } from '../../contract-fuzz/values.js';

const FIXED_SEED = 20_261_130;
const SEEDS: [string, number, number, number][] = [
  ['fixed', FIXED_SEED, 240, 12_000],
  // Fixed too, so that CI is deterministic: new ground is what `npm run fuzz:contract` is for.
  ['fixed', 1999244407, 120, 6_000],
  ['fixed', 1002454816, 120, 6_000],
];

describe('contract fuzz: the oracle itself', () => {
  const all = [...new Set(Object.values(FORMAT_SAMPLES).flat())];
  it('has valid samples and near misses for every format', () => {
    for (const format of FORMATS) {
      const samples = FORMAT_SAMPLES[format] ?? [];
      expect(samples.some(formatCheck(format)), format).toBe(true);
      expect(
        samples.some((s) => !formatCheck(format)(s)),
        format,
      ).toBe(true);
    }
  });
  it('keeps the format inclusions the RFCs guarantee, and date/date-time apart', () => {
    const within = (a: string, b: string) => all.filter(formatCheck(a)).every(formatCheck(b));
    for (const [a, b] of [
      ['email', 'idn-email'],
      ['hostname', 'idn-hostname'],
      ['uri', 'uri-reference'],
      ['uri', 'iri'],
      ['iri', 'iri-reference'],
      ['uri-reference', 'iri-reference'],
    ]) {
      expect(within(a!, b!), `${a} within ${b}`).toBe(true);
    }
    expect(formatCheck('date-time')('2024-01-31')).toBe(false);
    expect(formatCheck('idn-email')('ü@b.example')).toBe(true);
    expect(formatCheck('iri')('https://ü.example/a')).toBe(true);
  });
});

describe('contract fuzz: witness search and policy', () => {
  const S = (type: string | string[], extra: object = {}) => ({ type, ...extra });
  // [name, before, after, input witness expected, output witness expected]
  const rows: [string, unknown, unknown, boolean, boolean][] = [
    ['date -> date-time', S('string', { format: 'date' }), S('string', { format: 'date-time' }), true, true],
    ['uri -> uri-reference widens', S('string', { format: 'uri' }), S('string', { format: 'uri-reference' }), false, true],
    ['email -> idn-email widens', S('string', { format: 'email' }), S('string', { format: 'idn-email' }), false, true],
    ['minLength raised', S('string', { minLength: 1 }), S('string', { minLength: 2 }), true, false],
    ['multipleOf 2 -> 4', S('integer', { multipleOf: 2 }), S('integer', { multipleOf: 4 }), true, false],
    [
      'optional property added to an open input object (policy a)',
      { properties: { a: S('string') } },
      { properties: { a: S('string'), b: S('integer') } },
      false,
      false,
    ],
    [
      'additionalProperties opened (policy b)',
      { properties: { a: S('string') }, additionalProperties: false },
      { properties: { a: S('string') } },
      false,
      false,
    ],
    ['additionalProperties schema narrowed', { additionalProperties: S('string') }, { additionalProperties: S('string', { minLength: 1 }) }, true, false],
    [
      'patternProperties added to a closed object',
      { properties: { a: S('string') }, additionalProperties: false },
      { properties: { a: S('string') }, patternProperties: { '^x': S('string') }, additionalProperties: false },
      false,
      false,
    ],
    ['oneOf branches made to overlap', { oneOf: [S('number'), S('string')] }, { oneOf: [S('number'), S(['string', 'integer'])] }, true, false],
    [
      'if/then/else with the same condition, then narrowed',
      { if: S('string'), then: { minLength: 1 }, else: S('integer') },
      { if: S('string'), then: { minLength: 2 }, else: S('integer') },
      true,
      false,
    ],
    ['not of a type vs its complement', { not: S('string') }, { type: ['null', 'boolean', 'object', 'array', 'number'] }, false, false],
    ['items: prefix entry added to an open tuple', { items: S('string') }, { prefixItems: [{}], items: S('string') }, false, true],
  ];
  for (const [name, before, after, input, output] of rows) {
    it(name, () => {
      const found = searchWitnesses(before as never, after as never);
      expect(found.ok).toBe(true);
      expect(found.witness.input !== undefined, `input witness ${JSON.stringify(found.witness.input)}`).toBe(input);
      expect(found.witness.output !== undefined, `output witness ${JSON.stringify(found.witness.output)}`).toBe(output);
    });
  }
  it('a property no longer declared anywhere is a policy break; one moved into allOf is not', () => {
    expect(removedProperties({ properties: { a: {}, b: {} } }, { properties: { a: {} } })).toEqual(['b']);
    expect(removedProperties({ properties: { a: {}, b: {} } }, { allOf: [{ properties: { a: {} } }, { properties: { b: {} } }] })).toEqual([]);
  });
});

describe('contract fuzz: engine verdicts against a validator oracle', () => {
  const reports: Report[] = [];
  afterAll(() => {
    if (reports.length > 0) console.log(formatReport(mergeReports(reports), 8));
  });

  for (const [kind, seed, numRuns, timeLimitMs] of SEEDS) {
    it(`${kind} seed ${seed} (${numRuns} pairs): no missed break, every rewrite equivalent`, { timeout: timeLimitMs * 4 + 30_000 }, () => {
      const report = run({ seed, numRuns, timeLimitMs, maxDistinct: 5 });
      reports.push(report);
      const text = `replay: npm run fuzz:contract -- --seed ${seed} --runs ${numRuns}\n${formatReport(report, 8)}`;
      expect(report.missed.length, text).toBe(0);
      expect(report.nonEquivalent.size, text).toBe(0);
      expect(report.harnessErrors, text).toEqual([]);
      expect(report.pairs.mutated + report.pairs.equivalent).toBeGreaterThan(numRuns / 8);
    });
  }

  it('false alarms on equivalent pairs stay under 2% (all seeds)', () => {
    if (reports.length === 0) return; // the seeded runs were filtered out (-t)
    const merged = mergeReports(reports);
    expect(merged.pairs.equivalent).toBeGreaterThan(0);
    expect(equivalentRate(merged), formatReport(merged, 10)).toBeLessThan(0.02);
  });
});
