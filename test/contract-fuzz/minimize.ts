/**
 * Greedy minimiser for report examples (fast-check shrinks the generated structure; this removes
 * what is left): drops keywords at every location on one or both sides, replaces subschemas by
 * `true`, and zooms into a common location, keeping a candidate only while `keep` still holds.
 */
import type { Schema } from './grammar.js';
import { stableStringify } from './json.js';
import { getAt, schemaPaths, setAt, type Path } from './paths.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const size = (s: Schema) => stableStringify(s).length;

export interface Sides {
  before: Schema;
  after: Schema;
}

function tryGet(schema: Schema, path: Path): Schema | undefined {
  let node: unknown = schema;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node as Schema | undefined;
}

function* candidates(p: Sides): Generator<Sides> {
  const paths = [...schemaPaths(p.before), ...schemaPaths(p.after)];
  const seen = new Set<string>();
  for (const path of paths) {
    const key = JSON.stringify(path);
    if (seen.has(key)) continue;
    seen.add(key);
    const b = tryGet(p.before, path);
    const a = tryGet(p.after, path);
    if (path.length > 0 && b !== undefined && a !== undefined) yield { before: b, after: a };
    for (const side of ['both', 'before', 'after'] as const) {
      const nodes = side === 'both' ? [b, a] : side === 'before' ? [b] : [a];
      if (nodes.some((n) => !isObject(n))) continue;
      const keys = new Set(nodes.flatMap((n) => Object.keys(n as object)));
      for (const k of keys) {
        const drop = (s: Schema) => {
          const node = getAt(s, path) as Record<string, unknown>;
          if (!(k in node)) return s;
          const { [k]: _drop, ...rest } = node;
          return setAt(s, path, rest);
        };
        yield { before: side === 'after' ? p.before : drop(p.before), after: side === 'before' ? p.after : drop(p.after) };
        // Shrink list-valued keywords one entry at a time, and object maps one key at a time.
        const values = nodes.map((n) => (n as Record<string, unknown>)[k]);
        if (values.every((v) => Array.isArray(v) && v.length > 1)) {
          const len = (values[0] as unknown[]).length;
          for (let i = 0; i < len; i++) {
            const cut = (s: Schema) => {
              const node = getAt(s, path) as Record<string, unknown>;
              const list = node[k] as unknown[];
              return setAt(s, path, { ...node, [k]: list.filter((_, j) => j !== i) });
            };
            yield { before: side === 'after' ? p.before : cut(p.before), after: side === 'before' ? p.after : cut(p.after) };
          }
        }
        if (values.every((v) => isObject(v) && Object.keys(v).length > 1)) {
          for (const name of new Set(values.flatMap((v) => Object.keys(v as object)))) {
            const cut = (s: Schema) => {
              const node = getAt(s, path) as Record<string, unknown>;
              const { [name]: _drop, ...rest } = node[k] as Record<string, unknown>;
              return setAt(s, path, { ...node, [k]: rest });
            };
            yield { before: side === 'after' ? p.before : cut(p.before), after: side === 'before' ? p.after : cut(p.after) };
          }
        }
      }
    }
    if (path.length > 0 && b !== undefined && a !== undefined && (size(b) > 4 || size(a) > 4))
      yield { before: setAt(p.before, path, true), after: setAt(p.after, path, true) };
  }
}

/** Smallest pair found (by JSON size) for which `keep` holds; at most `budget` calls of `keep`. */
export function minimize(start: Sides, keep: (p: Sides) => boolean, budget = 400): Sides {
  let best = start;
  let calls = 0;
  let improved = true;
  while (improved && calls < budget) {
    improved = false;
    for (const c of candidates(best)) {
      if (size(c.before) + size(c.after) >= size(best.before) + size(best.after)) continue;
      if (++calls > budget) break;
      let ok = false;
      try {
        ok = keep(c);
      } catch {
        ok = false;
      }
      if (ok) {
        best = c;
        improved = true;
        break;
      }
    }
  }
  return best;
}
