import type { AnyTool } from '../platform/tool.js';

/** The registry: every tool the server exposes, listed once. `mcp-prod add-tool` edits this array. */
export const tools: AnyTool[] = [];
