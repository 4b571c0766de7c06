import { z } from 'zod';
import { isIsoDay } from '../../core/iso-day.js';

const day = z.string().refine(isIsoDay, 'not a date; use YYYY-MM-DD (UTC)');

export const deprecateOptionsSchema = z
  .object({
    tool: z.string().min(1),
    replacement: z.string().min(1),
    since: day.optional(),
    refuseAfter: day.optional(),
    removeAfter: day.optional(),
    reason: z.string().min(1).optional(),
    dryRun: z.boolean().default(false),
  })
  .superRefine((options, ctx) => {
    if (options.refuseAfter && options.since && options.refuseAfter < options.since)
      ctx.addIssue({ code: 'custom', path: ['refuseAfter'], message: 'is before --since' });
    if (options.removeAfter && options.refuseAfter && options.removeAfter < options.refuseAfter)
      ctx.addIssue({ code: 'custom', path: ['removeAfter'], message: 'is before --refuse-after' });
    if (options.removeAfter && options.since && options.removeAfter < options.since)
      ctx.addIssue({ code: 'custom', path: ['removeAfter'], message: 'is before --since' });
    if (options.replacement === options.tool)
      ctx.addIssue({ code: 'custom', path: ['replacement'], message: `${options.tool} cannot replace itself; name the tool callers should move to` });
  });
export type DeprecateOptions = z.input<typeof deprecateOptionsSchema>;

export const removeOptionsSchema = z.object({
  tool: z.string().min(1),
  /** Keep the module under this path (inside the project) instead of deleting it. */
  keepAs: z.string().min(1).optional(),
  force: z.boolean().default(false),
  dryRun: z.boolean().default(false),
});
export type RemoveOptions = z.input<typeof removeOptionsSchema>;
