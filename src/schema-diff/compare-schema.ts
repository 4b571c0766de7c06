/**
 * Direction-aware comparison of two normalised schemas. For an input schema a change is
 * breaking when some value the old schema accepted is now rejected (narrowing); for an output
 * schema when the server may now produce a value the old schema did not allow (widening).
 * Two deliberate overlays: an optional property added to an input object is additive (unknown
 * keys were never part of the contract), and a property added to an output is additive
 * (consumers ignore members they do not know). A removed property is breaking both ways.
 * Whatever the engine cannot decide is reported as breaking and marked undecided.
 */
import { accepts } from './evaluate.js';
import { relateFormats } from './formats.js';
import { type Family, familiesOf, keywordFamily } from './keywords.js';
import { normalizeSchema, semanticKey, stableStringify } from './normalize.js';
import { join } from './simplify.js';
import type { Direction, Finding, JsonSchema, Verdict } from './types.js';

type Change = 'narrowed' | 'widened' | 'changed';

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const escapePointer = (segment: string | number) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');

const SUPPORTED = new Set([
  'type',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'prefixItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
  'uniqueItems',
  '$patterns',
  'format',
  'anyOf',
  'oneOf',
  'allOf',
  '$annotations',
  '$recursiveRef',
  '$ref',
  'dependentRequired',
  'patternProperties',
  'dependentSchemas',
  'propertyNames',
  'contains',
  'minContains',
  'maxContains',
  'not',
  'if',
  'then',
  'else',
]);

class Walker {
  readonly findings: Finding[] = [];

  /**
   * Inside then/else, not, dependentSchemas and leftover allOf branches `properties` only
   * constrain members the object declares elsewhere, so a property dropped there is a relaxed
   * constraint, not a member removed from the contract.
   */
  constructor(
    private readonly direction: Direction,
    private constraint = false,
    private readonly negated = false,
  ) {}

  /**
   * Member names the contract knows at the level being compared from outside the schema itself:
   * declared by a sibling union branch, or by a pattern schema that applies to this member.
   */
  private known = new Set<string>();

  private knowing(names: Iterable<string>, run: () => void) {
    const saved = this.known;
    this.known = new Set([...saved, ...names]);
    try {
      run();
    } finally {
      this.known = saved;
    }
  }

  private asConstraint(run: () => void) {
    const saved = this.constraint;
    this.constraint = true;
    try {
      run();
    } finally {
      this.constraint = saved;
    }
  }

