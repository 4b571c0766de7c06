import { z } from 'zod';
import { reporters } from '../../reporters/compat/index.js';

export const diffOptionsSchema = z.object({
  old: z.string().min(1),
  new: z.string().min(1),
  cwd: z.string(),
  reporter: z.enum(reporters).default('text'),
});
export type DiffOptions = z.infer<typeof diffOptionsSchema>;
