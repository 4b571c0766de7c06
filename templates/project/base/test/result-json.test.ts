import { describe, expect, it } from 'vitest';
import { knownResultJson, resultJson, structuredResult } from '../src/platform/result-json.js';

describe('one serialization per result', () => {
  const outputs: Record<string, unknown>[] = [
    {},
    { notes: [{ id: 1, title: 'quotes " and \\ backslashes', tags: ['a', 'b'] }], total: 1 },
    { text: 'line\nbreak\ttab \u2028 separator \u0000 nul', emoji: '🦊', nested: { deep: [null, true, 0, -0, 1e21, 0.1] } },
    { skipped: undefined, kept: 'yes', list: [undefined, () => 1] },
  ];

  it.each(outputs)('composes exactly the JSON that JSON.stringify writes for structured output %#', (output) => {
    const result = structuredResult(output);
    expect(result).toEqual({ content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output });
    expect(knownResultJson(result)).toBe(JSON.stringify(result));
    expect(JSON.parse(resultJson(result))).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('serializes any other result on first use and hands out the same text afterwards', () => {
    const result = { content: [{ type: 'text' as const, text: 'plain' }], isError: true };
    expect(knownResultJson(result)).toBeUndefined();
    const json = resultJson(result);
    expect(json).toBe(JSON.stringify(result));
    expect(knownResultJson(result)).toBe(json);
  });
});
