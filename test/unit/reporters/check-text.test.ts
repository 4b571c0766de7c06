import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/reporters/compat/report.js';
import { renderText } from '../../../src/reporters/compat/text.js';
import type { Plan } from '../../../src/schema-diff/plan.js';

const plan = (overrides: Partial<Plan['tools'][number]>): Plan => ({
  ok: true,
  stale: true,
  nextLock: { lockfileVersion: 1, tools: {} },
  tools: [{ name: 'search_notes', change: 'unchanged', requiredBump: 'none', from: '1.0.0', to: '1.0.1', result: 'pass', findings: [], ...overrides }],
});

describe('check text reporter', () => {
  it('a version raised without a contract change says so, not "needs a none bump"', () => {
    const text = renderText(buildReport(plan({}), { title: 't' }));
    expect(text).not.toContain('needs a none bump');
    expect(text).toContain('search_notes (1.0.0 -> 1.0.1; contract unchanged)');
  });

  it('a changed tool still names the bump it needs', () => {
    const text = renderText(buildReport(plan({ change: 'changed', requiredBump: 'major', result: 'fail' }), { title: 't' }));
    expect(text).toContain('search_notes (1.0.0 -> 1.0.1; needs a major bump)');
  });
});
