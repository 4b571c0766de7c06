/**
 * Header checks that need nothing but the headers: a header that must appear once and appears
 * twice, and a Host header that is not a plain host and port. Both are refused with 400 before
 * anything else reads them.
 */
import type { IncomingMessage } from 'node:http';

/**
 * Node keeps the first of two Authorization or Host headers and silently drops the other (and
 * joins most others), so an intermediary and this server could each act on a different one.
 */
const SINGLE = ['Authorization', 'Host', 'Origin', 'Content-Type', 'Idempotency-Key', 'Mcp-Protocol-Version', 'Mcp-Session-Id'];
const SINGLE_BY_LOWER = new Map(SINGLE.map((name) => [name.toLowerCase(), name]));

/** The first header that must appear once but appears more often, as the specification names it. */
export function repeatedHeader(req: IncomingMessage): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = SINGLE_BY_LOWER.get(req.rawHeaders[i]!.toLowerCase());
    if (!name) continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/**
 * A host name, IPv4 address or bracketed IPv6 address, and an optional port; nothing else.
 * Userinfo (`user@host`), paths and spaces would otherwise pass the allow-list check on the
 * host part and then break the URL built from the header further on.
 */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?::\d{1,5})?$/;

/** Whether a present Host header is well-formed (a missing one is the allow-list's to refuse). */
export function hostIsWellFormed(host: string | undefined): boolean {
  return host === undefined || HOST.test(host);
}
