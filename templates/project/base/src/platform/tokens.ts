/**
 * Pattern 1: bearer auth with per-tool scopes — the token lifecycle.
 *
 * Tokens look like `mcpp_<30 random base62><6 base62 CRC32>`: the prefix makes a leaked token
 * recognisable to secret scanners, and the checksum rejects typos and junk without touching the
 * store. Only the SHA-256 of a token is stored; the plaintext exists once, in `issue`'s result.
 * Every token expires (default 90 days). Rotation issues a successor with the same principal and
 * scopes and lets the old token live on only for a grace window.
 */
import { hash, randomInt } from 'node:crypto';
import type { TokenRecord, TokenRepository } from '../store/types.js';

export const TOKEN_PREFIX = 'mcpp_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
const TOKEN_PATTERN = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);
const DAY_MS = 86_400_000;
export const DEFAULT_TOKEN_TTL_MS = 90 * DAY_MS;

/** A token request that cannot be honoured as asked (unknown id, revoked, bad duration...). */
export class TokenError extends Error {
  override name = 'TokenError';
}

const randomBase62 = (length: number) => Array.from({ length }, () => BASE62[randomInt(62)]).join('');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksum(body: string): string {
  let value = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function generateToken(): string {
  const body = `${TOKEN_PREFIX}${randomBase62(RANDOM_LENGTH)}`;
  return body + checksum(body);
}

/** Cheap rejection of malformed tokens: right prefix, length, alphabet and checksum. */
export function hasValidFormat(token: string): boolean {
  if (!TOKEN_PATTERN.test(token)) return false;
  const body = token.slice(0, -CHECKSUM_LENGTH);
  return checksum(body) === token.slice(-CHECKSUM_LENGTH);
}

/** SHA-256 in hex; the one-shot `hash` (Node 20.12) costs half of a `createHash` object on every request. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** What `list` and logs may show of a token: its prefix and last four characters. */
export const tokenHint = (token: string) => `${TOKEN_PREFIX}…${token.slice(-4)}`;

export interface IssueRequest {
  principal: string;
  scopes: readonly string[];
  name?: string;
  ttlMs?: number;
  now: Date;
}

export interface IssuedToken {
  /** The plaintext, returned only here. */
  token: string;
  record: TokenRecord;
}

export async function issueToken(repo: TokenRepository, request: IssueRequest, rotatedFrom?: string): Promise<IssuedToken> {
  const ttlMs = request.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new TokenError('A token must expire: its lifetime has to be a positive duration.');
  if (request.principal.trim() === '') throw new TokenError('A token needs a principal.');
  const token = generateToken();
  const record: TokenRecord = {
    id: `tok_${randomBase62(16)}`,
    principalId: request.principal,
    name: request.name ?? request.principal,
    scopes: [...request.scopes],
    hint: tokenHint(token),
    createdAt: request.now.toISOString(),
    expiresAt: new Date(request.now.getTime() + ttlMs).toISOString(),
    revokedAt: null,
    lastUsedAt: null,
    rotatedFrom: rotatedFrom ?? null,
  };
  await repo.insert(record, hashToken(token));
  return { token, record };
}

/**
 * Issues a successor with the same principal, name and scopes; the old token stays valid until
 * `now + graceMs` (or its own expiry, whichever is sooner).
 */
export async function rotateToken(repo: TokenRepository, id: string, graceMs: number, now: Date): Promise<IssuedToken & { previous: TokenRecord }> {
  const previous = await repo.get(id);
  if (!previous) throw new TokenError(`No token with id ${id}.`);
  if (previous.revokedAt) throw new TokenError(`Token ${id} is revoked; issue a new one instead.`);
  if (Date.parse(previous.expiresAt) <= now.getTime()) throw new TokenError(`Token ${id} has expired; issue a new one instead.`);
  const ttlMs = Date.parse(previous.expiresAt) - Date.parse(previous.createdAt);
  const issued = await issueToken(repo, { principal: previous.principalId, name: previous.name, scopes: previous.scopes, ttlMs, now }, id);
  const graceEnd = Math.min(Date.parse(previous.expiresAt), now.getTime() + graceMs);
  await repo.setExpiry(id, new Date(graceEnd).toISOString());
  return { ...issued, previous: { ...previous, expiresAt: new Date(graceEnd).toISOString() } };
}

/** Parses `30d`, `12h`, `45m`, `90s` or `2w` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d|w)$/.exec(text.trim());
  if (!match) throw new TokenError(`"${text}" is not a duration; use a number and a unit, e.g. 30d, 12h, 45m.`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }[match[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(match[1]) * unit;
}
