import { readFileSync } from 'node:fs';
import { CliError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { today } from '../../core/today.js';
import { aggregateCosts, usdText, type CostReport } from '../../costs/aggregate.js';
import { sinceDay } from '../../costs/period.js';
import { costReportJson } from '../../costs/report-json.js';
import { withProjectAdmin } from '../../project/admin.js';
import { readDailyCosts } from '../../project/costs.js';
import type { DailyCostRow } from '../../project/interface.js';
import { renderTable } from '../../reporters/table.js';
import { rowsFromLog } from './from-log.js';
import type { CostsOptions } from './options.js';

export async function costs(project: () => Project, options: CostsOptions, out: { write(text: string): void; warn?(text: string): void }): Promise<CostReport> {
  const since = sinceDay(options.since, today());
  let rows: DailyCostRow[];
  if (options.fromLog) {
    let text: string;
    try {
      text = readFileSync(options.fromLog, 'utf8');
    } catch (error) {
      throw new CliError(`Cannot read ${options.fromLog}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const read = rowsFromLog(text);
    rows = read.rows;
    const notLog = read.skipped + read.ignored;
    if (notLog > 0 && read.calls === 0) {
      out.warn?.(`warning: ${options.fromLog}: ${notLog} line(s) read, but not one tool_call log line of the server; is this the server's log (its stderr)?\n`);
    } else if (read.skipped > 0) {
      out.warn?.(`warning: ${options.fromLog}: ${read.skipped} line(s) are not JSON and were left out.\n`);
    }
  } else {
    rows = await withProjectAdmin(project(), (admin) => readDailyCosts(admin, since));
  }
  const report = aggregateCosts(rows, { by: options.by, since, ...(options.top ? { top: options.top } : {}) });
  out.write(options.json ? renderJson(report) : renderCostTable(report));
  return report;
}

export function renderJson(report: CostReport): string {
  return `${JSON.stringify(costReportJson(report), null, 2)}\n`;
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
  const table = renderTable(rows, { alignRight: header.map((_, i) => i).slice(1) }).trimEnd().split('\n');
  const notes = [`Costs since ${report.since} (UTC days), by ${report.by}.`];
  if (report.omitted > 0) notes.push(`${report.omitted} more ${report.by}(s) not shown (--top).`);
  if (report.totals.unpriced > 0) notes.push(`${report.totals.unpriced} LLM item(s) had no price and are not in these totals: add their models to src/prices.ts.`);
  if (report.totals.calls === 0) notes.push('No calls recorded in this period.');
  return `${[...notes.slice(0, 1), '', ...table, ...(notes.length > 1 ? ['', ...notes.slice(1)] : [])].join('\n')}\n`;
}
