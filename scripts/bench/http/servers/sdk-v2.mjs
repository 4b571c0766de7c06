// SDK v2 as its docs write a stateless HTTP server: createMcpHandler with a factory that builds a
// new McpServer and registers the tool on every request, mounted on node:http with the Node
// adapter behind the localhost Host/Origin guards. BENCH_SCHEMAS=once builds the input schema
// once at start-up instead of inside the factory.
import { createServer } from 'node:http';
import { localhostHostValidation, localhostOriginValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { announce, fixtureContent, HOST, LIMIT_DESCRIPTION, port, QUERY_DESCRIPTION, TOOL_DESCRIPTION } from './common.mjs';

const content = fixtureContent();
const searchInput = () =>
  z.object({
    query: z.string().min(1).max(200).describe(QUERY_DESCRIPTION),
    limit: z.number().int().min(1).max(50).default(10).describe(LIMIT_DESCRIPTION),
  });
const builtOnce = process.env.BENCH_SCHEMAS === 'once' ? searchInput() : undefined;

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: 'bench-sdk-v2', version: '1.0.0' });
  server.registerTool(
    'search_notes',
    { title: 'Search notes', description: TOOL_DESCRIPTION, inputSchema: builtOnce ?? searchInput(), annotations: { readOnlyHint: true } },
    async () => ({ content }),
  );
  return server;
});
const mcp = toNodeHandler(handler);
const validateHost = localhostHostValidation();
const validateOrigin = localhostOriginValidation();

const server = createServer((req, res) => {
  if (!validateHost(req, res) || !validateOrigin(req, res)) return;
  mcp(req, res);
});
server.listen(port(), HOST, () => announce(`http://${HOST}:${server.address().port}/mcp`));
