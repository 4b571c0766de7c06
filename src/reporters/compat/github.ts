import type { CheckReport } from './report.js';

const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions workflow commands: one annotation per failing or warning tool, on its file. */
export function renderGithub(report: CheckReport): string {
  const lines: string[] = [];
  for (const { plan, file, fix } of report.tools) {
    if (plan.result === 'pass') continue;
    const level = plan.result === 'fail' ? 'error' : 'warning';
    const breaking = plan.findings.filter((f) => f.verdict === 'breaking').map((f) => `${f.rule} at ${f.pointer}: ${f.message}`);
    const message = [plan.problem, ...breaking.slice(0, 5), fix ? `Fix: ${fix}` : undefined].filter(Boolean).join('\n');
    const properties = [file ? `file=${escapeProperty(file)}` : undefined, `title=${escapeProperty(`mcp-prod check: ${plan.name}`)}`].filter(Boolean).join(',');
    lines.push(`::${level} ${properties}::${escapeData(message)}`);
  }
  if (report.stale && report.ok && report.staleFix) lines.push(`::error title=${escapeProperty('mcp-prod check: lockfile')}::${escapeData(report.staleFix)}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
