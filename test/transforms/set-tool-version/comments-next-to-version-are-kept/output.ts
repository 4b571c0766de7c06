// @ts-nocheck
import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';

export default defineTool({
  name: 'search_docs',
  // Bump with `mcp-prod bump`, never by hand.
  version: /* semver */ '2.0.0', // last breaking change: 1.0.0
  description: 'Search the docs.',
  input: z.strictObject({ query: z.string() }),
  async handler({ query }) {
    return { result: query };
  },
});
