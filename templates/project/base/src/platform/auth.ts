/**
 * Pattern 1: bearer auth with per-tool scopes.
 *
 * Every call resolves a principal before anything else looks at it, then the tool's required
 * scopes are checked against what the principal was granted. Scopes are `resource:tier` with
 * admin ⊇ write ⊇ read inside one resource; any other scope matches only itself, and matching is
 * case-sensitive. A token is always checked for expiry and revocation before its scopes, so an
 * expired token is "unauthorized", never "insufficient scope".
 */
import { ErrorCode, ToolError } from './errors.js';
import { scopeCovers } from './scopes.js';
import { hashToken, hasValidFormat } from './tokens.js';
import { TOKEN_CHANNEL, type Bus } from '../store/bus.js';
import type { TokenRepository } from '../store/types.js';

export interface Principal {
  /** Stable id of the caller: what logs call user_id and what data is owned by. */
  readonly id: string;
  readonly scopes: readonly string[];
  /** The credential's public id (never the secret), for logs and audit. */
  readonly tokenId?: string;
}

/** What a transport knows about the caller of one request. */
export interface CallerInfo {
  readonly transport: 'stdio' | 'http' | 'in-process';
  /** Set by the HTTP layer once it has verified a credential. */
  readonly authInfo?: { readonly clientId: string; readonly scopes: readonly string[]; readonly extra?: Record<string, unknown> };
}

export type Authenticate = (caller: CallerInfo) => Promise<Principal>;

export type AuthFailureReason = 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked' | 'invalid';

/** A credential was absent or not acceptable. Its message never contains the credential. */
export class AuthFailure extends Error {
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
    /** For the operator (startup message, server log), never for the remote caller. */
    readonly operatorHint?: string,
  ) {
    super(message);
    this.name = 'AuthFailure';
  }
}

export interface VerifiedCredential {
  principal: Principal;
  expiresAt: Date;
}

/** Turns a presented bearer credential into a principal, or throws AuthFailure. */
export interface CredentialVerifier {
  verify(credential: string, now: Date): Promise<VerifiedCredential>;
}

const TOUCH_INTERVAL_MS = 60_000;

/** Verifies `mcpp_` tokens against their stored SHA-256; revocation counts from the next request. */
export function storedTokenVerifier(tokens: TokenRepository, storeLocation?: string): CredentialVerifier {
  // A token issued against one database and presented to a server on another is the usual cause.
  const unknownHint = storeLocation && `no such token in the store at ${storeLocation}; issue it against the same MCP_PROD_DB the server uses`;
  return {
    async verify(credential, now) {
      if (!hasValidFormat(credential)) throw new AuthFailure('malformed', 'The bearer token is not a well-formed mcp-prod token.');
      const record = await tokens.findByHash(hashToken(credential));
      if (!record) throw new AuthFailure('unknown', 'The bearer token is not recognised.', unknownHint);
      if (record.revokedAt) throw new AuthFailure('revoked', 'The bearer token has been revoked.');
      if (Date.parse(record.expiresAt) <= now.getTime()) throw new AuthFailure('expired', 'The bearer token has expired.');
      if (!record.lastUsedAt || now.getTime() - Date.parse(record.lastUsedAt) >= TOUCH_INTERVAL_MS) {
        await tokens.touch(record.id, now.toISOString());
      }
      return {
        principal: { id: record.principalId, scopes: record.scopes, tokenId: record.id },
        expiresAt: new Date(record.expiresAt),
      };
    },
  };
}

export interface CachedVerifier extends CredentialVerifier {
  /** Forgets every cached verification of this token (revoked, or its expiry changed). */
  invalidate(tokenId: string): void;
  readonly size: number;
}

/**
 * Remembers verified tokens for `ttlMs`, so that a busy instance does not ask the database on
 * every request. A revocation must still count from the next request, so an entry is trusted
 * only while something would have said otherwise:
 *
 * - `changes` (SQLite, memory): the store's token change version, asked on every request. Any
 *   process's revocation, expiry change or deletion moves it, and the whole cache is dropped.
 * - `bus` (REDIS_URL): `mcp-prod token revoke` announces the token and every instance drops it;
 *   while the subscription is down nothing is cached, so a lost message cannot extend trust.
 *
 * With neither, only the TTL bounds how long a revoked token is still accepted.
 */
