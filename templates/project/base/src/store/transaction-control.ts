/**
 * ctx.tx belongs to the platform's transaction: a handler's own BEGIN, COMMIT or ROLLBACK would
 * end it early, leaving the call's later writes to commit on their own and, on SQLite, taking the
 * other calls of its group commit with it. Savepoints (SAVEPOINT, RELEASE) would do the same
 * with the platform's own. Such statements are refused before they run.
 */
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|ABORT|START\s+TRANSACTION)\b/i;

export function refuseTransactionControl(text: string): void {
  const found = TRANSACTION_CONTROL.exec(text);
  if (found) {
    throw new TypeError(
      `ctx.tx.sql cannot run ${found[1]!.toUpperCase()}: the call already runs in a transaction that commits when its handler returns and rolls back when it throws.`,
    );
  }
}
