import { readFileSync } from 'node:fs';
import { CliError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { today } from '../../core/today.js';
import { aggregateCosts, usdText, type CostReport } from '../../costs/aggregate.js';
import { sinceDay } from '../../costs/period.js';
import { costReportJson } from '../../costs/report-json.js';
import { withProjectAdmin } from '../../project/admin.js';
import { type ProjectBudgets, readBudgets } from '../../project/budgets.js';
import { readDailyCosts } from '../../project/costs.js';
import type { DailyCostRow } from '../../project/interface.js';
import { renderTable } from '../../reporters/table.js';
import { rowsFromLog } from './from-log.js';
import type { CostsOptions } from './options.js';

export async function costs(project: () => Project, options: CostsOptions, out: { write(text: string): void; warn?(text: string): void }): Promise<CostReport> {
  const since = sinceDay(options.since, today());
  let rows: DailyCostRow[];
  let budgets: ProjectBudgets | null = null;
  if (options.fromLog) rows = readLogRows(options.fromLog, out);
  else
    ({ rows, budgets } = await withProjectAdmin(project(), async (admin) => ({
      rows: await readDailyCosts(admin, since),
      budgets: await readBudgets(admin, today()),
    })));
  const report = aggregateCosts(rows, { by: options.by, since, ...(options.top ? { top: options.top } : {}) });
  out.write(options.json ? renderJson(report, budgets) : `${renderCostTable(report)}${budgets ? renderBudgets(budgets, today()) : ''}`);
  return report;
}

/** Roll-up rows computed from the server's JSON log lines, warning about lines that are not. */
function readLogRows(file: string, out: { warn?(text: string): void }): DailyCostRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const read = rowsFromLog(text);
  const notLog = read.skipped + read.ignored;
  if (notLog > 0 && read.calls === 0) {
    out.warn?.(`warning: ${file}: ${notLog} line(s) read, but not one tool_call log line of the server; is this the server's log (its stderr)?\n`);
  } else if (read.skipped > 0) {
    out.warn?.(`warning: ${file}: ${read.skipped} line(s) are not JSON and were left out.\n`);
  }
  return read.rows;
}

export function renderJson(report: CostReport, budgets: ProjectBudgets | null = null): string {
  const limits = budgets ? { budgets: { day: today(), ...budgets } } : {};
  return `${JSON.stringify({ ...costReportJson(report), ...limits }, null, 2)}\n`;
}

/** The limits in force and, for today, each principal's budget: spent or held, and left. */
export function renderBudgets({ settings, standing }: ProjectBudgets, day: string): string {
  const limits = [
    `rate limit ${settings.rateLimit ?? 'none'}`,
    `daily budget ${settings.dailyBudgetUsd === null ? 'none' : `$${settings.dailyBudgetUsd}`} per user`,
  ];
  const own = Object.entries(settings.tools).filter(
    ([, tool]) => tool.dailyBudgetUsd !== null || (tool.rateLimit !== null && tool.rateLimit !== settings.rateLimit),
  );
  for (const [name, tool] of own)
    limits.push(
      `${name}: ${[tool.rateLimit && `rate ${tool.rateLimit}`, tool.dailyBudgetUsd !== null && `budget $${tool.dailyBudgetUsd}`].filter(Boolean).join(', ')}`,
    );
  const lines = ['', `Limits: ${limits.join('; ')}.`];
  if (standing.length > 0) {
    const header = ['USER', 'BUDGET', 'LIMIT $', 'SPENT OR HELD $', 'LEFT $'];
    const rows = standing.map((b) => [b.principalId, b.tool ?? 'all tools', b.budgetUsd.toFixed(2), b.committedUsd.toFixed(6), b.remainingUsd.toFixed(6)]);
    lines.push(
      '',
      `Budgets on ${day} (UTC):`,
      '',
      ...renderTable([header, ...rows], { alignRight: [2, 3, 4] })
        .trimEnd()
        .split('\n'),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function renderCostTable(report: CostReport): string {
  const header = [report.by.toUpperCase(), 'CALLS', 'ERRORS', 'REPLAYS', 'LLM $', 'EXTERNAL $', 'TOTAL $', '$/CALL', 'SHARE'];
  const row = (key: string, g: CostReport['totals'], share: string) => [
    key,
    String(g.calls),
    String(g.errors),
    String(g.replays),
    usdText(g.llmNanoUsd, 6),
    usdText(g.externalNanoUsd, 6),
    usdText(g.totalNanoUsd, 6),
    usdText(g.perCallNanoUsd, 6),
    share,
  ];
  const rows = [header, ...report.groups.map((g) => row(g.key, g, `${(g.share * 100).toFixed(1)}%`)), row('TOTAL', report.totals, '100.0%')];
  const table = renderTable(rows, { alignRight: header.map((_, i) => i).slice(1) })
    .trimEnd()
    .split('\n');
  const notes = [`Costs since ${report.since} (UTC days), by ${report.by}.`];
  if (report.omitted > 0) notes.push(`${report.omitted} more ${report.by}(s) not shown (--top).`);
  if (report.totals.unpriced > 0)
    notes.push(`${report.totals.unpriced} LLM item(s) had no price and are not in these totals: add their models to src/prices.ts.`);
  if (report.totals.calls === 0) notes.push('No calls recorded in this period.');
  return `${[...notes.slice(0, 1), '', ...table, ...(notes.length > 1 ? ['', ...notes.slice(1)] : [])].join('\n')}\n`;
}
