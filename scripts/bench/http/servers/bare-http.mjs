// The floor: node:http answering a tools/call for search_notes with the same result, no SDK. It
// reads and parses the body, checks the method and tool name, and writes the JSON-RPC response.
import { createServer } from 'node:http';
import { announce, bareJsonRpc, fixtureContent, HOST, port } from './common.mjs';

const result = { content: fixtureContent() };

const server = createServer(
  bareJsonRpc((message) =>
    message.method === 'tools/call' && message.params?.name === 'search_notes' && typeof message.params.arguments?.query === 'string' ? result : undefined,
  ),
);
server.listen(port(), HOST, () => announce(`http://${HOST}:${server.address().port}/mcp`));