  report(
    pointer: string,
    rule: string,
    change: Change | 'doc',
    message: string,
    options: { undecided?: boolean; verdict?: Verdict; annotation?: boolean } = {},
  ) {
    // Under `not` a widening inside is a narrowing outside: the contract overlays do not carry
    // over, but an annotation stays an annotation.
    const overlay = this.negated && !options.annotation ? undefined : options.verdict;
    const verdict = overlay ?? (change === 'doc' ? 'doc' : judge(change, this.direction));
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
    if (isNever(before) !== isNever(after)) {
      const opened = isNever(before);
      this.report(
        pointer,
        opened ? 'values-allowed' : 'values-refused',
        opened ? 'widened' : 'narrowed',
        opened ? 'values are allowed where none were' : 'no value is allowed any more',
      );
      return;
    }
    // Normalisation joins unions of typed branches into one type list; facing a union that
    // could not be joined, take that list apart again so branches meet branches.
    const union = (s: JsonSchema) => (s.anyOf ? 'anyOf' : s.oneOf ? 'oneOf' : undefined);
    if (union(after) && !union(before)) before = splitByType(before, union(after)!) ?? before;
    else if (union(before) && !union(after)) after = splitByType(after, union(before)!) ?? after;
    if (this.wrapped(before, after, pointer)) return;
    this.types(before, after, pointer);
    this.enums(before, after, pointer);
    // Keywords of a type only one side admits came or went with the type change reported above.
    const shared = sharedFamilies(before, after);
    if (shared.has('object')) this.objects(before, after, pointer);
    if (shared.has('array')) this.arrays(before, after, pointer);
    if (shared.has('number')) this.numbers(before, after, pointer);
    if (shared.has('string')) this.lengths(before, after, pointer);
    this.strings(before, after, pointer, shared);
    this.compositions(before, after, pointer);
    this.negation(before, after, pointer);
    this.conditional(before, after, pointer);
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
    if (lost.length > 0 && gained.length > 0)
      return this.report(at, 'type-changed', 'changed', `type changed from ${describeTypes(old)} to ${describeTypes(now)}`);
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
      const at = `${pointer}/properties/${escapePointer(name)}`;
      if (name in oldProps && name in newProps) this.knowing(patternNames(before, name), () => this.compare(oldProps[name]!, newProps[name]!, at));
      // A member declared impossible says what its absence says under a closed object: judged by meaning.
      else if (this.constraint || this.known.has(name) || knownElsewhere(name in oldProps ? after : before, name) || isNever(oldProps[name] ?? newProps[name]))
        this.memberMoved(before, after, name, at);
      else if (!(name in newProps)) {
        this.report(at, 'property-removed', 'changed', `property "${name}" removed`);
        continue;
      } else {
        const required = newRequired.has(name);
        if (this.direction === 'input' && required) this.report(at, 'required-property-added', 'narrowed', `required property "${name}" added`);
        else this.report(at, 'property-added', 'widened', `${required ? 'required' : 'optional'} property "${name}" added`, { verdict: 'additive' });
        continue;
      }
      if (!oldRequired.has(name) && newRequired.has(name))
        this.report(`${pointer}/required`, 'property-became-required', 'narrowed', `property "${name}" became required`);
      if (oldRequired.has(name) && !newRequired.has(name))
        this.report(`${pointer}/required`, 'property-became-optional', 'widened', `property "${name}" became optional`);
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
    this.patternProperties(before, after, pointer);
    // A dependent schema constrains the objects that have its property: adding one narrows.
    const oldDependent = (before.dependentSchemas ?? {}) as Record<string, JsonSchema>;
    const newDependent = (after.dependentSchemas ?? {}) as Record<string, JsonSchema>;
    for (const key of new Set([...Object.keys(oldDependent), ...Object.keys(newDependent)])) {
      const at = `${pointer}/dependentSchemas/${escapePointer(key)}`;
      if (!(key in oldDependent)) this.report(at, 'dependent-schemas-added', 'narrowed', `dependentSchemas "${key}" added`);
      else if (!(key in newDependent)) this.report(at, 'dependent-schemas-removed', 'widened', `dependentSchemas "${key}" removed`);
      else this.asConstraint(() => this.compare(oldDependent[key]!, newDependent[key]!, at));
    }
    this.optionalSubschema(before, after, 'propertyNames', pointer);
  }

  /**
   * A pattern added to a closed object lets members it matches in (a widening); added to an
   * open one it constrains them (a narrowing). Removal mirrors it. A pattern that matches a
   * declared property constrains that property too.
   */
  private patternProperties(before: JsonSchema, after: JsonSchema, pointer: string) {
    const old = (before.patternProperties ?? {}) as Record<string, JsonSchema>;
    const now = (after.patternProperties ?? {}) as Record<string, JsonSchema>;
    const closed = (s: JsonSchema) => s.additionalProperties === false || isNever(s.additionalProperties);
    const touchesDeclared = (pattern: string, s: JsonSchema) =>
      Object.keys((s.properties ?? {}) as JsonSchema).some((name) => matches(pattern, name) !== false);
    // What names a pattern matches had to satisfy without it: additionalProperties (or nothing).
    const rest = (s: JsonSchema): JsonSchema => (s.additionalProperties === undefined ? {} : closed(s) ? { not: {} } : (s.additionalProperties as JsonSchema));
    for (const pattern of new Set([...Object.keys(old), ...Object.keys(now)])) {
      const at = `${pointer}/patternProperties/${escapePointer(pattern)}`;
      // A pattern's schema applies beside the declared members it matches: their own members are known.
      if (pattern in old && pattern in now) this.asConstraint(() => this.compare(old[pattern]!, now[pattern]!, at));
      else if (pattern in now) {
        if (touchesDeclared(pattern, after))
          this.report(at, 'pattern-properties-added', 'narrowed', `declared members matching "${pattern}" are now constrained`);
        if (closed(before)) {
          const overlay = this.direction === 'output' && !this.constraint ? { verdict: 'additive' as const } : {};
          this.report(at, 'pattern-properties-allowed', 'widened', `members matching "${pattern}" are now allowed`, overlay);
        } else this.asConstraint(() => this.compare(rest(before), now[pattern]!, at));
      } else {
        if (touchesDeclared(pattern, before))
          this.report(at, 'pattern-properties-removed', 'widened', `declared members matching "${pattern}" are no longer constrained by it`);
        this.asConstraint(() => this.compare(old[pattern]!, rest(after), at));
      }
    }
  }

