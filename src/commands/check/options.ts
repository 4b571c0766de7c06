import { z } from 'zod';
import { reporters } from '../../reporters/compat/index.js';

export const checkOptionsSchema = z.object({ reporter: z.enum(reporters).default('text') });
export type CheckOptions = z.infer<typeof checkOptionsSchema>;
