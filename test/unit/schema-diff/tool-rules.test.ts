/**
 * Tool-level rules (reference/schema-compat-rules.md §3.1, SPEC §5) through compareTools. Each
 * row is a variation of one base contract.
 */
import { describe, expect, it } from 'vitest';
import { scopeCovers } from '../../../templates/project/base/src/platform/scopes.js';
import { compareTools as compareWith } from '../../../src/schema-diff/compare-tool.js';

/** The comparison as `check` runs it in a generated project: with that project's scope hierarchy. */
const compareTools = (before: Parameters<typeof compareWith>[0], after: Parameters<typeof compareWith>[1]) => compareWith(before, after, scopeCovers);
import type { Bump, DeprecationInfo, ToolContract, Verdict } from '../../../src/schema-diff/types.js';
import { requiredBump } from '../../../src/schema-diff/version-gate.js';

const base: ToolContract = {
  version: '1.0.0',
  description: 'd',
  scopes: ['notes:read'],
  readOnly: true,
  idempotency: 'none',
  deprecated: null,
  inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
  outputSchema: null,
};
const tool = (changes: Partial<ToolContract> = {}): ToolContract => ({ ...base, ...changes });
const deprecation: DeprecationInfo = { since: '2025-01-01', replacement: 'search_notes', refuseAfter: '2025-06-01', removeAfter: '2025-12-01' };
const output = {
  type: 'object',
  properties: { id: { type: 'string' }, status: { type: 'string', enum: ['open', 'closed'] } },
  required: ['id', 'status'],
  additionalProperties: false,
};

interface Row {
  name: string;
  before: ToolContract | undefined;
  after: ToolContract | undefined;
  bump: Bump;
  /** [rule, verdict, pointer]: each must match some finding. */
  findings: [string, Verdict, string][];
  /** Rules that must not appear. */
  absent?: string[];
}

