/**
 * The verified-token cache without Redis: a SQLite store reports every token change made by any
 * connection (another process's `mcp-prod token revoke` included), so a server can stop reading
 * the tokens table on every request and still refuse a revoked token from the next request on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cachedVerifier, storedTokenVerifier, type CredentialVerifier } from '../src/platform/auth.js';
import { issueToken } from '../src/platform/tokens.js';
import { noBus } from '../src/store/bus.js';
import { createMemoryStore } from '../src/store/memory.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { Store, StoreTransaction } from '../src/store/types.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two handles on one database file: the server's, and another process's (what `mcp-prod token` opens). */
async function sqlitePair() {
  const dir = mkdtempSync(path.join(tmpdir(), 'token-cache-'));
  const file = path.join(dir, 'mcp.db');
  const server = openSqliteStore(file);
  const other = openSqliteStore(file);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => server.close());
  cleanups.push(() => other.close());
  return { server, other };
}

async function cached(store: Store, issuer: Store = store) {
  const { token, record } = await issueToken(issuer.tokens, { principal: 'alice', scopes: ['notes:read'], now: new Date() });
  const lookups = vi.spyOn(store.tokens, 'findByHash');
  const { tokens } = store;
  const verifier = cachedVerifier(storedTokenVerifier(store.tokens), { ttlMs: 30_000, bus: noBus, changes: () => tokens.changeVersion!() });
  return { token, tokenId: record.id, lookups, verifier };
}

const outcome = (verifier: CredentialVerifier, token: string) =>
  verifier.verify(token, new Date()).then(
    ({ principal }) => `accepted ${principal.id}`,
    (error: Error) => error.message,
  );

describe('token cache on SQLite, without Redis', () => {
  it('reads the tokens table once while no token changes, last uses written behind included', async () => {
    const { server } = await sqlitePair();
    const { token, lookups, verifier } = await cached(server);
    expect(await outcome(verifier, token)).toBe('accepted alice');
    // The first use is written behind on the bookkeeping connection: a commit that is not a token change.
    await server.flush();
    for (let i = 0; i < 5; i++) expect(await outcome(verifier, token)).toBe('accepted alice');
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('refuses a token revoked through another connection from the next request on', async () => {
    const { server, other } = await sqlitePair();
    const { token, tokenId, lookups, verifier } = await cached(server, other);
    expect(await outcome(verifier, token)).toBe('accepted alice');
    expect(await outcome(verifier, token)).toBe('accepted alice');
    expect(lookups).toHaveBeenCalledTimes(1);

    await other.tokens.revoke(tokenId, new Date().toISOString());
    expect(await outcome(verifier, token)).toBe('The bearer token has been revoked.');
  });

  it('sees an expiry moved through another connection (a rotation shortens the old token)', async () => {
    const { server, other } = await sqlitePair();
    const { token, tokenId, verifier } = await cached(server, other);
    expect(await outcome(verifier, token)).toBe('accepted alice');
    await other.tokens.setExpiry(tokenId, new Date(Date.now() - 1000).toISOString());
    expect(await outcome(verifier, token)).toBe('The bearer token has expired.');
  });

  it('refuses a token the server revoked on its own connection, which moves no data version', async () => {
    const { server } = await sqlitePair();
    const { token, tokenId, verifier } = await cached(server);
    expect(await outcome(verifier, token)).toBe('accepted alice');
    await server.tokens.revoke(tokenId, new Date().toISOString());
    expect(await outcome(verifier, token)).toBe('The bearer token has been revoked.');
  });

  it('refuses a token whose row an operator deleted by hand', async () => {
    const { server, other } = await sqlitePair();
    const { token, tokenId, verifier } = await cached(server, other);
    expect(await outcome(verifier, token)).toBe('accepted alice');
    other.db.prepare('DELETE FROM tokens WHERE id = ?').run(tokenId);
    expect(await outcome(verifier, token)).toBe('The bearer token is not recognised.');
  });

  it('does not keep a verification that a revocation overtook while it was read', async () => {
    const { server, other } = await sqlitePair();
    const { token, tokenId } = await issueToken(other.tokens, { principal: 'alice', scopes: ['notes:read'], now: new Date() }).then((issued) => ({
      token: issued.token,
      tokenId: issued.record.id,
    }));
    const stored = storedTokenVerifier(server.tokens);
    // The row is read while the token is valid; the revocation commits before the verification returns.
    const overtaken: CredentialVerifier = {
      async verify(credential, now) {
        const verified = await stored.verify(credential, now);
        await other.tokens.revoke(tokenId, new Date().toISOString());
        return verified;
      },
    };
    const { tokens } = server;
    const verifier = cachedVerifier(overtaken, { ttlMs: 30_000, bus: noBus, changes: () => tokens.changeVersion!() });
    expect(await outcome(verifier, token)).toBe('accepted alice');
    expect(verifier.size).toBe(0);
  });

  it('caches nothing while the store cannot tell whether tokens changed', async () => {
    const { server } = await sqlitePair();
    const { token, lookups, verifier } = await cached(server);
    vi.spyOn(server.tokens, 'changeVersion').mockReturnValue(undefined);
    for (let i = 0; i < 3; i++) expect(await outcome(verifier, token)).toBe('accepted alice');
    expect(lookups).toHaveBeenCalledTimes(3);
    expect(verifier.size).toBe(0);
  });
});

describe('token cache on an in-memory SQLite database', () => {
  it('refuses a token that a handler revoked through ctx.tx, on the connection the server reads tokens with', async () => {
    const store = openSqliteStore(':memory:');
    cleanups.push(() => store.close());
    const { token, tokenId, verifier } = await cached(store);
    expect(await outcome(verifier, token)).toBe('accepted alice');
    await store.transaction((tx) => tx.sql`UPDATE tokens SET revoked_at = ${new Date().toISOString()} WHERE id = ${tokenId}`);
    expect(await outcome(verifier, token)).toBe('The bearer token has been revoked.');
  });

  it('forgets what a request saw inside a ctx.tx that was rolled back', async () => {
    const store = openSqliteStore(':memory:');
    cleanups.push(() => store.close());
    const { token, tokenId, verifier } = await cached(store);
    const revoke = (tx: StoreTransaction) => tx.sql`UPDATE tokens SET revoked_at = ${new Date().toISOString()} WHERE id = ${tokenId}`;
    await store.transaction((tx) => tx.sql`SELECT 1`);
    // A request served while the handler's revocation is written but not committed sees it.
    const rolledBack = store.transaction(async (tx) => {
      await revoke(tx);
      expect(await outcome(verifier, token)).toBe('The bearer token has been revoked.');
      throw new Error('the handler failed');
    });
    await expect(rolledBack).rejects.toThrow('the handler failed');
    expect(await outcome(verifier, token)).toBe('accepted alice');
    await store.transaction(revoke);
    expect(await outcome(verifier, token)).toBe('The bearer token has been revoked.');
  });
});

describe('token cache on the memory store', () => {
  it('refuses a token revoked in this process from the next request on', async () => {
    const store = createMemoryStore();
    const { token, tokenId, lookups, verifier } = await cached(store);
    expect(await outcome(verifier, token)).toBe('accepted alice');
    expect(await outcome(verifier, token)).toBe('accepted alice');
    expect(lookups).toHaveBeenCalledTimes(1);
    await store.tokens.revoke(tokenId, new Date().toISOString());
    expect(await outcome(verifier, token)).toBe('The bearer token has been revoked.');
  });
});
