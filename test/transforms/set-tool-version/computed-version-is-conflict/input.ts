// @ts-nocheck
import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';
import { VERSION } from '../version.js';

export default defineTool({
  name: 'search_docs',
  version: VERSION,
  description: 'Search the docs.',
  input: z.strictObject({ query: z.string() }),
  async handler({ query }) {
    return { result: query };
  },
});