const rows: Row[] = [
  // T1/T2: tool removed / added
  { name: 'T1 tool removed', before: tool(), after: undefined, bump: 'major', findings: [['tool.removed', 'breaking', '']] },
  { name: 'T2 tool added', before: undefined, after: tool(), bump: 'minor', findings: [['tool.added', 'additive', '']] },
  {
    name: 'T1 deprecated tool removed is still breaking',
    before: tool({ deprecated: deprecation }),
    after: undefined,
    bump: 'major',
    findings: [['tool.removed', 'breaking', '']],
  },

  // T4/T5: scopes are an all-required set; admin covers write covers read
  {
    name: 'T4 scope added (new resource)',
    before: tool(),
    after: tool({ scopes: ['notes:read', 'files:read'] }),
    bump: 'major',
    findings: [['tool.scope-added', 'breaking', '/scopes']],
  },
  {
    name: 'T4 scope added (higher tier of the same resource)',
    before: tool(),
    after: tool({ scopes: ['notes:read', 'notes:write'] }),
    bump: 'major',
    findings: [['tool.scope-added', 'breaking', '/scopes']],
  },
  {
    name: 'T4 scope replaced by a higher tier (read -> write)',
    before: tool(),
    after: tool({ scopes: ['notes:write'] }),
    bump: 'major',
    findings: [['tool.scope-added', 'breaking', '/scopes']],
  },
  {
    name: 'T4 scope replaced by another resource',
    before: tool(),
    after: tool({ scopes: ['files:read'] }),
    bump: 'major',
    findings: [
      ['tool.scope-added', 'breaking', '/scopes'],
      ['tool.scope-removed', 'additive', '/scopes'],
    ],
  },
  {
    name: 'T4 scope replaced by a higher tier (write -> admin)',
    before: tool({ scopes: ['notes:write'] }),
    after: tool({ scopes: ['notes:admin'] }),
    bump: 'major',
    findings: [['tool.scope-added', 'breaking', '/scopes']],
  },
  {
    name: 'T4 first scope on an unscoped tool',
    before: tool({ scopes: [] }),
    after: tool(),
    bump: 'major',
    findings: [['tool.scope-added', 'breaking', '/scopes']],
  },
  {
    name: 'T4 unknown tier is not covered by anything',
    before: tool({ scopes: ['notes:admin'] }),
    after: tool({ scopes: ['notes:export'] }),
    bump: 'major',
    findings: [['tool.scope-added', 'breaking', '/scopes']],
  },
  {
    name: 'T5 scope removed',
    before: tool({ scopes: ['notes:read', 'files:read'] }),
    after: tool(),
    bump: 'minor',
    findings: [['tool.scope-removed', 'additive', '/scopes']],
    absent: ['tool.scope-added'],
  },
  { name: 'T5 every scope removed', before: tool(), after: tool({ scopes: [] }), bump: 'minor', findings: [['tool.scope-removed', 'additive', '/scopes']] },
  {
    name: 'T5 scope replaced by a lower tier (admin -> write)',
    before: tool({ scopes: ['notes:admin'] }),
    after: tool({ scopes: ['notes:write'] }),
    bump: 'minor',
    findings: [['tool.scope-relaxed', 'additive', '/scopes']],
    absent: ['tool.scope-added', 'tool.scope-removed'],
  },
  {
    name: 'T5 scope replaced by a lower tier (admin -> read)',
    before: tool({ scopes: ['notes:admin'] }),
    after: tool({ scopes: ['notes:read'] }),
    bump: 'minor',
    findings: [['tool.scope-relaxed', 'additive', '/scopes']],
    absent: ['tool.scope-added'],
  },
  {
    name: 'T5 lower tier plus another resource dropped',
    before: tool({ scopes: ['notes:admin', 'files:read'] }),
    after: tool({ scopes: ['notes:write'] }),
    bump: 'minor',
    findings: [
      ['tool.scope-relaxed', 'additive', '/scopes'],
      ['tool.scope-removed', 'additive', '/scopes'],
    ],
  },
  {
    name: 'T13 scopes reordered',
    before: tool({ scopes: ['notes:read', 'files:read'] }),
    after: tool({ scopes: ['files:read', 'notes:read'] }),
    bump: 'none',
    findings: [],
  },

  // T8: readOnly is a promise
  {
    name: 'T8 readOnly true -> false',
    before: tool(),
    after: tool({ readOnly: false }),
    bump: 'major',
    findings: [['tool.read-only-removed', 'breaking', '/readOnly']],
  },
  {
    name: 'T8 readOnly false -> true',
    before: tool({ readOnly: false }),
    after: tool(),
    bump: 'minor',
    findings: [['tool.read-only-added', 'additive', '/readOnly']],
  },

  // T6/T7: idempotency is a promise and a demand
  {
    name: 'T7 idempotency none -> optional',
    before: tool(),
    after: tool({ idempotency: 'optional' }),
    bump: 'minor',
    findings: [['tool.idempotency-relaxed', 'additive', '/idempotency']],
  },
  {
    name: 'T7 idempotency required -> optional',
    before: tool({ idempotency: 'required' }),
    after: tool({ idempotency: 'optional' }),
    bump: 'minor',
    findings: [['tool.idempotency-relaxed', 'additive', '/idempotency']],
  },
  {
    name: 'T6 idempotency none -> required',
    before: tool(),
    after: tool({ idempotency: 'required' }),
    bump: 'major',
    findings: [['tool.idempotency-tightened', 'breaking', '/idempotency']],
  },
  {
    name: 'T6 idempotency optional -> required',
    before: tool({ idempotency: 'optional' }),
    after: tool({ idempotency: 'required' }),
    bump: 'major',
    findings: [['tool.idempotency-tightened', 'breaking', '/idempotency']],
  },
  {
    name: 'T6 idempotency optional -> none',
    before: tool({ idempotency: 'optional' }),
    after: tool(),
    bump: 'major',
    findings: [['tool.idempotency-tightened', 'breaking', '/idempotency']],
  },
  {
    name: 'T6 idempotency required -> none',
    before: tool({ idempotency: 'required' }),
    after: tool(),
    bump: 'major',
    findings: [['tool.idempotency-tightened', 'breaking', '/idempotency']],
  },

  // T9: deprecation
  {
    name: 'T9 deprecation added',
    before: tool(),
    after: tool({ deprecated: deprecation }),
    bump: 'minor',
    findings: [['tool.deprecation-changed', 'additive', '/deprecated']],
  },
  {
    name: 'T9 deprecation removed',
    before: tool({ deprecated: deprecation }),
    after: tool(),
    bump: 'minor',
    findings: [['tool.deprecation-changed', 'additive', '/deprecated']],
  },
  {
    name: 'T9 deprecation schedule changed',
    before: tool({ deprecated: deprecation }),
    after: tool({ deprecated: { ...deprecation, removeAfter: '2026-06-01' } }),
    bump: 'minor',
    findings: [['tool.deprecation-changed', 'additive', '/deprecated']],
  },
  {
    name: 'T13 deprecation with keys reordered',
    before: tool({ deprecated: deprecation }),
    after: tool({ deprecated: { removeAfter: '2025-12-01', refuseAfter: '2025-06-01', replacement: 'search_notes', since: '2025-01-01' } }),
    bump: 'none',
    findings: [],
  },

  // T10/T11: output schema
  {
    name: 'T10 outputSchema added',
    before: tool(),
    after: tool({ outputSchema: output }),
    bump: 'minor',
    findings: [['tool.output-schema-added', 'additive', '/outputSchema']],
  },
  {
    name: 'T11 outputSchema removed',
    before: tool({ outputSchema: output }),
    after: tool(),
    bump: 'major',
    findings: [['tool.output-schema-removed', 'breaking', '/outputSchema']],
  },
  {
    name: 'outputSchema property added (A2)',
    before: tool({ outputSchema: output }),
    after: tool({ outputSchema: { ...output, properties: { ...output.properties, title: { type: 'string' } } } }),
    bump: 'minor',
    findings: [['output.property-added', 'additive', '/outputSchema/properties/title']],
  },
  {
    name: 'outputSchema enum value added (O2)',
    before: tool({ outputSchema: output }),
    after: tool({ outputSchema: { ...output, properties: { ...output.properties, status: { type: 'string', enum: ['open', 'closed', 'archived'] } } } }),
    bump: 'major',
    findings: [['output.enum-value-added', 'breaking', '/outputSchema/properties/status/enum']],
  },

  // input schema through the tool
  {
    name: 'inputSchema required property added',
    before: tool(),
    after: tool({ inputSchema: { ...base.inputSchema, properties: { q: { type: 'string' }, page: { type: 'integer' } }, required: ['q', 'page'] } }),
    bump: 'major',
    findings: [['input.required-property-added', 'breaking', '/inputSchema/properties/page']],
  },
  {
    name: 'inputSchema optional property added (A1)',
    before: tool(),
    after: tool({ inputSchema: { ...base.inputSchema, properties: { q: { type: 'string' }, page: { type: 'integer' } } } }),
    bump: 'minor',
    findings: [['input.property-added', 'additive', '/inputSchema/properties/page']],
  },

  // T12: description
  {
    name: 'T12 description changed',
    before: tool(),
    after: tool({ description: 'Search notes by text' }),
    bump: 'patch',
    findings: [['tool.description-changed', 'doc', '/description']],
  },

  // Combinations and no-ops
  {
    name: 'several changes: the bump is the maximum',
    before: tool({ scopes: ['notes:read', 'files:read'] }),
    after: tool({ scopes: ['notes:read'], description: 'new', readOnly: false }),
    bump: 'major',
    findings: [
      ['tool.scope-removed', 'additive', '/scopes'],
      ['tool.description-changed', 'doc', '/description'],
      ['tool.read-only-removed', 'breaking', '/readOnly'],
    ],
  },
  { name: 'a version bump alone is not a finding', before: tool(), after: tool({ version: '2.0.0' }), bump: 'none', findings: [] },
  {
    name: 'identical contracts',
    before: tool({ outputSchema: output, deprecated: deprecation }),
    after: tool({ outputSchema: output, deprecated: deprecation }),
    bump: 'none',
    findings: [],
  },
  { name: 'neither side exists', before: undefined, after: undefined, bump: 'none', findings: [] },
];

