import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import type { CheckReport, Reporter } from './report.js';
import { renderText } from './text.js';

export { buildReport, reporters, toolsWorthLocating, type CheckReport, type Reporter } from './report.js';
export { renderText } from './text.js';

export function renderReport(report: CheckReport, reporter: Reporter): string {
  return reporter === 'json' ? renderJson(report) : reporter === 'github' ? renderGithub(report) + renderText(report) : renderText(report);
}
