// @ts-nocheck
import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';

export const searchDocsV1 = defineTool({
  name: 'search_docs_v1',
  version: '1.4.2',
  description: 'Search the docs (old).',
  input: z.strictObject({ q: z.string() }),
  async handler({ q }) {
    return { result: q };
  },
});

export default defineTool({
  name: 'search_docs',
  version: '1.4.2',
  description: 'Search the docs.',
  input: z.strictObject({ query: z.string() }),
  async handler({ query }) {
    return { result: query };
  },
});
