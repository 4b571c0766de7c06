/** Time source for every date-dependent rule (deprecation phases, later idempotency retention). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at `iso` that tests can move with `set`. */
export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let current = new Date(iso);
  if (Number.isNaN(current.getTime())) throw new Error(`fixedClock: "${iso}" is not a valid date`);
  return {
    now: () => new Date(current.getTime()),
    set(next: string) {
      current = new Date(next);
    },
  };
}
