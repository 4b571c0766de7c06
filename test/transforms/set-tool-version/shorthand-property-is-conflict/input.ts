// @ts-nocheck
import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';

const version = '1.4.2';

export default defineTool({
  name: 'search_docs',
  version,
  description: 'Search the docs.',
  input: z.strictObject({ query: z.string() }),
  async handler({ query }) {
    return { result: query };
  },
});
