/**
 * The deprecation notice of a tool, as the project serves it (`_meta["mcp-prod/deprecation"]`),
 * the lockfile records it and every command reads it: declared once.
 */
import { z } from 'zod';
import { isIsoDay } from './iso-day.js';

const isoDay = z.string().refine(isIsoDay, 'a YYYY-MM-DD date');

export const deprecationNoticeSchema = z.object({
  since: isoDay,
  replacement: z.string().min(1),
  refuseAfter: isoDay,
  removeAfter: isoDay,
  reason: z.string().optional(),
});

export type DeprecationNotice = z.infer<typeof deprecationNoticeSchema>;
