/**
 * Direction-aware comparison of two normalised schemas. For an input schema a change is
 * breaking when some value the old schema accepted is now rejected (narrowing); for an output
 * schema when the server may now produce a value the old schema did not allow (widening).
 * Two deliberate overlays: an optional property added to an input object is additive (unknown
 * keys were never part of the contract), and a property added to an output is additive
 * (consumers ignore members they do not know). A removed property is breaking both ways.
 * Whatever the engine cannot decide is reported as breaking and marked undecided.
 */
import { normalizeSchema, semanticKey, stableStringify } from './normalize.js';
import type { Direction, Finding, JsonSchema, Verdict } from './types.js';

type Change = 'narrowed' | 'widened' | 'changed';

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const escape = (segment: string | number) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');

const SUPPORTED = new Set([
  'type', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'prefixItems', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties',
  'maxProperties', 'multipleOf', 'uniqueItems', '$patterns', 'format', 'anyOf', 'oneOf', 'allOf', '$annotations',
  '$recursiveRef', '$ref', 'dependentRequired', 'patternProperties', 'dependentSchemas', 'propertyNames', 'contains',
  'minContains', 'maxContains',
]);

/** Formats whose value set contains another's (a change from the key to the value widens). */
const FORMAT_CONTAINS: Record<string, string[]> = {
  int64: ['int32'],
  double: ['float'],
  'date-time': ['date', 'time'],
};

class Walker {
  readonly findings: Finding[] = [];

  constructor(private readonly direction: Direction) {}

  report(pointer: string, rule: string, change: Change | 'doc', message: string, options: { undecided?: boolean; verdict?: Verdict } = {}) {
    const verdict = options.verdict ?? (change === 'doc' ? 'doc' : judge(change, this.direction));
    this.findings.push({
      pointer,
      rule: `${this.direction}.${rule}`,
      verdict,
      message,
      ...(options.undecided ? { undecided: true } : {}),
    });
  }

  compare(before: JsonSchema, after: JsonSchema, pointer: string): void {
    if (stableStringify(before) === stableStringify(after)) return;
    if (this.wrapped(before, after, pointer)) return;
    this.types(before, after, pointer);
    this.enums(before, after, pointer);
    this.objects(before, after, pointer);
    this.arrays(before, after, pointer);
    this.numbers(before, after, pointer);
    this.lengths(before, after, pointer);
    this.strings(before, after, pointer);
    this.compositions(before, after, pointer);
    this.unsupported(before, after, pointer);
    this.annotations(before, after, pointer);
  }

  private types(before: JsonSchema, after: JsonSchema, pointer: string) {
    const old = effectiveTypes(before);
    const now = effectiveTypes(after);
    if (stableStringify([...old]) === stableStringify([...now])) return;
    const covers = (set: Set<string>, t: string) => set.has(t) || (t === 'integer' && set.has('number')) || set.has('*');
    const lost = [...old].filter((t) => !covers(now, t));
    const gained = [...now].filter((t) => !covers(old, t));
    const at = `${pointer}/type`;
    if (lost.length === 1 && lost[0] === 'null' && gained.length === 0) return this.report(at, 'nullable-removed', 'narrowed', 'null is no longer accepted');
    if (gained.length === 1 && gained[0] === 'null' && lost.length === 0) return this.report(at, 'nullable-added', 'widened', 'null is now allowed');
    if (lost.length > 0 && gained.length > 0) return this.report(at, 'type-changed', 'changed', `type changed from ${describeTypes(old)} to ${describeTypes(now)}`);
    if (lost.length > 0) return this.report(at, 'type-narrowed', 'narrowed', `type narrowed from ${describeTypes(old)} to ${describeTypes(now)}`);
    if (gained.length > 0) return this.report(at, 'type-widened', 'widened', `type widened from ${describeTypes(old)} to ${describeTypes(now)}`);
    // Only an integer/number refinement is left: number -> integer narrows, integer -> number widens.
    if (old.has('number') && !now.has('number')) return this.report(at, 'type-narrowed', 'narrowed', 'number narrowed to integer');
    this.report(at, 'type-widened', 'widened', 'integer widened to number');
  }

