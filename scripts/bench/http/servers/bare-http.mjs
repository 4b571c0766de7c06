// The floor: node:http answering a tools/call for search_notes with the same result, no SDK. It
// reads and parses the body, checks the method and tool name, and writes the JSON-RPC response.
import { createServer } from 'node:http';
import { announce, fixtureContent, HOST, port } from './common.mjs';

const result = { content: fixtureContent() };

function reply(res, status, message) {
  const body = JSON.stringify(message);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/mcp') return reply(res, 404, { error: 'not_found' });
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let message;
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    }
    if (message.method !== 'tools/call' || message.params?.name !== 'search_notes' || typeof message.params.arguments?.query !== 'string') {
      return reply(res, 200, { jsonrpc: '2.0', id: message.id ?? null, error: { code: -32602, message: 'Unknown tool or invalid arguments' } });
    }
    reply(res, 200, { jsonrpc: '2.0', id: message.id, result });
  });
});
server.listen(port(), HOST, () => announce(`http://${HOST}:${server.address().port}/mcp`));
