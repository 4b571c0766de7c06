import type { ToolPlan } from '../../schema-diff/plan.js';

/** The exact step that resolves a failing or warning tool. */
export function fixFor(tool: ToolPlan, file: string | undefined): string | undefined {
  const where = file ?? `the file that defines ${tool.name}`;
  if (tool.change === 'removed' && tool.result === 'fail') {
    return `restore ${tool.name} in src/tools/index.ts, or keep it deprecated (deprecated: { since, replacement }) until its removeAfter date before removing it`;
  }
  if (tool.result === 'pass' || !tool.suggested) return undefined;
  if (tool.to && tool.from && tool.problem?.startsWith('version went down')) {
    return `set version: '${tool.suggested}' in ${where} (it may not go below ${tool.from}), then run: mcp-prod lock`;
  }
  return `set version: '${tool.suggested}' in ${where}, then run: mcp-prod lock`;
}