const TOOL_POINTERS = new Set(['', '/scopes', '/readOnly', '/idempotency', '/deprecated', '/description', '/outputSchema']);

describe('compareTools: tool-level rules', () => {
  it('has at least 20 rows with unique names', () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(new Set(rows.map((row) => row.name)).size).toBe(rows.length);
  });

  for (const row of rows) {
    it(row.name, () => {
      const findings = compareTools(row.before, row.after);
      const shown = JSON.stringify(findings, null, 1);
      expect(requiredBump(findings), shown).toBe(row.bump);
      if (row.bump === 'none') expect(findings).toEqual([]);
      for (const [rule, verdict, pointer] of row.findings) {
        expect(findings, shown).toContainEqual(expect.objectContaining({ rule, verdict, pointer }));
      }
      for (const rule of row.absent ?? [])
        expect(
          findings.map((f) => f.rule),
          shown,
        ).not.toContain(rule);
    });
  }

  it.each(rows.map((row) => [row.name, row] as const))('well-formed findings: %s', (_name, row) => {
    for (const finding of compareTools(row.before, row.after)) {
      const schemaPointer = /^\/(inputSchema|outputSchema)(\/|$)/.test(finding.pointer);
      expect(TOOL_POINTERS.has(finding.pointer) || schemaPointer, finding.pointer).toBe(true);
      expect(finding.rule).toMatch(/^(tool|input|output)\.[a-zA-Z-]+$/);
      if (finding.rule.startsWith('input.')) expect(finding.pointer.startsWith('/inputSchema')).toBe(true);
      if (finding.rule.startsWith('output.')) expect(finding.pointer.startsWith('/outputSchema')).toBe(true);
      expect(['breaking', 'additive', 'doc']).toContain(finding.verdict);
      expect(finding.message.trim()).not.toBe('');
      expect(finding.message).not.toMatch(/[\r\n]/);
    }
  });
});

