/**
 * Each tool result is serialized once. The log line measures its size, an idempotent call stores
 * it, and the HTTP layer writes it as the answer: all three take the same text from here. A
 * result with structured content is composed from the text the pipeline has already made of it,
 * so that its largest part is not serialized twice.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';

const texts = new WeakMap<CallToolResult, string>();

/** `JSON.stringify(result)`, made once per result object. */
export function resultJson(result: CallToolResult): string {
  let json = texts.get(result);
  if (json === undefined) {
    json = JSON.stringify(result);
    texts.set(result, json);
  }
  return json;
}

/** The JSON of a result this module has already serialized, if it has. */
export const knownResultJson = (result: CallToolResult): string | undefined => texts.get(result);

/**
 * The result for validated structured output: its JSON text as the one text block (for clients
 * that read only `content`) and the object itself. Its own JSON is composed from that text, in
 * the key order `JSON.stringify` would write.
 */
export function structuredResult(structured: Record<string, unknown>): CallToolResult {
  const text = JSON.stringify(structured);
  const result: CallToolResult = { content: [{ type: 'text', text }], structuredContent: structured };
  texts.set(result, `{"content":[{"type":"text","text":${JSON.stringify(text)}}],"structuredContent":${text}}`);
  return result;
}
