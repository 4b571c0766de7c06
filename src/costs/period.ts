import { CliError } from '../core/errors.js';

/** The first day of the last `days` UTC days, today included: `firstDayOf(7, '2026-06-07')` is '2026-06-01'. */
export function firstDayOf(days: number, todayText: string): string {
  return new Date(Date.parse(`${todayText}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

/** `7d` (the last seven UTC days, today included) or a YYYY-MM-DD date. */
export function sinceDay(text: string, todayText: string): string {
  const relative = /^(\d+)d$/.exec(text);
  if (relative) {
    const days = Number(relative[1]);
    if (days < 1) throw new CliError('--since: give at least 1d.');
    return firstDayOf(days, todayText);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))) return text;
  throw new CliError(`--since "${text}" is neither a number of days (7d) nor a date (YYYY-MM-DD).`);
}
