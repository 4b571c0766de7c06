/**
 * Reads an authenticated request's JSON body within a size limit and a deadline, and refuses
 * nesting deeper than any MCP message needs before JSON.parse and the SDK walk it recursively.
 */
import type { IncomingMessage } from 'node:http';

/** Deeper than any tool's arguments plausibly nest, far shallower than what overflows a stack. */
export const MAX_JSON_DEPTH = 100;

/** The body could not be taken: `status` and `message` are the answer to give. */
export class BodyRefused extends Error {
  constructor(
    readonly status: 400 | 408 | 413,
    message: string,
  ) {
    super(message);
  }
}

export function readBody(req: IncomingMessage, options: { maxBytes: number; timeoutMs: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: BodyRefused) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (error) {
        // Stop reading: the refusal closes the connection, so the rest is never needed.
        req.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxBytes) finish(new BodyRefused(413, `Request body exceeds ${options.maxBytes} bytes.`));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish(new BodyRefused(400, 'The request body could not be read.'));
    const timer = setTimeout(() => finish(new BodyRefused(408, `The request body did not arrive within ${options.timeoutMs / 1000} s.`)), options.timeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** How deep `[` and `{` nest outside strings, stopping as soon as it passes `limit`. */
export function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // a backslash escapes the next character, quotes included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}

export function parseJsonBody(text: string): unknown {
  if (nestingExceeds(text, MAX_JSON_DEPTH)) throw new BodyRefused(400, `Parse error: the body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyRefused(400, 'Parse error: the body is not valid JSON.');
  }
}
