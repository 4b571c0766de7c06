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

export const rotateTokenOptionsSchema = z.object({
  /** How long the old token stays valid, e.g. 1h, 1d (the project's default when left out). */
  grace: z.string().min(1).optional(),
});
export type RotateTokenOptions = z.input<typeof rotateTokenOptionsSchema>;
