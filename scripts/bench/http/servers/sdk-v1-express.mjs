// SDK v1 with express, stateless, as its README writes it: a new McpServer and transport per POST.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express from 'express';
import { z } from 'zod';
import { announce, fixtureContent, HOST, LIMIT_DESCRIPTION, port, QUERY_DESCRIPTION, TOOL_DESCRIPTION } from './common.mjs';

const content = fixtureContent();

function buildServer() {
  const server = new McpServer({ name: 'bench-sdk-v1', version: '1.0.0' });
  server.registerTool(
    'search_notes',
    {
      title: 'Search notes',
      description: TOOL_DESCRIPTION,
      inputSchema: {
        query: z.string().min(1).max(200).describe(QUERY_DESCRIPTION),
        limit: z.number().int().min(1).max(50).default(10).describe(LIMIT_DESCRIPTION),
      },
      annotations: { readOnlyHint: true },
    },
    async () => ({ content }),
  );
  return server;
}

const app = express();
app.use(express.json());
app.post('/mcp', async (req, res) => {
  const server = buildServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => {
    transport.close();
    server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
});
const listener = app.listen(port(), HOST, () => announce(`http://${HOST}:${listener.address().port}/mcp`));