  /** In a constraint context, a property declared on one side only: compare what each side demands of it. */
  private memberMoved(before: JsonSchema, after: JsonSchema, name: string, at: string) {
    const old = ((before.properties ?? {}) as Record<string, JsonSchema>)[name] ?? memberConstraint(before, name);
    const now = ((after.properties ?? {}) as Record<string, JsonSchema>)[name] ?? memberConstraint(after, name);
    if (old && now) this.compare(old, now, at);
    else this.report(at, 'property-constraint-changed', 'changed', `"${name}" moved between properties and patternProperties`, { undecided: true });
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
    // Consumers of an output ignore members they do not know, so opening a closed object is not
    // a break; members a typed additionalProperties promised were known, and widening them is.
    // Under then/else or another branch the object's declared members are what this closes off.
    const overlay = this.direction === 'output' && rank(before) === 0 && !this.constraint ? { verdict: 'additive' as const } : {};
    this.report(at, 'additional-properties-allowed', 'widened', 'more unknown properties are now allowed', overlay);
  }

  private dependentRequired(before: JsonSchema, after: JsonSchema, pointer: string) {
    if (stableStringify(before.dependentRequired) === stableStringify(after.dependentRequired)) return;
    const old = (before.dependentRequired ?? {}) as Record<string, string[]>;
    const now = (after.dependentRequired ?? {}) as Record<string, string[]>;
    const narrower = Object.entries(now).some(([k, v]) => v.some((p) => !(old[k] ?? []).includes(p)));
    const wider = Object.entries(old).some(([k, v]) => v.some((p) => !(now[k] ?? []).includes(p)));
    if (!narrower && !wider) return;
    this.report(
      `${pointer}/dependentRequired`,
      'dependent-required-changed',
      narrower && wider ? 'changed' : narrower ? 'narrowed' : 'widened',
      'dependent requirements changed',
    );
  }

