/** Pair generators: "mutated" pairs (a base schema and one or two random edits) and "equivalent" pairs (a base schema and one or two semantics-preserving rewrites, in either order). */
import fc from 'fast-check';
import { FORMATS, schemaArb, type Schema } from './grammar.js';
import { applicableEdits } from './mutations.js';
import { getAt, pathString, schemaPaths, setAt, type Path } from './paths.js';
import { applicableRewrites } from './rewrites.js';

export interface Pair {
  kind: 'mutated' | 'equivalent';
  before: Schema;
  after: Schema;
  /** Edit or rewrite names with the location they were applied at. */
  edits: string[];
}

type Option = { name: string; result: Schema; weight: number };

/**
 * Picks one (location, change) among all locations of `schema` and all changes that apply there,
 * weighted; `choice` 0 (what fast-check shrinks to) is the first change at the root.
 */
function pick(schema: Schema, choice: number, r: number[], options: (s: Schema, r: number[]) => Option[]): { path: Path; option: Option } | undefined {
  const all: { path: Path; option: Option }[] = [];
  for (const path of schemaPaths(schema)) for (const option of options(getAt(schema, path), r)) all.push({ path, option });
  const total = all.reduce((n, c) => n + c.option.weight, 0);
  if (total === 0) return undefined;
  let ticket = choice % total;
  for (const c of all) {
    if (ticket < c.option.weight) return c;
    ticket -= c.option.weight;
  }
  return all[all.length - 1];
}

const step = fc.tuple(fc.nat({ max: 10_000 }), fc.nat({ max: 10_000 }), fc.array(fc.nat({ max: 10_000 }), { minLength: 3, maxLength: 3 }));
const base = fc.oneof({ arbitrary: schemaArb(2), weight: 3 }, { arbitrary: schemaArb(1), weight: 2 });

export const mutatedPair: fc.Arbitrary<Pair> = fc.tuple(base, fc.array(step, { minLength: 1, maxLength: 2 })).map(([before, steps]) => {
  let after = before;
  const edits: string[] = [];
  for (const [p, e, r] of steps) {
    const chosen = pick(after, p * 10_001 + e, r, applicableEdits);
    if (!chosen) continue;
    after = setAt(after, chosen.path, chosen.option.result);
    edits.push(`${chosen.option.name}@${pathString(chosen.path)}`);
  }
  return { kind: 'mutated', before, after, edits };
});

export const equivalentPair: fc.Arbitrary<Pair> = fc
  .tuple(base, fc.array(step, { minLength: 1, maxLength: 2 }), fc.boolean())
  .map(([original, steps, swap]) => {
    let rewritten = original;
    const edits: string[] = [];
    for (const [p, e, r] of steps) {
      const chosen = pick(rewritten, p * 10_001 + e, r, applicableRewrites);
      if (!chosen) continue;
      rewritten = setAt(rewritten, chosen.path, chosen.option.result);
      edits.push(`${chosen.option.name}@${pathString(chosen.path)}`);
    }
    return swap ? { kind: 'equivalent', before: rewritten, after: original, edits } : { kind: 'equivalent', before: original, after: rewritten, edits };
  });

/** One format changed to another (all 18 x 17 relations get visited), bare or as a property. */
export const formatPair: fc.Arbitrary<Pair> = fc
  .tuple(fc.constantFrom(...FORMATS), fc.constantFrom(...FORMATS), fc.boolean(), fc.boolean())
  .filter(([a, b]) => a !== b)
  .map(([from, to, typed, nested]) => {
    const leaf = (format: string): Schema => (typed ? { type: 'string', format } : { format });
    const wrap = (s: Schema): Schema => (nested ? { type: 'object', properties: { a: s }, required: ['a'] } : s);
    return { kind: 'mutated', before: wrap(leaf(from)), after: wrap(leaf(to)), edits: [`format ${from} -> ${to}`] };
  });

export const anyPair = (equivalentWeight = 1, mutatedWeight = 1): fc.Arbitrary<Pair> =>
  fc.oneof(
    { arbitrary: mutatedPair, weight: mutatedWeight * 9 },
    { arbitrary: formatPair, weight: mutatedWeight },
    { arbitrary: equivalentPair, weight: equivalentWeight * 10 },
  );
