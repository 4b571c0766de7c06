/**
 * Redis between instances (REDIS_URL): the token verification cache and the revocation that
 * reaches every instance through it, against a real Redis server.
 *
 *   MCP_PROD_TEST_REDIS_URL=redis://127.0.0.1:6379 npx vitest run test/redis.test.ts
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cachedVerifier, storedTokenVerifier, type CredentialVerifier } from '../src/platform/auth.js';
import { issueToken } from '../src/platform/tokens.js';
import { noBus, openRedisBus, TOKEN_CHANNEL, type Bus } from '../src/store/bus.js';
import { createMemoryStore } from '../src/store/memory.js';

const url = process.env.MCP_PROD_TEST_REDIS_URL ?? '';
if (!url && process.env.CI) {
  describe('Redis', () => {
    it('is tested in CI', () => {
      throw new Error(
        'MCP_PROD_TEST_REDIS_URL is not set, so the Redis features went untested. Give the CI job a Redis service and set it, e.g. redis://127.0.0.1:6379.',
      );
    });
  });
} else if (!url) {
  console.warn('MCP_PROD_TEST_REDIS_URL is not set, so the Redis tests are skipped (set it, e.g. redis://127.0.0.1:6379, to run them).');
}
const suite = url ? describe : describe.skip;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function bus(target = url): Bus {
  const opened = openRedisBus(target, () => undefined);
  cleanups.push(() => opened.close());
  return opened;
}

/** One shared token store and N instances, each with its own cache on its own Redis connection. */
async function instances(count: number, ttlMs = 30_000) {
  const store = createMemoryStore();
  const { token, record } = await issueToken(store.tokens, { principal: 'alice', scopes: ['notes:read'], now: new Date() });
  const lookups = vi.spyOn(store.tokens, 'findByHash');
  const verifiers = Array.from({ length: count }, () => cachedVerifier(storedTokenVerifier(store.tokens), { ttlMs, bus: bus() }));
  await vi.waitFor(async () => {
    for (const verifier of verifiers) await verifier.verify(token, new Date());
    expect(verifiers.every((v) => v.size === 1)).toBe(true);
  });
  return { store, token, tokenId: record.id, lookups, verifiers };
}

const accepted = (verifier: CredentialVerifier, token: string) =>
  verifier.verify(token, new Date()).then(
    () => true,
    () => false,
  );

suite('token cache with revocation over Redis', () => {
  it('answers repeated requests from the cache, without asking the store', async () => {
    const { token, lookups, verifiers } = await instances(1);
    lookups.mockClear();
    for (let i = 0; i < 20; i++) await verifiers[0]!.verify(token, new Date());
    expect(lookups).not.toHaveBeenCalled();
  });

  it('refuses a revoked token on every instance as soon as the revocation is announced', async () => {
    const { store, token, tokenId, verifiers } = await instances(3);
    await store.tokens.revoke(tokenId, new Date().toISOString());
    const announced = Date.now();
    await bus().publish(TOKEN_CHANNEL, { tokenId });
    await vi.waitFor(async () => {
      for (const verifier of verifiers) expect(await accepted(verifier, token)).toBe(false);
    });
    // Measured, not assumed: pub/sub delivery on loopback takes milliseconds.
    expect(Date.now() - announced).toBeLessThan(1000);
  });

  it('stops trusting its cache while Redis is unreachable', async () => {
    const store = createMemoryStore();
    const { token, record } = await issueToken(store.tokens, { principal: 'alice', scopes: ['notes:read'], now: new Date() });
    const verifier = cachedVerifier(storedTokenVerifier(store.tokens), { ttlMs: 30_000, bus: bus('redis://127.0.0.1:1') });
    expect(await accepted(verifier, token)).toBe(true);
    expect(verifier.size).toBe(0);
    await store.tokens.revoke(record.id, new Date().toISOString());
    expect(await accepted(verifier, token)).toBe(false);
  });
});

describe('token cache without Redis', () => {
  it('never accepts a revoked token longer than its TTL, the stated bound', async () => {
    const store = createMemoryStore();
    const { token, record } = await issueToken(store.tokens, { principal: 'alice', scopes: ['notes:read'], now: new Date() });
    const verifier = cachedVerifier(storedTokenVerifier(store.tokens), { ttlMs: 1000, bus: noBus });
    const at = (ms: number) => new Date(Date.now() + ms);
    await verifier.verify(token, at(0));
    await store.tokens.revoke(record.id, new Date().toISOString());
    await expect(verifier.verify(token, at(500))).resolves.toBeDefined();
    await expect(verifier.verify(token, at(1000))).rejects.toThrow(/revoked/);
  });

  it('is on by default only where a revocation reaches it: not for a store that reports no token changes, without Redis', async () => {
    const { createApp } = await import('../src/app.js');
    const { loadConfig } = await import('../src/config.js');
    // A store that cannot say when tokens changed, as PostgreSQL cannot; the configuration says SQLite.
    const blindStore = () => {
      const store = createMemoryStore();
      delete (store.tokens as { changeVersion?: unknown }).changeVersion;
      return store;
    };
    const acceptedAfterRevoke = async (env: Record<string, string>, bus: Bus) => {
      const store = blindStore();
      const app = createApp({ config: loadConfig({ MCP_PROD_STORE: 'sqlite', ...env }), store, bus });
      cleanups.push(() => app.close());
      const { token, record } = await issueToken(store.tokens, { principal: 'alice', scopes: ['notes:read'], now: new Date() });
      // With a bus, the cache keeps nothing until the subscription is up.
      await vi.waitFor(async () => {
        await app.verifier.verify(token, new Date());
        if (bus.enabled) expect((app.verifier as { size?: number }).size).toBe(1);
      });
      await store.tokens.revoke(record.id, new Date().toISOString());
      return app.verifier.verify(token, new Date()).then(
        () => true,
        () => false,
      );
    };
    expect(await acceptedAfterRevoke({}, noBus)).toBe(false);
    // Asked for by name, the operator gets the cache and its delay.
    expect(await acceptedAfterRevoke({ MCP_PROD_TOKEN_CACHE_SECONDS: '30' }, noBus)).toBe(true);
    // With Redis, revocations are announced (mcp-prod token revoke), so the cache is on.
    expect(
      await acceptedAfterRevoke(
        {},
        openRedisBus(url, () => undefined),
      ),
    ).toBe(true);
  });
});
