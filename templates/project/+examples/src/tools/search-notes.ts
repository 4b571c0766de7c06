import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';

const note = z.object({
  id: z.number().int(),
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
  createdAt: z.string(),
});

export default defineTool({
  name: 'search_notes',
  version: '1.0.0',
  title: 'Search notes',
  description: "Search the caller's notes by a word or phrase in the title or body; newest first.",
  scopes: ['notes:read'],
  readOnly: true,
  input: z.strictObject({
    query: z.string().min(1).max(200).describe('Text to look for in titles and bodies'),
    limit: z.number().int().min(1).max(50).default(10).describe('Most notes to return'),
  }),
  output: z.object({ notes: z.array(note) }),
  async handler({ query, limit }, ctx) {
    const found = await ctx.store.notes.search(ctx.principal.id, query, limit);
    return { notes: found.map(({ ownerId: _owner, ...rest }) => rest) };
  },
});
