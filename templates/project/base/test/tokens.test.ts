import { describe, expect, it } from 'vitest';
import { hashToken, hasValidFormat, generateToken, issueToken, parseDuration, rotateToken, TOKEN_PREFIX } from '../src/platform/tokens.js';
import { createMemoryStore } from '../src/store/memory.js';

const now = new Date('2026-06-01T00:00:00Z');

describe('token format', () => {
  it('is recognisable, high-entropy and self-checking', () => {
    const tokens = Array.from({ length: 200 }, generateToken);
    for (const token of tokens) {
      expect(token).toMatch(/^mcpp_[0-9A-Za-z]{36}$/);
      expect(hasValidFormat(token)).toBe(true);
    }
    expect(new Set(tokens).size).toBe(200);
  });

  it('rejects a token with any single character changed (checksum)', () => {
    const token = generateToken();
    for (let i = TOKEN_PREFIX.length; i < token.length; i++) {
      const swapped = token.slice(0, i) + (token[i] === 'a' ? 'b' : 'a') + token.slice(i + 1);
      expect(hasValidFormat(swapped), `position ${i}`).toBe(false);
    }
    expect(hasValidFormat(token.slice(0, -1))).toBe(false);
    expect(hasValidFormat(`xyz_${token.slice(4)}`)).toBe(false);
  });
});

describe('token lifecycle', () => {
  it('stores only a hash, a hint and metadata; the plaintext is returned once', async () => {
    const store = createMemoryStore();
    const { token, record } = await issueToken(store.tokens, { principal: 'alice', scopes: ['notes:read'], name: 'ci', now });
    expect(record).toMatchObject({ principalId: 'alice', name: 'ci', scopes: ['notes:read'], createdAt: now.toISOString(), revokedAt: null });
    expect(record.hint).toBe(`mcpp_…${token.slice(-4)}`);
    expect(JSON.stringify(await store.tokens.list())).not.toContain(token.slice(5, 30));
    expect((await store.tokens.findByHash(hashToken(token)))?.id).toBe(record.id);
  });

  it('always sets an expiry, 90 days by default', async () => {
    const store = createMemoryStore();
    const { record } = await issueToken(store.tokens, { principal: 'alice', scopes: [], now });
    expect(record.expiresAt).toBe('2026-08-30T00:00:00.000Z');
    await expect(issueToken(store.tokens, { principal: 'alice', scopes: [], ttlMs: 0, now })).rejects.toThrow(/must expire/);
    await expect(issueToken(store.tokens, { principal: ' ', scopes: [], now })).rejects.toThrow(/principal/);
  });

  it('rotates into a token with the same principal, name and scopes, shortening the old one to the grace window', async () => {
    const store = createMemoryStore();
    const { record } = await issueToken(store.tokens, { principal: 'alice', scopes: ['a:read', 'b:write'], name: 'deploy', ttlMs: parseDuration('30d'), now });
    const rotated = await rotateToken(store.tokens, record.id, parseDuration('1d'), now);
    expect(rotated.record).toMatchObject({ principalId: 'alice', name: 'deploy', scopes: ['a:read', 'b:write'], rotatedFrom: record.id });
    expect(rotated.record.expiresAt).toBe('2026-07-01T00:00:00.000Z');
    expect((await store.tokens.get(record.id))?.expiresAt).toBe('2026-06-02T00:00:00.000Z');
  });

  it('refuses to rotate a revoked, expired or unknown token', async () => {
    const store = createMemoryStore();
    const { record } = await issueToken(store.tokens, { principal: 'alice', scopes: [], ttlMs: 1000, now });
    await expect(rotateToken(store.tokens, 'tok_missing', 0, now)).rejects.toThrow(/No token with id tok_missing/);
    await expect(rotateToken(store.tokens, record.id, 0, new Date('2026-06-02T00:00:00Z'))).rejects.toThrow(/expired/);
    await store.tokens.revoke(record.id, now.toISOString());
    await expect(rotateToken(store.tokens, record.id, 0, now)).rejects.toThrow(/revoked/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['45m', 2_700_000],
    ['12h', 43_200_000],
    ['30d', 2_592_000_000],
    ['2w', 1_209_600_000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '30', 'd', '1.5d', '-1d', '3y'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/not a duration/);
  });
});