  private enums(before: JsonSchema, after: JsonSchema, pointer: string) {
    const old = before.enum as unknown[] | undefined;
    const now = after.enum as unknown[] | undefined;
    if (stableStringify(old) === stableStringify(now)) return;
    const at = `${pointer}/enum`;
    if (!old) return this.report(at, 'enum-added', 'narrowed', `values are now limited to ${list(now!)}`);
    if (!now) return this.report(at, 'enum-removed', 'widened', 'values are no longer limited to a fixed set');
    const oldKeys = new Set(old.map(stableStringify));
    const newKeys = new Set(now.map(stableStringify));
    const removed = old.filter((v) => !newKeys.has(stableStringify(v)));
    const added = now.filter((v) => !oldKeys.has(stableStringify(v)));
    if (removed.length > 0) this.report(at, 'enum-value-removed', 'narrowed', `value${removed.length > 1 ? 's' : ''} ${list(removed)} removed`);
    if (added.length > 0) this.report(at, 'enum-value-added', 'widened', `value${added.length > 1 ? 's' : ''} ${list(added)} added`);
  }

  private objects(before: JsonSchema, after: JsonSchema, pointer: string) {
    const oldProps = (before.properties ?? {}) as Record<string, JsonSchema>;
    const newProps = (after.properties ?? {}) as Record<string, JsonSchema>;
    const oldRequired = new Set((before.required ?? []) as string[]);
    const newRequired = new Set((after.required ?? []) as string[]);
    for (const name of new Set([...Object.keys(oldProps), ...Object.keys(newProps)])) {
      const at = `${pointer}/properties/${escape(name)}`;
      if (!(name in newProps)) {
        this.report(at, 'property-removed', 'changed', `property "${name}" removed`);
        continue;
      }
      if (!(name in oldProps)) {
        const required = newRequired.has(name);
        if (this.direction === 'input' && required) this.report(at, 'required-property-added', 'narrowed', `required property "${name}" added`);
        else this.report(at, 'property-added', 'widened', `${required ? 'required' : 'optional'} property "${name}" added`, { verdict: 'additive' });
        continue;
      }
      this.compare(oldProps[name]!, newProps[name]!, at);
      if (!oldRequired.has(name) && newRequired.has(name)) this.report(`${pointer}/required`, 'property-became-required', 'narrowed', `property "${name}" became required`);
      if (oldRequired.has(name) && !newRequired.has(name)) this.report(`${pointer}/required`, 'property-became-optional', 'widened', `property "${name}" became optional`);
    }
    for (const name of newRequired) {
      if (!(name in newProps) && !oldRequired.has(name)) this.report(`${pointer}/required`, 'required-added', 'narrowed', `"${name}" is now required`);
    }
    for (const name of oldRequired) {
      if (!(name in oldProps) && !newRequired.has(name)) this.report(`${pointer}/required`, 'required-removed', 'widened', `"${name}" is no longer required`);
    }
    this.additional(before.additionalProperties, after.additionalProperties, `${pointer}/additionalProperties`);
    for (const keyword of ['minProperties', 'maxProperties'] as const) this.bound(before, after, keyword, pointer);
    this.dependentRequired(before, after, pointer);
    // Each entry of these maps constrains the values it applies to: adding one narrows.
    for (const keyword of ['patternProperties', 'dependentSchemas'] as const) {
      const old = (before[keyword] ?? {}) as Record<string, JsonSchema>;
      const now = (after[keyword] ?? {}) as Record<string, JsonSchema>;
      for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
        const at = `${pointer}/${keyword}/${escape(key)}`;
        if (!(key in old)) this.report(at, `${kebab(keyword)}-added`, 'narrowed', `${keyword} "${key}" added`);
        else if (!(key in now)) this.report(at, `${kebab(keyword)}-removed`, 'widened', `${keyword} "${key}" removed`);
        else this.compare(old[key]!, now[key]!, at);
      }
    }
    this.optionalSubschema(before, after, 'propertyNames', pointer);
  }

  /** A keyword whose absence means "anything": adding it narrows, removing it widens, changing it recurses. */
  private optionalSubschema(before: JsonSchema, after: JsonSchema, keyword: string, pointer: string) {
    const old = before[keyword] as JsonSchema | undefined;
    const now = after[keyword] as JsonSchema | undefined;
    if (old === undefined && now === undefined) return;
    const at = `${pointer}/${keyword}`;
    if (old === undefined) this.report(at, `${kebab(keyword)}-added`, 'narrowed', `${keyword} added`);
    else if (now === undefined) this.report(at, `${kebab(keyword)}-removed`, 'widened', `${keyword} removed`);
    else this.compare(old, now, at);
  }

  private additional(before: unknown, after: unknown, at: string) {
    const rank = (v: unknown) => (v === false ? 0 : v === undefined || v === true ? 2 : 1);
    if (stableStringify(before) === stableStringify(after) || (rank(before) === 2 && rank(after) === 2)) return;
    if (rank(before) === 1 && rank(after) === 1) return this.compare(before as JsonSchema, after as JsonSchema, at);
    if (rank(after) < rank(before)) return this.report(at, 'additional-properties-restricted', 'narrowed', 'unknown properties are now restricted');
    // Consumers of an output ignore members they do not know, so opening it is not a break.
    this.report(at, 'additional-properties-allowed', 'widened', 'more unknown properties are now allowed', this.direction === 'output' ? { verdict: 'additive' } : {});
  }

  private dependentRequired(before: JsonSchema, after: JsonSchema, pointer: string) {
    if (stableStringify(before.dependentRequired) === stableStringify(after.dependentRequired)) return;
    const old = (before.dependentRequired ?? {}) as Record<string, string[]>;
    const now = (after.dependentRequired ?? {}) as Record<string, string[]>;
    const narrower = Object.entries(now).some(([k, v]) => v.some((p) => !(old[k] ?? []).includes(p)));
    const wider = Object.entries(old).some(([k, v]) => v.some((p) => !(now[k] ?? []).includes(p)));
    if (!narrower && !wider) return;
    this.report(`${pointer}/dependentRequired`, 'dependent-required-changed', narrower && wider ? 'changed' : narrower ? 'narrowed' : 'widened', 'dependent requirements changed');
  }

  private arrays(before: JsonSchema, after: JsonSchema, pointer: string) {
    if (before.items !== undefined || after.items !== undefined) {
      this.compare((before.items ?? {}) as JsonSchema, (after.items ?? {}) as JsonSchema, `${pointer}/items`);
    }
    const oldTuple = (before.prefixItems ?? []) as JsonSchema[];
    const newTuple = (after.prefixItems ?? []) as JsonSchema[];
    const common = Math.min(oldTuple.length, newTuple.length);
    for (let i = 0; i < common; i++) this.compare(oldTuple[i]!, newTuple[i]!, `${pointer}/prefixItems/${i}`);
    // An open tuple accepts anything after its entries, so a new entry constrains a position;
    // a closed one (items: false) rejects longer arrays, so a new entry allows one more.
    const closed = isNever(before.items) && isNever(after.items);
    if (newTuple.length > oldTuple.length) this.report(`${pointer}/prefixItems`, 'tuple-entry-added', closed ? 'widened' : 'narrowed', 'tuple entries added');
    if (newTuple.length < oldTuple.length) this.report(`${pointer}/prefixItems`, 'tuple-entry-removed', closed ? 'narrowed' : 'widened', 'tuple entries removed');
    for (const keyword of ['minItems', 'maxItems', 'minContains', 'maxContains'] as const) this.bound(before, after, keyword, pointer);
    this.optionalSubschema(before, after, 'contains', pointer);
    if (Boolean(before.uniqueItems) !== Boolean(after.uniqueItems)) {
      this.report(`${pointer}/uniqueItems`, after.uniqueItems ? 'unique-items-added' : 'unique-items-removed', after.uniqueItems ? 'narrowed' : 'widened', after.uniqueItems ? 'items must now be unique' : 'items no longer need to be unique');
    }
  }

  private numbers(before: JsonSchema, after: JsonSchema, pointer: string) {
    const integer = (s: JsonSchema) => typeSet(s.type).size > 0 && [...typeSet(s.type)].every((t) => t === 'integer' || t === 'null');
    const lower = (s: JsonSchema) => effectiveBound(s.minimum, s.exclusiveMinimum, 'lower', integer(s));
    const upper = (s: JsonSchema) => effectiveBound(s.maximum, s.exclusiveMaximum, 'upper', integer(s));
    const compareBound = (old: Bound | undefined, now: Bound | undefined, side: 'lower' | 'upper') => {
      const keyword = side === 'lower' ? 'minimum' : 'maximum';
      if (boundsEqual(old, now)) return;
      const at = `${pointer}/${now?.exclusive || (!now && old?.exclusive) ? `exclusive${keyword[0]!.toUpperCase()}${keyword.slice(1)}` : keyword}`;
      const tighter = !old || (now !== undefined && (side === 'lower' ? boundAbove(now, old) : upperTighter(now, old)));
      if (tighter) this.report(at, `${keyword}-tightened`, 'narrowed', `${side} bound ${describeBound(old)} -> ${describeBound(now)}`);
      else this.report(at, `${keyword}-relaxed`, 'widened', `${side} bound ${describeBound(old)} -> ${describeBound(now)}`);
    };
    compareBound(lower(before), lower(after), 'lower');
    compareBound(upper(before), upper(after), 'upper');
    const oldStep = before.multipleOf as number | undefined;
    const newStep = after.multipleOf as number | undefined;
    if (oldStep !== newStep) {
      const at = `${pointer}/multipleOf`;
      if (oldStep === undefined) this.report(at, 'multiple-of-added', 'narrowed', `values must now be multiples of ${newStep}`);
      else if (newStep === undefined) this.report(at, 'multiple-of-removed', 'widened', `values need no longer be multiples of ${oldStep}`);
      else if (isMultiple(oldStep, newStep)) this.report(at, 'multiple-of-relaxed', 'widened', `multipleOf ${oldStep} -> ${newStep}`);
      else if (isMultiple(newStep, oldStep)) this.report(at, 'multiple-of-tightened', 'narrowed', `multipleOf ${oldStep} -> ${newStep}`);
      else this.report(at, 'multiple-of-changed', 'changed', `multipleOf ${oldStep} -> ${newStep}`);
    }
  }

  private lengths(before: JsonSchema, after: JsonSchema, pointer: string) {
    for (const keyword of ['minLength', 'maxLength'] as const) this.bound(before, after, keyword, pointer);
  }

  /** A minimum or maximum count keyword: raising a minimum or lowering a maximum narrows. */
  private bound(before: JsonSchema, after: JsonSchema, keyword: string, pointer: string) {
    const old = before[keyword] as number | undefined;
    const now = after[keyword] as number | undefined;
    if (old === now) return;
    const isMin = keyword.startsWith('min');
    const unset = isMin ? 0 : Number.POSITIVE_INFINITY;
    const tighter = isMin ? (now ?? unset) > (old ?? unset) : (now ?? unset) < (old ?? unset);
    this.report(`${pointer}/${keyword}`, `${keyword}-${tighter ? 'tightened' : 'relaxed'}`, tighter ? 'narrowed' : 'widened', `${keyword} ${old ?? 'unset'} -> ${now ?? 'unset'}`);
  }

  private strings(before: JsonSchema, after: JsonSchema, pointer: string) {
    const old = (before.$patterns ?? []) as string[];
    const now = (after.$patterns ?? []) as string[];
    const added = now.filter((p) => !old.includes(p));
    const removed = old.filter((p) => !now.includes(p));
    const at = `${pointer}/pattern`;
    if (added.length > 0 && removed.length > 0) {
      this.report(at, 'pattern-changed', 'changed', `pattern changed from ${list(removed)} to ${list(added)}; whether one contains the other is not decidable here`, { undecided: true });
    } else if (added.length > 0) this.report(at, 'pattern-added', 'narrowed', `pattern ${list(added)} added`);
    else if (removed.length > 0) this.report(at, 'pattern-removed', 'widened', `pattern ${list(removed)} removed`);

    const oldFormat = before.format as string | undefined;
    const newFormat = after.format as string | undefined;
    if (oldFormat === newFormat) return;
    const fat = `${pointer}/format`;
    if (!oldFormat) this.report(fat, 'format-added', 'narrowed', `format "${newFormat}" added`);
    else if (!newFormat) this.report(fat, 'format-removed', 'widened', `format "${oldFormat}" removed`);
    else if (FORMAT_CONTAINS[newFormat]?.includes(oldFormat)) {
      this.report(fat, 'format-widened', 'widened', `format "${oldFormat}" -> "${newFormat}"`);
    } else if (FORMAT_CONTAINS[oldFormat]?.includes(newFormat)) this.report(fat, 'format-narrowed', 'narrowed', `format "${oldFormat}" -> "${newFormat}"`);
    else this.report(fat, 'format-changed', 'changed', `format "${oldFormat}" -> "${newFormat}"`);
  }

  /**
   * A plain schema wrapped into a union (or a union unwrapped to one branch): compare the schema
   * with its branch, and count the other branches as added (or removed) alternatives.
   */
  private wrapped(before: JsonSchema, after: JsonSchema, pointer: string): boolean {
    const unionOf = (s: JsonSchema) => {
      const keyword = s.anyOf ? 'anyOf' : s.oneOf ? 'oneOf' : undefined;
      const pure = keyword && Object.keys(s).every((k) => k === keyword || k === '$annotations');
      return pure ? { keyword, branches: s[keyword] as JsonSchema[] } : undefined;
    };
    const hasUnion = (s: JsonSchema) => s.anyOf !== undefined || s.oneOf !== undefined;
    const oldUnion = unionOf(before);
    const newUnion = unionOf(after);
    const wrapping = !hasUnion(before) && newUnion;
    const unwrapping = oldUnion && !hasUnion(after);
    if (!wrapping && !unwrapping) return false;
    const union = (wrapping ? newUnion : oldUnion)!;
    const plain = wrapping ? before : after;
    const exact = union.branches.findIndex((b) => semanticKey(b) === semanticKey(plain));
    const sameTypes = union.branches.map((b, i) => [b, i] as const).filter(([b]) => stableStringify([...effectiveTypes(b)]) === stableStringify([...effectiveTypes(plain)]));
    const index = exact >= 0 ? exact : sameTypes.length === 1 ? sameTypes[0]![1] : -1;
    if (index < 0) return false;
    const branch = union.branches[index]!;
    const at = `${pointer}/${union.keyword}`;
    if (wrapping) this.compare(before, branch, `${at}/${index}`);
    else this.compare(branch, after, pointer);
    const others = union.branches.filter((_, i) => i !== index);
    if (others.length === 0) return true;
    const overlapping = union.keyword === 'oneOf' && others.some((other) => !disjoint(other, branch));
    const kind = kebab(union.keyword);
    if (overlapping) this.report(at, `${kind}-${wrapping ? 'wrapped' : 'unwrapped'}-overlapping`, 'changed', `the schema was ${wrapping ? 'wrapped into' : 'taken out of'} a ${union.keyword} whose alternatives may overlap`, { undecided: true });
    else if (wrapping) this.report(at, `wrapped-in-${kind}`, 'widened', `the schema became one alternative of ${others.length + 1} in ${union.keyword}`);
    else this.report(at, `unwrapped-from-${kind}`, 'narrowed', `${others.length} alternative(s) dropped with the ${union.keyword}`);
    return true;
  }

  private compositions(before: JsonSchema, after: JsonSchema, pointer: string) {
    this.alternatives(before, after, pointer);
    const old = (before.allOf ?? []) as JsonSchema[];
    const now = (after.allOf ?? []) as JsonSchema[];
    if (old.length === 0 && now.length === 0) return;
    const { added, removed } = this.matchBranches(old, now, `${pointer}/allOf`);
    if (added.length > 0) this.report(`${pointer}/allOf`, 'all-of-added', 'narrowed', `${added.length} constraint(s) added to allOf`);
    if (removed.length > 0) this.report(`${pointer}/allOf`, 'all-of-removed', 'widened', `${removed.length} constraint(s) removed from allOf`);
  }

  /**
   * Pairs branches by meaning, never by position; equal branches are compared for annotation
   * changes, a single leftover pair is compared as a changed branch, the rest are added/removed.
   */
  private matchBranches(old: JsonSchema[], now: JsonSchema[], at: string): { added: JsonSchema[]; removed: JsonSchema[] } {
    const unmatchedNew = new Map(now.map((branch, i) => [i, branch]));
    const unmatchedOld: JsonSchema[] = [];
    for (const branch of old) {
      const match = [...unmatchedNew].find(([, candidate]) => semanticKey(candidate) === semanticKey(branch));
      if (match) {
        this.compare(branch, match[1], `${at}/${match[0]}`);
        unmatchedNew.delete(match[0]);
      } else unmatchedOld.push(branch);
    }
    if (unmatchedOld.length === 1 && unmatchedNew.size === 1) {
      const [index, branch] = [...unmatchedNew][0]!;
      this.compare(unmatchedOld[0]!, branch, `${at}/${index}`);
      return { added: [], removed: [] };
    }
    return { added: [...unmatchedNew.values()], removed: unmatchedOld };
  }

  /** anyOf and oneOf together: the same branches may move from one keyword to the other. */
  private alternatives(before: JsonSchema, after: JsonSchema, pointer: string) {
    const oldKind = before.oneOf ? 'oneOf' : before.anyOf ? 'anyOf' : undefined;
    const newKind = after.oneOf ? 'oneOf' : after.anyOf ? 'anyOf' : undefined;
    if (!oldKind && !newKind) return;
    const old = (oldKind ? before[oldKind] : []) as JsonSchema[];
    const now = (newKind ? after[newKind] : []) as JsonSchema[];
    const at = `${pointer}/${newKind ?? oldKind}`;
    if (!oldKind || !newKind) {
      this.report(at, `${kebab((newKind ?? oldKind)!)}-${oldKind ? 'dropped' : 'introduced'}`, 'changed', `${newKind ?? oldKind} ${oldKind ? 'dropped' : 'introduced'}`, { undecided: true });
      return;
    }
    const { added, removed } = this.matchBranches(old, now, at);
    const kind = kebab(newKind);
    if (removed.length > 0) this.report(at, `${kebab(oldKind)}-removed`, 'narrowed', `${removed.length} alternative(s) removed from ${oldKind}`);
    if (added.length > 0) {
      const overlapping = newKind === 'oneOf' && added.some((branch) => now.some((other) => other !== branch && !disjoint(branch, other)));
      if (overlapping) this.report(at, 'one-of-added-overlapping', 'changed', 'an alternative added to oneOf may overlap another, so values matching both would be rejected', { undecided: true });
      else this.report(at, `${kind}-added`, 'widened', `${added.length} alternative(s) added to ${newKind}`);
    }
    if (oldKind !== newKind) {
      const pairwiseDisjoint = now.every((a, i) => now.every((b, j) => i === j || disjoint(a, b)));
      if (pairwiseDisjoint) return;
      if (newKind === 'anyOf') this.report(at, 'one-of-became-any-of', 'widened', 'oneOf became anyOf: values matching several alternatives are now accepted');
      else this.report(at, 'any-of-became-one-of', 'narrowed', 'anyOf became oneOf: values matching several alternatives are now rejected');
    }
  }

  private unsupported(before: JsonSchema, after: JsonSchema, pointer: string) {
    for (const keyword of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (SUPPORTED.has(keyword)) continue;
      if (stableStringify(before[keyword]) === stableStringify(after[keyword])) continue;
      this.report(`${pointer}/${escape(keyword)}`, 'keyword-changed', 'changed', `"${keyword}" changed; this engine cannot prove the change compatible`, { undecided: true });
    }
    if (before.$ref !== after.$ref || before.$recursiveRef !== after.$recursiveRef) {
      this.report(`${pointer}/$ref`, 'reference-changed', 'changed', 'an unresolvable or recursive reference changed', { undecided: true });
    }
  }

  private annotations(before: JsonSchema, after: JsonSchema, pointer: string) {
    const old = (before.$annotations ?? {}) as JsonSchema;
    const now = (after.$annotations ?? {}) as JsonSchema;
    for (const keyword of new Set([...Object.keys(old), ...Object.keys(now)])) {
      if (stableStringify(old[keyword]) === stableStringify(now[keyword])) continue;
      const at = `${pointer}/${escape(keyword)}`;
      if (keyword === 'default' && this.direction === 'input' && old.default !== undefined && now.default !== undefined) {
        // No value changes validity, but a caller that omits the field now gets other behaviour.
        this.report(at, 'default-changed', 'widened', `default ${stableStringify(old.default)} -> ${stableStringify(now.default)} (callers omitting it see new behaviour)`, { verdict: 'additive' });
      } else if (keyword === 'deprecated') {
        this.report(at, 'property-deprecation-changed', 'widened', now.deprecated ? 'marked deprecated' : 'no longer deprecated', { verdict: 'additive' });
      } else {
        this.report(at, `${keyword.replace(/^\$/, '')}-changed`, 'doc', `${keyword} changed`);
      }
    }
  }
}

