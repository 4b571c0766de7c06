// mcp-framework on its http-stream transport (JSON "batch" responses, its default). That
// transport always keeps sessions: the load generator initializes one session per worker and
// sends its Mcp-Session-Id.
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MCPServer, MCPTool } from 'mcp-framework';
import { announce, fixtureContent, HOST, LIMIT_DESCRIPTION, port, QUERY_DESCRIPTION, TOOL_DESCRIPTION } from './common.mjs';

// mcp-framework checks `schema instanceof z.ZodObject` against its own zod 3 (nested under it,
// beside the zod 4 the other peers use), so the schema must come from that very module: the
// file its ESM import of 'zod' resolves to.
const frameworkDir = path.resolve(fileURLToPath(import.meta.resolve('mcp-framework')), '../..');
const zodDir = path.join(frameworkDir, 'node_modules', 'zod');
const zodEntry = JSON.parse(readFileSync(path.join(zodDir, 'package.json'), 'utf8')).exports['.'].import;
const { z } = await import(pathToFileURL(path.join(zodDir, zodEntry)).href);

const content = fixtureContent();

class SearchNotes extends MCPTool {
  name = 'search_notes';
  description = TOOL_DESCRIPTION;
  schema = z.object({
    query: z.string().min(1).max(200).describe(QUERY_DESCRIPTION),
    limit: z.number().int().min(1).max(50).default(10).describe(LIMIT_DESCRIPTION),
  });
  async execute() {
    return content;
  }
}

// An empty base path: nothing to discover on disk, the one tool is added below.
const server = new MCPServer({
  name: 'bench-mcp-framework',
  version: '1.0.0',
  basePath: mkdtempSync(path.join(os.tmpdir(), 'bench-mcp-framework-')),
  transport: { type: 'http-stream', options: { port: port(), host: HOST, endpoint: '/mcp', responseMode: 'batch' } },
});
server.addTool(SearchNotes);
// start() resolves only when the server stops: announce once the port accepts connections.
server.start().catch((error) => {
  console.error(error);
  process.exit(1);
});
const accepts = () =>
  new Promise((resolve) => {
    const socket = connect(port(), HOST, () => resolve(socket.end() && true)).once('error', () => resolve(false));
  });
while (!(await accepts())) await new Promise((resolve) => setTimeout(resolve, 50));
announce(`http://${HOST}:${port()}/mcp`);
