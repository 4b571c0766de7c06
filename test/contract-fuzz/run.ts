/**
 * The run loop and its report. Every generated pair is judged in both directions:
 * - engine says not breaking, oracle has a witness          -> MISSED BREAK (property fails, shrinks);
 * - engine says breaking, no witness, not a policy break     -> false alarm (counted, by family).
 * After a missed break is shrunk, its fingerprint is remembered and the run goes on with a new
 * seed, so one run can list several distinct engine bugs; later hits of a known fingerprint are
 * only counted. Equivalent pairs are also checked to be equivalent (no value judged differently);
 * a difference there is a harness bug and is reported as such.
 */
import fc from 'fast-check';
import { compareSchemas } from '../../src/schema-diff/compare-schema.js';
import type { Direction, Finding } from '../../src/schema-diff/types.js';
import type { Schema } from './grammar.js';
import { searchWitnesses } from './oracle.js';
import { anyPair, type Pair } from './pairs.js';
import { changeSignature, removedProperties } from './policy.js';
import { minimize, type Sides } from './minimize.js';
import { stableStringify } from './json.js';

/** The engine under test (compareSchemas by default; the long run can load another build). */
export type Compare = (before: unknown, after: unknown, direction: Direction, base: string) => Finding[];

const DIRECTIONS: Direction[] = ['input', 'output'];

export interface Example {
  before: Schema;
  after: Schema;
  direction: Direction;
  edits: string[];
  witness?: unknown;
  findings?: Finding[];
}
export interface Family {
  count: number;
  example: Example;
}
export interface MissedBreak extends Example {
  signature: string;
  /** How often this fingerprint was hit (first hit included). */
  count: number;
  seed: number;
}
export interface Report {
  seeds: number[];
  pairs: { mutated: number; equivalent: number; skipped: number };
  missed: MissedBreak[];
  missedHits: number;
  falseAlarms: {
    /** Equivalent pairs the engine calls breaking in some direction (per pair). */
    equivalent: { pairs: number; byRewrite: Map<string, Family>; byRule: Map<string, Family> };
    /** Mutated (pair, direction) checks the engine calls breaking without a witness. */
    mutated: { checks: number; byRule: Map<string, Family> };
  };
  mutatedBreakingChecks: number;
  policyBreaks: number;
  nonEquivalent: Map<string, Family & { difference: unknown }>;
  /** Exceptions thrown by the harness itself (never by the engine, which judge() catches). */
  harnessErrors: string[];
  elapsedMs: number;
}

export interface RunOptions {
  seed: number;
  numRuns: number;
  timeLimitMs: number;
  /** Stop after this many distinct missed breaks. */
  maxDistinct?: number;
  equivalentWeight?: number;
  mutatedWeight?: number;
  onProgress?: (report: Report) => void;
  compare?: Compare;
  /** Minimise the examples of the top `minimize` families of each kind at the end (0: none). */
  minimize?: number;
}

const size = (v: unknown) => JSON.stringify(v)?.length ?? 0;
const exampleSize = (e: Example) => size(e.before) + size(e.after);
function addFamily(map: Map<string, Family>, key: string, example: Example) {
  const hit = map.get(key);
  if (!hit) map.set(key, { count: 1, example });
  else {
    hit.count++;
    if (exampleSize(example) < exampleSize(hit.example)) hit.example = example;
  }
}
const rewriteNames = (edits: string[]) => [...new Set(edits.map((e) => e.replace(/@.*$/, '')))];

export interface Judgement {
  skipped: boolean;
  difference?: unknown;
  checks: {
    direction: Direction;
    findings: Finding[] | Error;
    breaking: boolean;
    witness?: unknown;
    missed: boolean;
    falseAlarm: boolean;
    policyBreak: boolean;
  }[];
}