  private arrays(before: JsonSchema, after: JsonSchema, pointer: string) {
    const oldItems = (before.items ?? {}) as JsonSchema;
    const newItems = (after.items ?? {}) as JsonSchema;
    if (before.items !== undefined || after.items !== undefined) this.compare(oldItems, newItems, `${pointer}/items`);
    // Position by position: where one side has no tuple entry, its `items` applies there.
    const oldTuple = (before.prefixItems ?? []) as JsonSchema[];
    const newTuple = (after.prefixItems ?? []) as JsonSchema[];
    for (let i = 0; i < Math.max(oldTuple.length, newTuple.length); i++) {
      const at = `${pointer}/prefixItems/${i}`;
      const seen = this.findings.length;
      this.compare(oldTuple[i] ?? oldItems, newTuple[i] ?? newItems, at);
      if (oldTuple[i] && newTuple[i]) continue;
      const grown = newTuple.length > oldTuple.length;
      for (const finding of this.findings.slice(seen)) finding.rule = finding.rule.replace(/\.[^.]+$/, `.tuple-entry-${grown ? 'added' : 'removed'}`);
    }
    for (const keyword of ['minItems', 'maxItems', 'minContains', 'maxContains'] as const) this.bound(before, after, keyword, pointer);
    // With a most, a wider `contains` counts more items against it: only equality is safe.
    const counted = before.maxContains !== undefined || after.maxContains !== undefined;
    if (counted && semanticKey(before.contains) !== semanticKey(after.contains)) {
      this.report(`${pointer}/contains`, 'contains-changed', 'changed', 'contains changed while maxContains limits its matches', { undecided: true });
    } else this.optionalSubschema(before, after, 'contains', pointer);
    if (Boolean(before.uniqueItems) !== Boolean(after.uniqueItems)) {
      this.report(
        `${pointer}/uniqueItems`,
        after.uniqueItems ? 'unique-items-added' : 'unique-items-removed',
        after.uniqueItems ? 'narrowed' : 'widened',
        after.uniqueItems ? 'items must now be unique' : 'items no longer need to be unique',
      );
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
    // An absent minContains means one match (normalisation drops an explicit 1).
    const unset = keyword === 'minContains' ? 1 : isMin ? 0 : Number.POSITIVE_INFINITY;
    const tighter = isMin ? (now ?? unset) > (old ?? unset) : (now ?? unset) < (old ?? unset);
    this.report(
      `${pointer}/${keyword}`,
      `${keyword}-${tighter ? 'tightened' : 'relaxed'}`,
      tighter ? 'narrowed' : 'widened',
      `${keyword} ${old ?? 'unset'} -> ${now ?? 'unset'}`,
    );
  }

  private strings(before: JsonSchema, after: JsonSchema, pointer: string, shared: Set<Family>) {
    if (shared.has('string')) {
      const old = (before.$patterns ?? []) as string[];
      const now = (after.$patterns ?? []) as string[];
      const added = now.filter((p) => !old.includes(p));
      const removed = old.filter((p) => !now.includes(p));
      const at = `${pointer}/pattern`;
      if (added.length > 0 && removed.length > 0) {
        this.report(
          at,
          'pattern-changed',
          'changed',
          `pattern changed from ${list(removed)} to ${list(added)}; whether one contains the other is not decidable here`,
          { undecided: true },
        );
      } else if (added.length > 0) this.report(at, 'pattern-added', 'narrowed', `pattern ${list(added)} added`);
      else if (removed.length > 0) this.report(at, 'pattern-removed', 'widened', `pattern ${list(removed)} removed`);
    }

    const oldFormat = before.format as string | undefined;
    const newFormat = after.format as string | undefined;
    if (oldFormat === newFormat) return;
    const applies = (format: string | undefined) => format === undefined || shared.has(keywordFamily('format', { format })!);
    if (!applies(oldFormat) || !applies(newFormat)) return;
    const fat = `${pointer}/format`;
    if (!oldFormat) return this.report(fat, 'format-added', 'narrowed', `format "${newFormat}" added`);
    if (!newFormat) return this.report(fat, 'format-removed', 'widened', `format "${oldFormat}" removed`);
    const relation = relateFormats(oldFormat, newFormat);
    const message = `format "${oldFormat}" -> "${newFormat}"`;
    if (relation === 'wider') this.report(fat, 'format-widened', 'widened', message);
    else if (relation === 'narrower') this.report(fat, 'format-narrowed', 'narrowed', message);
    else this.report(fat, 'format-changed', 'changed', `${message}: neither format's values include the other's`);
  }

  /** `not` turns inclusion around: the negated schema narrowing widens what is accepted. */
  private negation(before: JsonSchema, after: JsonSchema, pointer: string) {
    const at = `${pointer}/not`;
    if (before.not === undefined && after.not === undefined) return;
    if (before.not === undefined) return this.report(at, 'not-added', 'narrowed', 'values matching the new "not" schema are now rejected');
    if (after.not === undefined) return this.report(at, 'not-removed', 'widened', 'values matching the old "not" schema are now accepted');
    const inner = new Walker(this.direction === 'input' ? 'output' : 'input', true, !this.negated);
    inner.compare(before.not as JsonSchema, after.not as JsonSchema, at);
    for (const finding of inner.findings) {
      this.findings.push({ ...finding, rule: finding.rule.replace(/^(input|output)\./, `${this.direction}.not-`) });
    }
  }

  /** if/then/else with the same condition compares branch by branch; a changed condition cannot be judged here. */
  private conditional(before: JsonSchema, after: JsonSchema, pointer: string) {
    const has = (s: JsonSchema) => s.if !== undefined;
    if (!has(before) && !has(after)) return;
    if (!has(before)) return this.report(`${pointer}/if`, 'conditional-added', 'narrowed', 'an if/then/else constraint was added');
    if (!has(after)) return this.report(`${pointer}/if`, 'conditional-removed', 'widened', 'the if/then/else constraint was removed');
    if (semanticKey(before.if) !== semanticKey(after.if)) {
      return this.report(
        `${pointer}/if`,
        'condition-changed',
        'changed',
        'the "if" condition changed; which values take which branch cannot be compared here',
        { undecided: true },
      );
    }
    this.compare(before.if as JsonSchema, after.if as JsonSchema, `${pointer}/if`);
    for (const branch of ['then', 'else'] as const) {
      if (before[branch] === undefined && after[branch] === undefined) continue;
      this.asConstraint(() => this.compare((before[branch] ?? {}) as JsonSchema, (after[branch] ?? {}) as JsonSchema, `${pointer}/${branch}`));
    }
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
    const sameTypes = union.branches
      .map((b, i) => [b, i] as const)
      .filter(([b]) => stableStringify([...effectiveTypes(b)]) === stableStringify([...effectiveTypes(plain)]));
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
    if (overlapping)
      this.report(
        at,
        `${kind}-${wrapping ? 'wrapped' : 'unwrapped'}-overlapping`,
        'changed',
        `the schema was ${wrapping ? 'wrapped into' : 'taken out of'} a ${union.keyword} whose alternatives may overlap`,
        { undecided: true },
      );
    else if (wrapping) this.report(at, `wrapped-in-${kind}`, 'widened', `the schema became one alternative of ${others.length + 1} in ${union.keyword}`);
    else this.report(at, `unwrapped-from-${kind}`, 'narrowed', `${others.length} alternative(s) dropped with the ${union.keyword}`);
    return true;
  }

  private compositions(before: JsonSchema, after: JsonSchema, pointer: string) {
    this.alternatives(before, after, pointer);
    const old = (before.allOf ?? []) as JsonSchema[];
    const now = (after.allOf ?? []) as JsonSchema[];
    if (old.length === 0 && now.length === 0) return;
    let matched = { added: [] as JsonSchema[], removed: [] as JsonSchema[] };
    this.asConstraint(() => (matched = this.matchBranches(old, now, `${pointer}/allOf`)));
    const { added, removed } = matched;
    if (added.length > 0) this.report(`${pointer}/allOf`, 'all-of-added', 'narrowed', `${added.length} constraint(s) added to allOf`);
    if (removed.length > 0) this.report(`${pointer}/allOf`, 'all-of-removed', 'widened', `${removed.length} constraint(s) removed from allOf`);
  }

  /**
   * Pairs branches by meaning, never by position; equal branches are compared for annotation
   * changes, a single leftover pair is compared as a changed branch, the rest are added/removed.
   */
  private matchBranches(old: JsonSchema[], now: JsonSchema[], at: string): { added: JsonSchema[]; removed: JsonSchema[] } {
    let result = { added: [] as JsonSchema[], removed: [] as JsonSchema[] };
    // What one alternative declares, the contract knows while another alternative is compared.
    this.knowing(
      old.flatMap((branch) => (isObject(branch.properties) ? Object.keys(branch.properties) : [])),
      () => (result = this.pairBranches(old, now, at)),
    );
    return result;
  }

  private pairBranches(old: JsonSchema[], now: JsonSchema[], at: string): { added: JsonSchema[]; removed: JsonSchema[] } {
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
    // Both unions on one schema: each keyword is its own constraint, compared with its own kind.
    if ((before.anyOf && before.oneOf) || (after.anyOf && after.oneOf)) {
      for (const keyword of ['anyOf', 'oneOf'] as const) {
        const only = (s: JsonSchema) => (s[keyword] === undefined ? {} : { [keyword]: s[keyword] });
        this.alternatives(only(before), only(after), pointer);
      }
      return;
    }
    const oldKind = before.oneOf ? 'oneOf' : before.anyOf ? 'anyOf' : undefined;
    const newKind = after.oneOf ? 'oneOf' : after.anyOf ? 'anyOf' : undefined;
    if (!oldKind && !newKind) return;
    const old = (oldKind ? before[oldKind] : []) as JsonSchema[];
    const now = (newKind ? after[newKind] : []) as JsonSchema[];
    const at = `${pointer}/${newKind ?? oldKind}`;
    if (!oldKind || !newKind) {
      this.report(
        at,
        `${kebab((newKind ?? oldKind)!)}-${oldKind ? 'dropped' : 'introduced'}`,
        'changed',
        `${newKind ?? oldKind} ${oldKind ? 'dropped' : 'introduced'}`,
        { undecided: true },
      );
      return;
    }
    const seen = this.findings.length;
    const { added, removed } = this.matchBranches(old, now, at);
    const kind = kebab(newKind);
    // In a oneOf whose alternatives overlap, a value matching two is rejected: growing or
    // shrinking any alternative moves values in and out of that overlap, both ways.
    const pairwise = (branches: JsonSchema[]) => branches.every((a, i) => branches.every((b, j) => i === j || disjoint(a, b)));
    const exclusive = (oldKind === 'oneOf' && !pairwise(old)) || (newKind === 'oneOf' && !pairwise(now));
    const branchChanged = this.findings.slice(seen).some((finding) => finding.verdict !== 'doc') || removed.length > 0;
    if (exclusive && branchChanged) {
      this.report(
        at,
        'one-of-overlap-changed',
        'changed',
        'an alternative of a oneOf whose alternatives overlap changed, so values matching several may now pass or fail',
        { undecided: true },
      );
    }
    if (removed.length > 0) this.report(at, `${kebab(oldKind)}-removed`, 'narrowed', `${removed.length} alternative(s) removed from ${oldKind}`);
    if (added.length > 0) {
      const overlapping = newKind === 'oneOf' && added.some((branch) => now.some((other) => other !== branch && !disjoint(branch, other)));
      if (overlapping)
        this.report(at, 'one-of-added-overlapping', 'changed', 'an alternative added to oneOf may overlap another, so values matching both would be rejected', {
          undecided: true,
        });
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
      this.report(
        `${pointer}/${escapePointer(keyword)}`,
        'keyword-changed',
        'changed',
        `"${keyword}" changed; this engine cannot prove the change compatible`,
        {
          undecided: true,
        },
      );
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
      const at = `${pointer}/${escapePointer(keyword)}`;
      if (keyword === 'default' && this.direction === 'input' && old.default !== undefined && now.default !== undefined) {
        // No value changes validity, but a caller that omits the field now gets other behaviour.
        this.report(
          at,
          'default-changed',
          'widened',
          `default ${stableStringify(old.default)} -> ${stableStringify(now.default)} (callers omitting it see new behaviour)`,
          { verdict: 'additive', annotation: true },
        );
      } else if (keyword === 'deprecated') {
        this.report(at, 'property-deprecation-changed', 'widened', now.deprecated ? 'marked deprecated' : 'no longer deprecated', {
          verdict: 'additive',
          annotation: true,
        });
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

/** A schema of several types as a union of one branch per type family, or undefined when it has one. */
function splitByType(schema: JsonSchema, keyword: 'anyOf' | 'oneOf'): JsonSchema | undefined {
  if (!Array.isArray(schema.type) || schema.allOf !== undefined) return undefined;
  const types = schema.type as string[];
  const groups = new Map<string, string[]>();
  for (const type of types) {
    const family = type === 'integer' ? 'number' : type;
    groups.set(family, [...(groups.get(family) ?? []), type]);
  }
  if (groups.size < 2) return undefined;
  const branches = [...groups.entries()].map(([family, members]) => {
    const branch: JsonSchema = { type: members };
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'type' || key === '$annotations') continue;
      const owner = keywordFamily(key, schema);
      if (owner === undefined || owner === family) branch[key] = value;
    }
    return branch;
  });
  const out: JsonSchema = { [keyword]: branches };
  if (schema.$annotations) out.$annotations = schema.$annotations;
  return out;
}

/**
 * Whether the contract already knows a member this level of `schema` does not declare: another
 * branch at the same level declares it, or a typed additionalProperties constrains it.
 */
function knownElsewhere(schema: JsonSchema, name: string): boolean {
  const rest = schema.additionalProperties;
  if (isObject(rest) && semanticKey(rest) !== '{}') return true;
  if (Object.keys((schema.patternProperties ?? {}) as JsonSchema).some((pattern) => matches(pattern, name) !== false)) return true;
  const branches = [
    ...((schema.anyOf ?? []) as JsonSchema[]),
    ...((schema.oneOf ?? []) as JsonSchema[]),
    ...((schema.allOf ?? []) as JsonSchema[]),
    ...Object.values((schema.dependentSchemas ?? {}) as Record<string, JsonSchema>),
    ...[schema.if, schema.then, schema.else].filter(isObject),
  ];
  return branches.some((branch) => isObject(branch.properties) && name in branch.properties);
}

/** Names declared by the pattern schemas of `schema` that match the member `name` (they apply to it too). */
function patternNames(schema: JsonSchema, name: string): string[] {
  return Object.entries((schema.patternProperties ?? {}) as Record<string, JsonSchema>)
    .filter(([pattern]) => matches(pattern, name) !== false)
    .flatMap(([, member]) => (isObject(member.properties) ? Object.keys(member.properties) : []));
}

/** What an object schema demands of a member it does not declare; undefined when a pattern applies. */
function memberConstraint(schema: JsonSchema, name: string): JsonSchema | undefined {
  const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, JsonSchema>);
  if (patterns.some(([pattern]) => matches(pattern, name) === undefined)) return undefined;
  const matched = patterns.filter(([pattern]) => matches(pattern, name)).map(([, member]) => member);
  // Matching patterns all apply (and additionalProperties then does not).
  if (matched.length > 0) return matched.reduce<JsonSchema | undefined>((all, member) => all && join(all, member), {});
  const rest = schema.additionalProperties;
  return rest === undefined ? {} : rest === false ? { not: {} } : (rest as JsonSchema);
}

function matches(pattern: string, name: string): boolean | undefined {
  try {
    return new RegExp(pattern, 'u').test(name);
  } catch {
    return undefined;
  }
}

/** The instance families both schemas admit (every family when a schema has no `type`). */
function sharedFamilies(before: JsonSchema, after: JsonSchema): Set<Family> {
  const admitted = (s: JsonSchema): Set<Family> =>
    Array.isArray(s.type) ? familiesOf(s.type as string[]) : new Set<Family>(['string', 'number', 'array', 'object']);
  const now = admitted(after);
  return new Set([...admitted(before)].filter((family) => now.has(family)));
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
  if (!ta.has('*') && !tb.has('*') && ![...ta].some((t) => tb.has(t) || (t === 'integer' && tb.has('number')) || (t === 'number' && tb.has('integer'))))
    return true;
  // Listed values the other branch refuses, every one of them.
  if (Array.isArray(a.enum) && (a.enum as unknown[]).every((v) => accepts(b, v) === false)) return true;
  if (Array.isArray(b.enum) && (b.enum as unknown[]).every((v) => accepts(a, v) === false)) return true;
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
