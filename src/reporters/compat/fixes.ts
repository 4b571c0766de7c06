import type { ToolPlan } from '../../schema-diff/plan.js';

/** The exact step that resolves a failing or warning tool. */
export function fixFor(tool: ToolPlan, file: string | undefined): string | undefined {
  if (tool.change === 'removed' && tool.result === 'fail') {
    return `restore ${tool.name} in src/tools/index.ts; to retire it, run mcp-prod deprecate ${tool.name} --replacement <tool> and remove it from its removeAfter date with mcp-prod deprecate ${tool.name} --remove`;
  }
  if (tool.result === 'pass' || !tool.suggested) return undefined;
  return `run: mcp-prod bump ${tool.name}   (sets version: '${tool.suggested}'${file ? ` in ${file}` : ''} and updates the lockfile)`;
}
