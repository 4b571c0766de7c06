import { describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { missingScopes, scopeCovers } from '../src/platform/auth.js';
import { jsonPointer } from '../src/platform/boundary.js';
import { deprecationPhase, parseDeprecation } from '../src/platform/deprecation.js';
import { createRegistry } from '../src/platform/registry.js';
import { defineTool } from '../src/platform/tool.js';
import { loadConfig } from '../src/config.js';

const base = {
  description: 'A tool.',
  scopes: ['things:read'],
  readOnly: true,
  input: z.strictObject({}),
  async handler() {
    return 'ok';
  },
};

describe('defineTool', () => {
  it('fills idempotency from readOnly', () => {
    expect(defineTool({ ...base, name: 'a', version: '1.0.0' }).idempotency).toBe('none');
    expect(defineTool({ ...base, name: 'b', version: '1.0.0', readOnly: false }).idempotency).toBe('required');
  });

  it.each([
    [{ name: 'has space' }, /name must be 1-128 characters/],
    [{ name: 'x'.repeat(129) }, /name must be 1-128 characters/],
    [{ version: '1.0' }, /not a semantic version/],
    [{ version: 'v1.0.0' }, /not a semantic version/],
    [{ scopes: ['notes read'] }, /scope "notes read" is malformed/],
    [{ description: ' ' }, /description is empty/],
    [{ destructive: true }, /read-only tool cannot be destructive/],
    [{ deprecated: { since: '2026-02-30', replacement: 'b' } }, /deprecated.since "2026-02-30" is not a calendar date/],
    [{ deprecated: { since: '2026-03-01', refuseAfter: '2026-02-01', replacement: 'b' } }, /refuseAfter is before/],
  ])('refuses bad metadata %#', (override, message) => {
    expect(() => defineTool({ ...base, name: 'ok', version: '1.0.0', ...override } as never)).toThrow(message);
  });
});

describe('registry', () => {
  const tool = (name: string, extra: object = {}) => defineTool({ ...base, name, version: '1.0.0', ...extra } as never);

  it('refuses duplicate names', () => {
    expect(() => createRegistry([tool('a'), tool('a')])).toThrow(/Two tools are registered as "a"/);
  });

  it('refuses a deprecation whose replacement is missing or deprecated itself', () => {
    const dep = (replacement: string) => ({ deprecated: { since: '2026-01-01', replacement } });
    expect(() => createRegistry([tool('a', dep('b'))])).toThrow(/"b", which is not registered/);
    expect(() => createRegistry([tool('a', dep('b')), tool('b', dep('c')), tool('c')])).toThrow(/"b", which is deprecated itself/);
  });
});

describe('scopes', () => {
  it.each([
    ['notes:admin', 'notes:read', true],
    ['notes:admin', 'notes:write', true],
    ['notes:write', 'notes:read', true],
    ['notes:write', 'notes:admin', false],
    ['notes:read', 'notes:write', false],
    ['Notes:read', 'notes:read', false],
    ['notes:admin', 'files:read', false],
    ['billing', 'billing', true],
    ['billing:export', 'billing:export', true],
    ['billing:admin', 'billing:export', false],
  ])('%s covers %s: %s', (granted, required, expected) => {
    expect(scopeCovers(granted, required)).toBe(expected);
  });

  it('lists every missing scope', () => {
    expect(missingScopes(['a:read'], ['a:read', 'b:write', 'c'])).toEqual(['b:write', 'c']);
  });
});

describe('deprecation schedule', () => {
  it('defaults refuseAfter to since + 30 days and removeAfter to refuseAfter + 30 days', () => {
    expect(parseDeprecation({ since: '2026-12-15', replacement: 'b' }, 't')).toEqual({
      since: '2026-12-15',
      replacement: 'b',
      refuseAfter: '2027-01-14',
      removeAfter: '2027-02-13',
    });
  });

  it('evaluates phases in UTC whatever the local time zone', () => {
    const notice = parseDeprecation({ since: '2026-06-01', replacement: 'b' }, 't');
    expect(deprecationPhase(notice, new Date('2026-05-31T23:59:59.999Z'))).toBe('active');
    expect(deprecationPhase(notice, new Date('2026-06-01T00:00:00.000Z'))).toBe('deprecated');
    expect(deprecationPhase(notice, new Date('2026-07-01T00:00:00.000Z'))).toBe('refused');
    expect(deprecationPhase(notice, new Date('2026-07-31T00:00:00.000Z'))).toBe('removable');
  });
});

describe('jsonPointer', () => {
  it('escapes ~ and / (RFC 6901)', () => {
    expect(jsonPointer(['items', 3, 'a/b', 'c~d'])).toBe('/items/3/a~1b/c~0d');
  });
});

describe('configuration', () => {
  it('reports every invalid variable at once, naming it', () => {
    expect(() => loadConfig({ MCP_PROD_STORE: 'mongo', LOG_LEVEL: 'loud' })).toThrow(/MCP_PROD_STORE="mongo"[\s\S]*LOG_LEVEL="loud"/);
  });
});
