import { z } from 'zod/v4';
import { defineTool } from '../platform/tool.js';

export default defineTool({
  name: 'create_note',
  version: '1.0.0',
  title: 'Create a note',
  description: 'Save a new note for the caller and return its id.',
  scopes: ['notes:write'],
  readOnly: false,
  idempotency: 'required',
  // Its only effect is the note row, written through ctx.tx: it commits with the idempotency record.
  transactional: true,
  input: z.strictObject({
    title: z.string().min(1).max(200),
    body: z.string().max(10_000).default(''),
    tags: z.array(z.string().min(1).max(40)).max(20).default([]),
  }),
  output: z.object({
    id: z.number().int(),
    createdAt: z.string(),
  }),
  async handler({ title, body, tags }, ctx) {
    const note = await ctx.tx.notes.create({
      ownerId: ctx.principal.id,
      title,
      body,
      tags,
      createdAt: ctx.now().toISOString(),
    });
    ctx.log.debug({ note_id: note.id }, 'note created');
    return { id: note.id, createdAt: note.createdAt };
  },
});
