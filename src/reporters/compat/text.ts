import type { CheckReport } from './report.js';

const MARK = { pass: '✔', warn: '⚠', fail: '✖' } as const;

/** Findings grouped per tool, then the exact commands that fix each failure. */
export function renderText(report: CheckReport): string {
  const lines: string[] = [];
  const changed = report.tools.filter(({ plan }) => plan.change !== 'unchanged' || plan.from !== plan.to);
  const failing = report.tools.filter(({ plan }) => plan.result === 'fail').length;
  lines.push(`${report.title}: ${report.tools.length} tool(s), ${changed.length} changed, ${failing} failing.`);
  for (const { plan, file } of changed) {
    const versions = plan.change === 'added' ? `new at ${plan.to}` : plan.change === 'removed' ? `removed (was ${plan.from})` : `${plan.from} -> ${plan.to}`;
    const need = plan.requiredBump === 'none' ? 'contract unchanged' : `needs a ${plan.requiredBump} bump`;
    lines.push('', `${MARK[plan.result]} ${plan.name} (${versions}; ${need})${file ? ` ${file}` : ''}`);
    if (plan.problem) lines.push(`    ${plan.problem}`);
    for (const finding of plan.findings) {
      const flag = finding.undecided ? ' (undecided)' : '';
      lines.push(`    ${finding.verdict.padEnd(8)} ${finding.rule}${flag} at ${finding.pointer || '/'}: ${finding.message}`);
    }
  }
  const fixes = report.tools.filter(({ fix }) => fix).map(({ plan, fix }) => `  ${plan.name}: ${fix}`);
  if (fixes.length > 0) lines.push('', 'To fix:', ...fixes);
  if (report.stale && report.ok && report.staleFix) lines.push('', report.staleFix);
  if (report.ok && !report.stale) lines.push('', 'All tool contracts match the lockfile.');
  return `${lines.join('\n')}\n`;
}