export function cachedVerifier(
  inner: CredentialVerifier,
  options: { ttlMs: number; bus: Bus; changes?: () => number | undefined; maxEntries?: number },
): CachedVerifier {
  const cache = new Map<string, { verified: VerifiedCredential; until: number }>();
  const maxEntries = options.maxEntries ?? 10_000;
  // Without a bus the TTL alone bounds staleness; with one, trust starts once it is connected.
  let busTrusted = !options.bus.enabled;
  let seenVersion: number | undefined;
  // Moves with every invalidation: a verification that was in flight meanwhile is not cached.
  let generation = 0;
  const clear = () => {
    cache.clear();
    generation += 1;
  };
  const invalidate = (tokenId: string) => {
    generation += 1;
    for (const [key, entry] of cache) if (entry.verified.principal.tokenId === tokenId) cache.delete(key);
  };
  /** Whether entries may be used and stored now; a moved change version empties the cache first. */
  const trusted = (): boolean => {
    if (!options.changes) return busTrusted;
    const version = options.changes();
    if (version !== seenVersion) {
      clear();
      seenVersion = version;
    }
    return version !== undefined;
  };
  void options.bus
    .subscribe(TOKEN_CHANNEL, {
      message(payload) {
        const tokenId = (payload as { tokenId?: unknown } | null)?.tokenId;
        if (typeof tokenId === 'string') invalidate(tokenId);
      },
      connected(up) {
        busTrusted = up;
        if (!up) clear();
      },
    })
    .catch(() => {
      busTrusted = false;
    });
  return {
    invalidate,
    get size() {
      return cache.size;
    },
    async verify(credential, now) {
      const key = hashToken(credential);
      const usable = trusted();
      const hit = cache.get(key);
      if (usable && hit && hit.until > now.getTime()) return hit.verified;
      cache.delete(key);
      const before = generation;
      const verified = await inner.verify(credential, now);
      // Asked again: what the store said before a change made meanwhile is not kept.
      if (usable && trusted() && generation === before) {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
        cache.set(key, { verified, until: Math.min(now.getTime() + options.ttlMs, verified.expiresAt.getTime()) });
      }
      return verified;
    },
  };
}

/** Extracts the credential from an Authorization header value (scheme is case-insensitive). */
export function bearerCredential(header: string | undefined): string {
  if (header === undefined || header === '') throw new AuthFailure('missing', 'A bearer token is required.');
  const match = /^Bearer +([^\s]+)\s*$/i.exec(header);
  if (!match) throw new AuthFailure('malformed', 'The Authorization header must be "Bearer <token>".');
  return match[1]!;
}

/**
 * The principal for one call: on HTTP the gate in http.ts has verified the token and passed it
 * on as authInfo; on stdio the token from the environment is verified again on every call, so a
 * revocation takes effect on the next request.
 */
export function createAuthenticate(options: { verifier: CredentialVerifier; stdioCredential?: string; now: () => Date }): Authenticate {
  return async (caller) => {
    if (caller.authInfo) {
      const extra = caller.authInfo.extra ?? {};
      return {
        id: String(extra.principalId ?? caller.authInfo.clientId),
        scopes: caller.authInfo.scopes,
        ...(typeof extra.tokenId === 'string' ? { tokenId: extra.tokenId } : {}),
      };
    }
    if (caller.transport === 'stdio' && options.stdioCredential) {
      try {
        return (await options.verifier.verify(options.stdioCredential, options.now())).principal;
      } catch (error) {
        if (error instanceof AuthFailure) throw new ToolError(ErrorCode.unauthorized, error.message);
        // jwt.ts's KeySetUnavailable, by name: that module imports this one.
        if ((error as Error | undefined)?.name === 'KeySetUnavailable') {
          throw new ToolError('auth_unavailable', 'The token could not be checked because the key set is unreachable; retry shortly.', { retryable: true });
        }
        throw error;
      }
    }
    throw new ToolError(ErrorCode.unauthorized, 'This call carries no verified credential.');
  };
}

/** For tests and local tools: one fixed principal holding exactly `scopes`. */
export function localPrincipal(scopes: readonly string[], id = 'local'): Authenticate {
  const principal: Principal = Object.freeze({ id, scopes: Object.freeze([...scopes]) });
  return async () => principal;
}

export { scopeCovers };

export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  return required.filter((scope) => !granted.some((have) => scopeCovers(have, scope)));
}

export function insufficientScope(tool: { name: string; scopes: readonly string[] }, missing: readonly string[]): ToolError {
  return new ToolError(ErrorCode.insufficientScope, `${tool.name} requires the scopes ${tool.scopes.join(', ')}; this caller lacks ${missing.join(', ')}.`, {
    details: { requiredScopes: [...tool.scopes], missingScopes: [...missing] },
  });
}

/** The pipeline stage: denies before the handler runs, naming every required scope. */
export function checkScopes(principal: Principal, tool: { name: string; scopes: readonly string[] }): void {
  const missing = missingScopes(principal.scopes, tool.scopes);
  if (missing.length > 0) throw insufficientScope(tool, missing);
}