/** Judges one pair in both directions. */
export function judge(pair: Pair, compare: Compare = compareSchemas): Judgement {
  let search = searchWitnesses(pair.before, pair.after);
  if (!search.ok) return { skipped: true, checks: [] };
  let deep = false;
  const policyBreak = removedProperties(pair.before, pair.after).length > 0;
  const checks = DIRECTIONS.map((direction) => {
    let findings: Finding[] | Error;
    try {
      findings = compare(structuredClone(pair.before), structuredClone(pair.after), direction, '');
    } catch (error) {
      findings = error instanceof Error ? error : new Error(String(error));
    }
    const breaking = !(findings instanceof Error) && findings.some((f) => f.verdict === 'breaking');
    if (breaking && search.witness[direction] === undefined && !deep) {
      // Before calling it a false alarm, search harder (4x the values, other random draws).
      const more = searchWitnesses(pair.before, pair.after, { budget: 240, noise: 80, salt: 1 });
      search = { ...search, witness: { ...more.witness, ...search.witness }, difference: search.difference ?? more.difference };
      deep = true;
    }
    const witness = search.witness[direction];
    const missed = findings instanceof Error || (!breaking && witness !== undefined);
    return {
      direction,
      findings,
      breaking,
      witness,
      missed,
      falseAlarm: breaking && witness === undefined && !policyBreak,
      policyBreak: breaking && witness === undefined && policyBreak,
    };
  });
  return { skipped: false, difference: search.difference?.value, checks };
}

export function emptyReport(): Report {
  return {
    seeds: [],
    pairs: { mutated: 0, equivalent: 0, skipped: 0 },
    missed: [],
    missedHits: 0,
    falseAlarms: { equivalent: { pairs: 0, byRewrite: new Map(), byRule: new Map() }, mutated: { checks: 0, byRule: new Map() } },
    mutatedBreakingChecks: 0,
    policyBreaks: 0,
    nonEquivalent: new Map(),
    harnessErrors: [],
    elapsedMs: 0,
  };
}

const signatureOf = (pair: Pair, direction: Direction, findings: Finding[] | Error) =>
  findings instanceof Error ? `crash ${findings.message.slice(0, 80)}` : `${direction} ${changeSignature(pair.before, pair.after)}`;

