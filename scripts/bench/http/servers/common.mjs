// What every peer server shares: the fixture it answers search_notes with (the generated
// project's own result, captured by run.mjs), the port it is given, and the "started" line the
// harness waits for (the same JSON shape the generated server logs).
import { readFileSync } from 'node:fs';

/** The `content` array of the captured search_notes result. */
export const fixtureContent = () => JSON.parse(readFileSync(process.env.BENCH_HTTP_FIXTURE, 'utf8')).content;

export const port = () => Number(process.env.PORT ?? 0);
export const HOST = '127.0.0.1';

export const TOOL_DESCRIPTION = "Search the caller's notes by a word or phrase in the title or body; newest first.";
export const QUERY_DESCRIPTION = 'Text to look for in titles and bodies';
export const LIMIT_DESCRIPTION = 'Most notes to return';

// Exit on SIGTERM instead of dying of it, so that node writes a --cpu-prof profile (BENCH_HTTP_PROFILE).
process.once('SIGTERM', () => process.exit(0));

export function announce(url) {
  process.stderr.write(`${JSON.stringify({ event: 'started', url })}\n`);
}

function reply(res, status, message) {
  const body = JSON.stringify(message);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * A node:http listener for the bare handlers: POST /mcp only, the body read and parsed, and
 * `answer(message)` (a JSON-RPC result, or an error when it returns undefined) written back.
 */
export const bareJsonRpc = (answer) => (req, res) => {
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
    const result = answer(message);
    if (result === undefined) {
      return reply(res, 200, { jsonrpc: '2.0', id: message.id ?? null, error: { code: -32602, message: 'Unknown tool or invalid arguments' } });
    }
    reply(res, 200, { jsonrpc: '2.0', id: message.id, result });
  });
};
