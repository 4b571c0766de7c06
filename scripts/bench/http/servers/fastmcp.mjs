// FastMCP-TS on its httpStream transport with `stateless: true` (no initialize, no session).
import { FastMCP } from 'fastmcp';
import { z } from 'zod';
import { announce, fixtureContent, HOST, LIMIT_DESCRIPTION, port, QUERY_DESCRIPTION, TOOL_DESCRIPTION } from './common.mjs';

const content = fixtureContent();
const server = new FastMCP({ name: 'bench-fastmcp', version: '1.0.0' });
server.addTool({
  name: 'search_notes',
  description: TOOL_DESCRIPTION,
  annotations: { readOnlyHint: true, title: 'Search notes' },
  parameters: z.object({
    query: z.string().min(1).max(200).describe(QUERY_DESCRIPTION),
    limit: z.number().int().min(1).max(50).default(10).describe(LIMIT_DESCRIPTION),
  }),
  execute: async () => ({ content }),
});
await server.start({ transportType: 'httpStream', httpStream: { port: port(), host: HOST, endpoint: '/mcp', stateless: true } });
announce(`http://${HOST}:${port()}/mcp`);