describe('compareTools: contracts compare by meaning', () => {
  /** The same object with its keys reversed at every depth (arrays keep their order). */
  const reverseKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(reverseKeys);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  };

  it('reports nothing for identical contracts', () => {
    expect(compareTools(tool(), tool())).toEqual([]);
    expect(compareTools(tool({ outputSchema: output }), structuredClone(tool({ outputSchema: output })))).toEqual([]);
  });

  it('ignores key order at every depth of the contract', () => {
    const before = tool({ outputSchema: output, deprecated: deprecation, scopes: ['notes:read', 'files:read'] });
    const after = reverseKeys(before) as ToolContract;
    expect(Object.keys(after)[0]).toBe('outputSchema');
    expect(compareTools(before, after)).toEqual([]);
  });

  it('is deterministic', () => {
    const after = tool({ scopes: ['files:read'], readOnly: false, idempotency: 'required', description: 'x', outputSchema: output });
    expect(compareTools(tool(), after)).toEqual(compareTools(tool(), after));
  });
});

describe('scopeCovers', () => {
  it.each([
    ['notes:admin', 'notes:write', true],
    ['notes:admin', 'notes:read', true],
    ['notes:write', 'notes:read', true],
    ['notes:read', 'notes:read', true],
    ['notes:read', 'notes:write', false],
    ['notes:write', 'notes:admin', false],
    ['notes:admin', 'files:read', false],
    ['org:notes:admin', 'org:notes:read', true],
    ['notes:export', 'notes:read', false],
    ['admin', 'read', false],
    ['custom', 'custom', true],
  ] as const)('%s covers %s: %s', (granted, required, covers) => {
    expect(scopeCovers(granted, required)).toBe(covers);
  });
});
