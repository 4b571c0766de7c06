import { isIP } from 'node:net';
import { z } from 'zod';
import { isIsoDay } from '../../core/iso-day.js';

/** A port few other local tools claim by default. */
export const DEFAULT_PORT = 4380;

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const dashboardOptionsSchema = z.object({
  port: z.coerce
    .number<string | number>()
    .int('must be a whole number')
    .min(0, 'must be 0 (any free port) to 65535')
    .max(65535, 'must be 0 (any free port) to 65535')
    .default(DEFAULT_PORT),
  host: z
    .string()
    .refine((host) => isIP(host) !== 0 || HOSTNAME.test(host), 'give an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0')
    .default('127.0.0.1'),
});
export type DashboardOptions = z.infer<typeof dashboardOptionsSchema>;

const isoDay = z.string().refine(isIsoDay, 'a YYYY-MM-DD date');
const MAX_DAYS = 3660;

/** The period the page asks for: `?days=30` (the last 30 UTC days, today included) or `?from=…&to=…` (both included). */
export const periodQuerySchema = z.union([
  z
    .object({ days: z.coerce.number<string>().int('must be a whole number').min(1, `must be 1 to ${MAX_DAYS}`).max(MAX_DAYS, `must be 1 to ${MAX_DAYS}`) })
    .strict(),
  z
    .object({ from: isoDay, to: isoDay })
    .strict()
    .refine((period) => period.from <= period.to, 'from must not be after to')
    .refine((period) => Date.parse(period.to) - Date.parse(period.from) < MAX_DAYS * 86_400_000, `at most ${MAX_DAYS} days`),
]);
export type PeriodQuery = z.infer<typeof periodQuerySchema>;