export function run(options: RunOptions): Report {
  const report = emptyReport();
  const started = Date.now();
  const known = new Set<string>();
  let phase: 'generate' | 'shrink' = 'generate';
  let shrinking: string | undefined;
  /** Fingerprints (before and after shrinking) -> the reported missed break. */
  const aliases = new Map<string, MissedBreak>();
  let remaining = options.numRuns;
  let seed = options.seed;
  const arb = anyPair(options.equivalentWeight ?? 1, options.mutatedWeight ?? 1);
  const compare = options.compare ?? compareSchemas;

  const record = (pair: Pair, j: Judgement) => {
    report.elapsedMs = Date.now() - started;
    options.onProgress?.(report);
    if (j.skipped) {
      report.pairs.skipped++;
      return;
    }
    report.pairs[pair.kind]++;
    if (pair.kind === 'equivalent' && j.difference !== undefined) {
      const key = rewriteNames(pair.edits).join('+');
      const hit = report.nonEquivalent.get(key);
      const example: Example = { before: pair.before, after: pair.after, direction: 'input', edits: pair.edits };
      if (!hit) report.nonEquivalent.set(key, { count: 1, example, difference: j.difference });
      else hit.count++;
      return;
    }
    for (const c of j.checks) {
      if (c.policyBreak) report.policyBreaks++;
      if (pair.kind === 'mutated' && c.breaking) report.mutatedBreakingChecks++;
      if (pair.kind === 'mutated' && c.falseAlarm) {
        report.falseAlarms.mutated.checks++;
        const rules = (c.findings as Finding[]).filter((f) => f.verdict === 'breaking').map((f) => f.rule.replace(/^(input|output)\./, ''));
        addFamily(report.falseAlarms.mutated.byRule, `${c.direction}: ${[...new Set(rules)].sort().join(', ')}`, {
          before: pair.before,
          after: pair.after,
          direction: c.direction,
          edits: pair.edits,
          findings: c.findings as Finding[],
        });
      }
    }
    if (pair.kind === 'equivalent') {
      const alarm = j.checks.find((c) => c.falseAlarm);
      if (alarm) {
        report.falseAlarms.equivalent.pairs++;
        const example: Example = {
          before: pair.before,
          after: pair.after,
          direction: alarm.direction,
          edits: pair.edits,
          findings: (alarm.findings as Finding[]).filter((f) => f.verdict === 'breaking'),
        };
        for (const name of rewriteNames(pair.edits)) addFamily(report.falseAlarms.equivalent.byRewrite, name, example);
        const rules = [
          ...new Set((alarm.findings as Finding[]).filter((f) => f.verdict === 'breaking').map((f) => f.rule.replace(/^(input|output)\./, ''))),
        ].sort();
        addFamily(report.falseAlarms.equivalent.byRule, rules.join(', '), example);
      }
    }
  };

  const property = fc.property(arb, (pair) => {
    let j: Judgement;
    try {
      j = judge(pair, compare);
    } catch (error) {
      // A harness bug must not lose the run: count it and go on.
      if (phase === 'generate') report.harnessErrors.push(`${error instanceof Error ? error.message : String(error)} on ${JSON.stringify(pair)}`.slice(0, 400));
      return true;
    }
    const missed = j.skipped || (pair.kind === 'equivalent' && j.difference !== undefined) ? undefined : j.checks.find((c) => c.missed);
    if (phase === 'shrink') return !(missed && !known.has(signatureOf(pair, missed.direction, missed.findings)));
    record(pair, j);
    if (!missed) return true;
    const signature = signatureOf(pair, missed.direction, missed.findings);
    report.missedHits++;
    const hit = aliases.get(signature);
    if (known.has(signature)) {
      if (hit) hit.count++;
      return true;
    }
    // Shrink this one: shrunk candidates fail while they miss a break of a not-yet-known kind.
    shrinking = signature;
    phase = 'shrink';
    return false;
  });

  while (remaining > 0 && Date.now() - started < options.timeLimitMs && report.missed.length < (options.maxDistinct ?? 25)) {
    report.seeds.push(seed);
    phase = 'generate';
    const details = fc.check(property, {
      seed,
      numRuns: remaining,
      interruptAfterTimeLimit: Math.max(1, options.timeLimitMs - (Date.now() - started)),
      markInterruptAsFailure: false,
    });
    remaining -= details.numRuns;
    const first = shrinking;
    if (first) known.add(first);
    shrinking = undefined;
    if (!details.failed || !details.counterexample) break;
    const pair = details.counterexample[0] as Pair;
    const j = judge(pair, compare);
    const miss = j.checks.find((c) => c.missed);
    if (miss) {
      const signature = signatureOf(pair, miss.direction, miss.findings);
      known.add(signature);
      let entry = aliases.get(signature) ?? report.missed.find((m) => m.signature === signature);
      if (entry) entry.count++;
      else {
        entry = {
          signature,
          count: 1,
          seed,
          before: pair.before,
          after: pair.after,
          direction: miss.direction,
          edits: pair.edits,
          witness: miss.witness,
          findings:
            miss.findings instanceof Error
              ? [{ pointer: '', rule: 'ENGINE CRASH', verdict: 'breaking', message: miss.findings.stack ?? miss.findings.message }]
              : miss.findings,
        };
        report.missed.push(entry);
      }
      aliases.set(signature, entry);
      if (first) aliases.set(first, entry);
    }
    options.onProgress?.(report);
    seed = (seed * 1103515245 + 12345) >>> 0;
  }
  if (options.minimize) minimizeReport(report, compare, options.minimize);
  report.elapsedMs = Date.now() - started;
  return report;
}

