/**
 * Group commit. A transaction on the SQLite file pays one flush of the write-ahead log to disk
 * when it commits. Work that arrives while a transaction is open joins it instead: each member
 * runs in a savepoint of its own, so a failure undoes only its own writes, and one commit makes
 * the whole group durable. Before committing, the group lets the event loop turn once, so that
 * requests already read from their sockets can join; it commits when a turn brings nobody new.
 *
 * A member hears its outcome after that commit, so no answer reports a write that a failed
 * commit then lost. The one exception is a member that asks to hear early (an idempotency claim
 * that acquired its key): what it needs is the lock the open group holds, and the commit that
 * later carries its call's outcome carries the claim with it. Should that group fail instead,
 * such a member hears it through `lost` before any later group starts.
 *
 * Members run one after another inside the one transaction, as transactions always ran here:
 * a handler that awaits something slow inside ctx.tx holds the file's write lock meanwhile, and
 * the members that ran before it in its group hear their answers when it is done. Nobody joins a
 * group once it has been open `maxOpenMs`, so that wait is at most one such handler. A deferred
 * constraint (a DEFERRABLE INITIALLY DEFERRED foreign key) that a member leaves violated fails
 * the commit and so its whole group; SQLite's foreign keys are immediate unless declared so.
 */
import type { Serialize } from './write-lock.js';

/** What the group needs of a better-sqlite3 connection. */
export interface GroupConnection {
  exec(sql: string): unknown;
  readonly inTransaction: boolean;
}

export interface GroupCommitOptions {
  /** Opens the group's transaction, waiting for the file's write lock until `deadline` (epoch ms). */
  begin(db: GroupConnection, deadline: number): Promise<unknown>;
  busyDeadlineMs: number;
  /** Members per group: bounds what one failed commit takes with it (default 64). */
  maxMembers?: number;
  /** Nobody joins a group open this long, so other processes get the file's lock in turn (default 20 ms). */
  maxOpenMs?: number;
  /** Runs after every group, committed or not. */
  afterGroup?: () => void;
  /** The connection failed to roll back a failed group and may still hold the lock: replace it. */
  discard?: (error: unknown) => void;
}

export interface MemberOptions<T> {
  /** True: the caller hears `value` right after the member's savepoint, before the commit. */
  early?: (value: T) => boolean;
  /** A member that heard early learns here that its group's commit failed after all. */
  lost?: (error: unknown) => void;
}

/** Runs `work` as a member of a group. */
export type GroupedTransaction = <T>(work: () => T | Promise<T>, options?: MemberOptions<T>) => Promise<T>;

interface Member {
  work: () => unknown;
  deadline: number;
  early?: (value: unknown) => boolean;
  lost?: (error: unknown) => void;
  settled: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const SAVEPOINT = 'grouped_call';
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createGroupCommit(connection: () => GroupConnection, serialize: Serialize, options: GroupCommitOptions): GroupedTransaction {
  const maxMembers = options.maxMembers ?? 64;
  const maxOpenMs = options.maxOpenMs ?? 20;
  const waiting: Member[] = [];
  let scheduled = false;

  const schedule = () => {
    if (scheduled || waiting.length === 0) return;
    scheduled = true;
    serialize(runGroup)
      // runGroup settles every member it took, whatever fails; nothing is left to tell here.
      .catch(() => undefined)
      .finally(() => {
        scheduled = false;
        schedule();
      });
  };

  // After some errors (a full disk) SQLite rolls the whole transaction back itself: the group is
  // lost, and its members hear so rather than a missing savepoint.
  const runMember = async (db: GroupConnection, member: Member): Promise<Outcome> => {
    db.exec(`SAVEPOINT ${SAVEPOINT}`);
    try {
      const value = await member.work();
      if (!db.inTransaction) throw new Error('SQLite rolled the transaction back after an error, so nothing of it was kept.');
      db.exec(`RELEASE ${SAVEPOINT}`);
      return { ok: true, value };
    } catch (error) {
      if (!db.inTransaction) throw error;
      db.exec(`ROLLBACK TO ${SAVEPOINT}`);
      db.exec(`RELEASE ${SAVEPOINT}`);
      return { ok: false, error };
    }
  };

  const settle = (member: Member, outcome: Outcome) => {
    member.settled = true;
    if (outcome.ok) member.resolve(outcome.value);
    else member.reject(outcome.error);
  };

  async function runGroup(): Promise<void> {
    const first = waiting[0];
    if (!first) return;
    let db: GroupConnection;
    try {
      db = connection();
      await options.begin(db, first.deadline);
    } catch (error) {
      // The lock stayed taken past the first member's deadline (or the file would not open);
      // the others wait until their own.
      waiting.shift();
      first.reject(error);
      return;
    }
    const members: Member[] = [];
    const outcomes: Outcome[] = [];
    const openedAt = Date.now();
    const roomLeft = () => members.length < maxMembers && Date.now() - openedAt < maxOpenMs;
    const canJoin = () => waiting.length > 0 && roomLeft();
    try {
      for (;;) {
        while (members.length === 0 || canJoin()) {
          const member = waiting.shift() as Member;
          members.push(member);
          const outcome = await runMember(db, member);
          outcomes.push(outcome);
          if (outcome.ok && member.early?.(outcome.value)) settle(member, outcome);
        }
        if (!roomLeft()) break;
        await nextTurn();
        if (!canJoin()) break;
      }
      db.exec('COMMIT');
    } catch (error) {
      // Nothing of the group was kept: every member still waiting hears so, even one that had failed itself.
      for (const member of members) {
        if (!member.settled) settle(member, { ok: false, error });
        else member.lost?.(error);
      }
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch (rollbackError) {
        options.discard?.(rollbackError);
      }
      return;
    } finally {
      options.afterGroup?.();
    }
    members.forEach((member, i) => {
      if (!member.settled) settle(member, outcomes[i] as Outcome);
    });
  }

  return <T>(work: () => T | Promise<T>, member: MemberOptions<T> = {}) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({
        work,
        deadline: Date.now() + options.busyDeadlineMs,
        early: member.early as ((value: unknown) => boolean) | undefined,
        lost: member.lost,
        settled: false,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      schedule();
    });
}
