import { z } from 'zod';
import { isIsoDay } from '../../core/iso-day.js';

import { costGroupings } from './groupings.js';

export const costsOptionsSchema = z.object({
  since: z
    .string()
    .refine((value) => /^[1-9]\d*d$/.test(value) || isIsoDay(value), 'give a number of days (7d) or a date (YYYY-MM-DD)')
    .default('7d'),
  by: z.enum(costGroupings).default('tool'),
  top: z.coerce.number<string | number>().int('must be a whole number').positive('must be at least 1').optional(),
  fromLog: z.string().min(1).optional(),
  json: z.boolean().default(false),
});
export type CostsOptions = z.infer<typeof costsOptionsSchema>;
