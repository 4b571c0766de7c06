/**
 * The contract of every tool exactly as tools/list serves it: what `mcp-prod lock` writes to
 * mcp-tools.lock.json and `mcp-prod check` compares against it. The CLI loads this file from
 * source; it must stay free of side effects (no store, no configuration).
 */
import type { DeprecationNotice } from './platform/deprecation.js';
import { createRegistry, type JsonSchema } from './platform/registry.js';
import type { AnyTool, Idempotency } from './platform/tool.js';
import { tools as registeredTools } from './tools/index.js';

export interface ToolContract {
  version: string;
  description: string;
  scopes: string[];
  readOnly: boolean;
  idempotency: Idempotency;
  deprecated: DeprecationNotice | null;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema | null;
}

export function toolContracts(tools: readonly AnyTool[] = registeredTools): Record<string, ToolContract> {
  return Object.fromEntries(
    createRegistry(tools).tools.map(({ tool, inputSchema, outputSchema }) => [
      tool.name,
      {
        version: tool.version,
        description: tool.description,
        scopes: [...tool.scopes],
        readOnly: tool.readOnly,
        idempotency: tool.idempotency,
        deprecated: tool.deprecated ?? null,
        inputSchema,
        outputSchema: outputSchema ?? null,
      },
    ]),
  );
}
