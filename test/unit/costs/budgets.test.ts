import { describe, expect, it } from 'vitest';
import { renderBudgets, renderJson } from '../../../src/commands/costs/index.js';
import { aggregateCosts } from '../../../src/costs/aggregate.js';

const budgets = {
  settings: {
    rateLimit: '60/min',
    dailyBudgetUsd: 5,
    tools: {
      search_notes: { rateLimit: '60/min', dailyBudgetUsd: null, maxCostUsd: null },
      summarise: { rateLimit: '10/min', dailyBudgetUsd: 1.5, maxCostUsd: 0.1 },
    },
  },
  standing: [
    { principalId: 'alice', tool: null, budgetUsd: 5, committedUsd: 1.25, remainingUsd: 3.75 },
    { principalId: 'alice', tool: 'summarise', budgetUsd: 1.5, committedUsd: 1.5, remainingUsd: 0 },
  ],
};

describe('mcp-prod costs: limits and budgets', () => {
  it("prints the limits in force and each principal's budgets for the day", () => {
    expect(renderBudgets(budgets, '2026-06-30')).toBe(
      [
        '',
        'Limits: rate limit 60/min; daily budget $5 per user; summarise: rate 10/min, budget $1.5.',
        '',
        'Budgets on 2026-06-30 (UTC):',
        '',
        'USER   BUDGET     LIMIT $  SPENT OR HELD $    LEFT $',
        'alice  all tools     5.00         1.250000  3.750000',
        'alice  summarise     1.50         1.500000  0.000000',
        '',
      ].join('\n'),
    );
  });

  it('adds them to --json beside the roll-up, which stays as it was', () => {
    const report = aggregateCosts([], { by: 'tool', since: '2026-06-24' });
    const withBudgets = JSON.parse(renderJson(report, budgets));
    const { budgets: shown, ...rest } = withBudgets;
    expect(rest).toEqual(JSON.parse(renderJson(report)));
    expect(shown).toMatchObject({ settings: budgets.settings, standing: budgets.standing, day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });
});
