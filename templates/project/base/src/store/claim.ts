import type { ClaimOutcome, ClaimRequest } from './types.js';

/** The parts of a stored idempotency record that decide a new claim. */
export interface ExistingClaim {
  fingerprint: string;
  status: 'in_progress' | 'completed';
  leaseExpires: number;
  response: string | null;
  expiresAt: number;
}

/**
 * What a claim meets when a record exists (the same rules for every store). A record past its
 * retention counts as absent; a different fingerprint is a reused key whatever the status; an
 * in-progress record whose lease ran out belongs to a call that died mid-way, so its outcome is
 * unknown and it must not run again silently, unless the tool writes only through ctx.tx
 * (`reclaimStale`): then the dead call committed nothing and the record is taken over.
 */
export function decideClaim(existing: ExistingClaim | undefined, request: ClaimRequest): ClaimOutcome | 'acquire' {
  if (!existing || existing.expiresAt <= request.now) return 'acquire';
  if (existing.fingerprint !== request.fingerprint) return { kind: 'mismatch' };
  if (existing.status === 'completed') return { kind: 'replay', response: existing.response ?? 'null' };
  if (existing.leaseExpires > request.now) return { kind: 'in_progress', retryAfterMs: Math.min(1000, existing.leaseExpires - request.now) };
  return request.reclaimStale ? 'acquire' : { kind: 'stale' };
}
