// @ts-nocheck
import { defineTool } from '../platform/tool.js';

export default defineTool({
  name: 'search_docs',
  description: 'Search the docs.',
  handler: async () => ({ ok: true }),
});
