import { z } from 'zod';

import { bumpLevels } from './levels.js';

export const bumpOptionsSchema = z.object({
  tool: z.string().min(1).optional(),
  level: z.enum(bumpLevels).optional(),
  all: z.boolean().default(false),
  dryRun: z.boolean().default(false),
});
export type BumpOptions = z.infer<typeof bumpOptionsSchema>;
