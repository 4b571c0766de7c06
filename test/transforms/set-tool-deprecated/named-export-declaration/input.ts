// @ts-nocheck
import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';

export const searchDocs = defineTool({
  name: 'search_docs',
  version: '1.0.0',
  description: 'Search the docs.',
  scopes: ['docs:read'],
  readOnly: true,
  input: z.object({ query: z.string() }),
  async handler() {
    return {};
  },
});

export default searchDocs;