const breakingRules = (findings: Finding[] | Error) =>
  findings instanceof Error
    ? 'crash'
    : [...new Set(findings.filter((f) => f.verdict === 'breaking').map((f) => f.rule.replace(/^(input|output)\./, '')))].sort().join(', ');

/** Replaces each reported example by a minimal one of the same kind (see minimize.ts). */
export function minimizeReport(report: Report, compare: Compare, top: number): void {
  const check = (p: Sides, kind: Pair['kind'], direction: Direction) => {
    const j = judge({ kind, before: p.before, after: p.after, edits: [] }, compare);
    return { j, c: j.checks.find((c) => c.direction === direction) };
  };
  const seenMissed = new Map<string, MissedBreak>();
  report.missed = report.missed.filter((m) => {
    const signature = changeSignature(m.before, m.after);
    const best = minimize(m, (p) => changeSignature(p.before, p.after) === signature && check(p, 'mutated', m.direction).c?.missed === true);
    const { c } = check(best, 'mutated', m.direction);
    Object.assign(m, best, { witness: c?.witness, findings: c?.findings instanceof Error ? m.findings : c?.findings });
    const key = stableStringify([m.direction, best.before, best.after]);
    const twin = seenMissed.get(key);
    if (twin) {
      twin.count += m.count;
      return false;
    }
    seenMissed.set(key, m);
    return true;
  });
  const byCount = (map: Map<string, Family>) => [...map.values()].sort((a, b) => b.count - a.count).slice(0, top);
  for (const f of byCount(report.falseAlarms.equivalent.byRewrite).concat(byCount(report.falseAlarms.equivalent.byRule))) {
    const { direction } = f.example;
    const signature = changeSignature(f.example.before, f.example.after);
    const best = minimize(f.example, (p) => {
      if (changeSignature(p.before, p.after) !== signature) return false;
      const { j, c } = check(p, 'equivalent', direction);
      return !j.skipped && j.difference === undefined && c?.falseAlarm === true;
    });
    const { c } = check(best, 'equivalent', direction);
    f.example = {
      ...f.example,
      ...best,
      findings: c && !(c.findings instanceof Error) ? c.findings.filter((x) => x.verdict === 'breaking') : f.example.findings,
    };
  }
  for (const [key, f] of [...report.falseAlarms.mutated.byRule.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, top)) {
    const { direction } = f.example;
    const best = minimize(f.example, (p) => {
      const { c } = check(p, 'mutated', direction);
      return c?.falseAlarm === true && `${direction}: ${breakingRules(c.findings)}` === key;
    });
    f.example = { ...f.example, ...best };
  }
}

/** Sums several runs (families keep the smallest example). */
export function mergeReports(reports: Report[]): Report {
  const out = emptyReport();
  for (const r of reports) {
    out.seeds.push(...r.seeds);
    out.pairs.mutated += r.pairs.mutated;
    out.pairs.equivalent += r.pairs.equivalent;
    out.pairs.skipped += r.pairs.skipped;
    out.missed.push(...r.missed);
    out.missedHits += r.missedHits;
    out.mutatedBreakingChecks += r.mutatedBreakingChecks;
    out.policyBreaks += r.policyBreaks;
    out.elapsedMs += r.elapsedMs;
    out.falseAlarms.equivalent.pairs += r.falseAlarms.equivalent.pairs;
    out.falseAlarms.mutated.checks += r.falseAlarms.mutated.checks;
    const mergeMap = (into: Map<string, Family>, from: Map<string, Family>) => {
      for (const [k, f] of from) {
        const hit = into.get(k);
        if (!hit) into.set(k, { ...f });
        else {
          hit.count += f.count;
          if (exampleSize(f.example) < exampleSize(hit.example)) hit.example = f.example;
        }
      }
    };
    mergeMap(out.falseAlarms.equivalent.byRewrite, r.falseAlarms.equivalent.byRewrite);
    mergeMap(out.falseAlarms.equivalent.byRule, r.falseAlarms.equivalent.byRule);
    mergeMap(out.falseAlarms.mutated.byRule, r.falseAlarms.mutated.byRule);
    for (const [k, f] of r.nonEquivalent) if (!out.nonEquivalent.has(k)) out.nonEquivalent.set(k, f);
    out.harnessErrors.push(...r.harnessErrors);
  }
  return out;
}

