// @ts-nocheck
import { defineTool } from '../platform/tool.js';

export default defineTool({
  name: 'search_docs',
  description: 'Search the docs.',
  handler: async () => ({ ok: true }),
  deprecated: { since: '2026-12-01', replacement: 'search_docs_v2' },
});