function judge(change: Change, direction: Direction): Verdict {
  if (change === 'changed') return 'breaking';
  if (direction === 'input') return change === 'narrowed' ? 'breaking' : 'additive';
  return change === 'widened' ? 'breaking' : 'additive';
}

const isNever = (schema: unknown) => isObject(schema) && semanticKey(schema) === '{"not":{}}';

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The types a schema admits: its `type`, or the types of its enum values when it has only those. */
function effectiveTypes(schema: JsonSchema): Set<string> {
  if (schema.type === undefined && Array.isArray(schema.enum)) return typeSet([...new Set((schema.enum as unknown[]).map(jsonType))]);
  return typeSet(schema.type);
}

function typeSet(type: unknown): Set<string> {
  if (type === undefined) return new Set(['*']);
  const set = new Set(type as string[]);
  if (set.has('number')) set.delete('integer');
  return set;
}

const describeTypes = (set: Set<string>) => (set.has('*') ? 'any' : [...set].join('|'));
const list = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');
const kebab = (keyword: string) => keyword.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const isMultiple = (value: number, step: number) => Math.abs(value / step - Math.round(value / step)) < 1e-9;

interface Bound {
  value: number;
  exclusive: boolean;
}

/** Bounds as intervals; on integer-only schemas exclusive bounds become inclusive ones (>1 is >=2). */
function effectiveBound(inclusive: unknown, exclusive: unknown, side: 'lower' | 'upper', integer: boolean): Bound | undefined {
  const candidates: Bound[] = [];
  if (typeof inclusive === 'number') candidates.push({ value: inclusive, exclusive: false });
  if (typeof exclusive === 'number') candidates.push({ value: exclusive, exclusive: true });
  if (candidates.length === 0) return undefined;
  const normalised = candidates.map((b) => {
    if (!integer) return b;
    if (side === 'lower') return { value: b.exclusive ? Math.floor(b.value) + 1 : Math.ceil(b.value), exclusive: false };
    return { value: b.exclusive ? Math.ceil(b.value) - 1 : Math.floor(b.value), exclusive: false };
  });
  return normalised.reduce((a, b) => (side === 'lower' ? (boundAbove(b, a) ? b : a) : upperTighter(b, a) ? b : a));
}

