import { Server, type ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod/v4';
import type { App } from './app.js';
import type { CallerInfo } from './platform/auth.js';
import { handleToolCall } from './platform/pipeline.js';

export const serverInfo = { name: 'golden-server', version: '0.1.0' } as const;

/**
 * Builds the MCP server for one connection (stdio) or one request (HTTP). The registry, store
 * and logger are shared; this object is cheap to create.
 *
 * It uses the SDK's low-level Server rather than McpServer.registerTool because the pipeline
 * owns tool lookup, validation and error shapes: it must see the raw `tools/call` params
 * (including fields the SDK would strip) and log calls to unknown tools too.
 */
export function buildServer(app: App, transport: Pick<CallerInfo, 'transport'>): Server {
  const callerOf = (ctx: ServerContext): CallerInfo => {
    const authInfo = ctx.http?.authInfo;
    return authInfo ? { ...transport, authInfo } : transport;
  };
  const server = new Server(serverInfo, { capabilities: { tools: { listChanged: false } } });

  server.setRequestHandler('tools/list', async (_request, ctx) => {
    const principal = await app.authenticate(callerOf(ctx)).catch(() => undefined);
    const visible = app.visibleTools(principal);
    return { tools: app.registry.list(app.clock.now()).filter((tool) => visible.has(tool.name)) };
  });

  server.setRequestHandler('tools/call', { params: z.unknown() }, async (params, ctx) => {
    const result = await handleToolCall(app, {
      params,
      caller: callerOf(ctx),
      signal: ctx.mcpReq.signal,
      idempotencyKeyHeader: ctx.http?.req?.headers.get('idempotency-key'),
    });
    const name = (params as { name?: unknown } | undefined)?.name;
    const outputSchema = typeof name === 'string' ? app.registry.get(name)?.outputSchema : undefined;
    return server.projectCallToolResult(result, outputSchema);
  });
  return server;
}
