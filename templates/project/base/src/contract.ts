/**
 * The contract of every tool exactly as tools/list serves it: what `mcp-prod lock` writes to
 * mcp-tools.lock.json and `mcp-prod check` compares against it. The CLI loads this file from
 * source; it must stay free of side effects (no store, no configuration).
 */
import type { DeprecationNotice } from './platform/deprecation.js';
import { createRegistry, type JsonSchema } from './platform/registry.js';
import type { AnyTool, Idempotency } from './platform/tool.js';

/** The scope hierarchy the server enforces; `mcp-prod` asks for it instead of keeping its own copy. */
export { scopeRules } from './platform/scopes.js';

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

/**
 * Contracts of `tools`, or of every registered tool. The registry is imported only when needed,
 * so `mcp-prod add-tool` can take the contract of one new tool without loading all the others.
 */
export async function toolContracts(tools?: readonly AnyTool[]): Promise<Record<string, ToolContract>> {
  const registry = tools ? createRegistry(tools, { partial: true }) : createRegistry((await import('./tools/index.js')).tools);
  return Object.fromEntries(
    registry.tools.map(({ tool, inputSchema, outputSchema }) => [
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
