import { z } from 'zod';

export const issueTokenOptionsSchema = z.object({
  scopes: z.array(z.string().min(1)).min(1, 'give at least one scope, e.g. --scopes notes:read,notes:write'),
  expires: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  principal: z.string().min(1).optional(),
  /** Refuse scopes no tool of the project uses instead of warning about them. */
  strict: z.boolean().default(false),
});
export type IssueTokenOptions = z.input<typeof issueTokenOptionsSchema>;