/** Whether upper bound a excludes more than b (a lower value, or the same value exclusive). */
function upperTighter(a: Bound, b: Bound): boolean {
  return a.value < b.value || (a.value === b.value && a.exclusive && !b.exclusive);
}

/** Whether bound a excludes more from below than b (a is "higher" as a lower bound). */
function boundAbove(a: Bound, b: Bound): boolean {
  return a.value > b.value || (a.value === b.value && a.exclusive && !b.exclusive);
}

const boundsEqual = (a: Bound | undefined, b: Bound | undefined) => (!a && !b) || (!!a && !!b && a.value === b.value && a.exclusive === b.exclusive);
const describeBound = (b: Bound | undefined) => (b ? `${b.exclusive ? '(exclusive) ' : ''}${b.value}` : 'unset');

/** Two branches that no value can satisfy together: different types, or different constants of one property. */
function disjoint(a: JsonSchema, b: JsonSchema): boolean {
  const ta = typeSet(a.type);
  const tb = typeSet(b.type);
  if (!ta.has('*') && !tb.has('*') && ![...ta].some((t) => tb.has(t) || (t === 'integer' && tb.has('number')) || (t === 'number' && tb.has('integer')))) return true;
  if (a.enum && b.enum && !(a.enum as unknown[]).some((v) => (b.enum as unknown[]).some((w) => stableStringify(v) === stableStringify(w)))) return true;
  const pa = (a.properties ?? {}) as Record<string, JsonSchema>;
  const pb = (b.properties ?? {}) as Record<string, JsonSchema>;
  const ra = new Set((a.required ?? []) as string[]);
  const rb = new Set((b.required ?? []) as string[]);
  return Object.keys(pa).some((name) => name in pb && ra.has(name) && rb.has(name) && disjoint(pa[name]!, pb[name]!));
}

/** Compares two raw JSON Schemas in one direction; pointers are prefixed with `base`. */
export function compareSchemas(before: unknown, after: unknown, direction: Direction, base: string): Finding[] {
  const walker = new Walker(direction);
  walker.compare(normalizeSchema(before), normalizeSchema(after), base);
  return walker.findings;
}
