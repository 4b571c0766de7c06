/**
 * Whether a store failure means "the database could not serve this now" (unreachable, restarting,
 * locked, full) rather than "the request was wrong". Such a failure is answered with the
 * retryable store_unavailable, and an idempotent call that met it is not replayed as if it were
 * the tool's answer.
 */
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL)/;
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// PostgreSQL SQLSTATEs: connection exceptions (08), insufficient resources (53), operator
// intervention such as a shutdown or a terminated backend (57P0x), and lost serialisation races.
const POSTGRES_TRANSIENT = /^(08|53|57P0)|^(40001|40P01)$/;
const DRIVER_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed|the database system is (starting up|shutting down)/i;

export function isStoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (SQLITE_TRANSIENT.test(code) || NETWORK.has(code) || POSTGRES_TRANSIENT.test(code))) return true;
    if (DRIVER_MESSAGES.test(current.message)) return true;
  }
  return false;
}
