// @ts-nocheck
import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';

export default defineTool({
  name: 'search_docs',
  version: '1.4.2',
  description: 'Search the docs.',
  input: z.strictObject({ query: z.string() }),
  async handler({ query }) {
    return { result: query };
  },
});
