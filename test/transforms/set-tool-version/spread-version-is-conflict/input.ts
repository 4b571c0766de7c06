// @ts-nocheck
import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';
import { common } from './common.js';

export default defineTool({
  ...common,
  name: 'search_docs',
  description: 'Search the docs.',
  input: z.strictObject({ query: z.string() }),
  async handler({ query }) {
    return { result: query };
  },
});
