import { z } from 'zod';

export const lockOptionsSchema = z.object({
  /** Record the contracts even if a breaking change was not versioned. */
  force: z.boolean().default(false),
  dryRun: z.boolean().default(false),
});
export type LockOptions = z.infer<typeof lockOptionsSchema>;