const pct = (n: number, d: number) => (d === 0 ? '0.00%' : `${((100 * n) / d).toFixed(2)}%`);
export const equivalentRate = (r: Report) => (r.pairs.equivalent === 0 ? 0 : r.falseAlarms.equivalent.pairs / r.pairs.equivalent);
const j = (v: unknown) => JSON.stringify(v);

/** A readable report; `top` bounds each family list. */
export function formatReport(r: Report, top = 10): string {
  const lines: string[] = [];
  lines.push(
    `pairs: ${r.pairs.mutated} mutated, ${r.pairs.equivalent} equivalent, ${r.pairs.skipped} skipped (schema did not compile); seeds ${r.seeds.join(', ')}; ${(r.elapsedMs / 1000).toFixed(1)} s`,
  );
  lines.push(`MISSED BREAKS: ${r.missed.length} distinct (${r.missedHits} hits)`);
  for (const m of r.missed) {
    lines.push(`  - [${m.signature}] x${m.count} (seed ${m.seed}; edits ${m.edits.join(', ')})`);
    lines.push(`    direction: ${m.direction}`);
    lines.push(`    before:    ${j(m.before)}`);
    lines.push(`    after:     ${j(m.after)}`);
    lines.push(`    witness:   ${j(m.witness)}`);
    lines.push(`    findings:  ${j(m.findings)}`);
  }
  const eq = r.falseAlarms.equivalent;
  lines.push(`false alarms on equivalent pairs: ${eq.pairs}/${r.pairs.equivalent} = ${pct(eq.pairs, r.pairs.equivalent)} (goal < 2%)`);
  const sorted = (m: Map<string, Family>) => [...m.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, top);
  lines.push('  top offending rewrites:');
  for (const [name, f] of sorted(eq.byRewrite))
    lines.push(
      `    ${String(f.count).padStart(5)}  ${name}   e.g. ${f.example.direction} ${j(f.example.before)} -> ${j(f.example.after)}  [${(f.example.findings ?? []).map((x) => x.rule).join(', ')}]`,
    );
  lines.push('  by engine rule:');
  for (const [rule, f] of sorted(eq.byRule)) lines.push(`    ${String(f.count).padStart(5)}  ${rule}`);
  const checks = 2 * r.pairs.mutated;
  lines.push(
    `false alarms on mutated pairs: ${r.falseAlarms.mutated.checks}/${checks} checks = ${pct(r.falseAlarms.mutated.checks, checks)} (${pct(r.falseAlarms.mutated.checks, r.mutatedBreakingChecks)} of breaking verdicts); policy breaks ${r.policyBreaks}`,
  );
  for (const [rule, f] of sorted(r.falseAlarms.mutated.byRule))
    lines.push(`    ${String(f.count).padStart(5)}  ${rule}   e.g. ${j(f.example.before)} -> ${j(f.example.after)}`);
  if (r.harnessErrors.length > 0) {
    lines.push(`HARNESS ERRORS: ${r.harnessErrors.length}`);
    for (const e of r.harnessErrors.slice(0, 5)) lines.push(`    ${e}`);
  }
  if (r.nonEquivalent.size > 0) {
    lines.push(`HARNESS BUG: rewrites that are not equivalent: ${r.nonEquivalent.size}`);
    for (const [name, f] of r.nonEquivalent)
      lines.push(`    ${f.count}  ${name}: ${j(f.example.before)} vs ${j(f.example.after)} differ on ${j(f.difference)}`);
  }
  return lines.join('\n');
}
