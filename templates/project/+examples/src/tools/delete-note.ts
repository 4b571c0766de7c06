import { z } from 'zod/v4';
import { ToolError } from '../platform/errors.js';
import { defineTool } from '../platform/tool.js';

export default defineTool({
  name: 'delete_note',
  version: '1.0.0',
  title: 'Delete a note',
  description: "Permanently delete one of the caller's notes by id.",
  scopes: ['notes:admin'],
  readOnly: false,
  destructive: true,
  idempotency: 'required',
  transactional: true,
  input: z.strictObject({
    id: z.number().int().positive().describe('Id returned by create_note or search_notes'),
  }),
  output: z.object({ deleted: z.literal(true), id: z.number().int() }),
  async handler({ id }, ctx) {
    const deleted = await ctx.tx.notes.delete(ctx.principal.id, id);
    if (!deleted) throw new ToolError('note_not_found', `No note with id ${id} belongs to this caller.`, { details: { id } });
    return { deleted: true as const, id };
  },
});
