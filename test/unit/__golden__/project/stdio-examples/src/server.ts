import type { Server, ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod/v4';
import type { App } from './app.js';
import type { CallerInfo } from './platform/auth.js';
import { META } from './platform/boundary.js';
import { cancellationOf } from './platform/cancellation.js';
import { admissionWatchOf, advertisedLimits, limitsOf } from './platform/limits.js';
import { handleToolCall } from './platform/pipeline.js';
import { ObservedServer } from './platform/telemetry.js';

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
  // Every request (initialize and ping included) runs in its OpenTelemetry span when telemetry is on.
  const server = new ObservedServer(
    serverInfo,
    { capabilities: { tools: { listChanged: false } } },
    { telemetry: app.telemetry, transport: transport.transport },
  );

  server.setRequestHandler('tools/list', async (_request, ctx) => {
    const principal = await app.authenticate(callerOf(ctx)).catch(() => undefined);
    const visible = app.visibleTools(principal);
    const tools = app.registry.list(app.clock.now()).filter((tool) => visible.has(tool.name));
    // What limits a call is what a client may want to plan around: shown beside the contract.
    return {
      tools: tools.map((listed) => {
        const limits = advertisedLimits(limitsOf(app.registry.get(listed.name)!.tool, app.limits));
        return limits ? { ...listed, _meta: { ...listed._meta, [META.limits]: limits } } : listed;
      }),
    };
  });

  server.setRequestHandler('tools/call', { params: z.unknown() }, async (params, ctx) => {
    const result = await handleToolCall(app, {
      params,
      caller: callerOf(ctx),
      cancellation: cancellationOf(ctx.mcpReq.signal),
      idempotencyKeyHeader: ctx.http?.req?.headers.get('idempotency-key'),
      admissionWatch: admissionWatchOf(ctx.http?.authInfo),
    });
    const name = (params as { name?: unknown } | undefined)?.name;
    const outputSchema = typeof name === 'string' ? app.registry.get(name)?.outputSchema : undefined;
    return server.projectCallToolResult(result, outputSchema);
  });
  return server;
}
