/**
 * Pattern 4's output: where log lines go unless told otherwise, stderr (stdout belongs to the
 * protocol on stdio). The lines made during one turn of the event loop leave in one write at the
 * end of that turn, before the process waits for anything again. Under load the lines of every
 * call finished in a turn share a system call instead of taking one each; a quiet server still
 * writes each line straight away. The process's exit writes whatever is left, so a line is lost
 * only when the process is killed in the middle of a turn.
 */
import { pino, type DestinationStream } from 'pino';

export interface TurnDestination extends DestinationStream {
  /** Writes what this turn has collected now; `done` is pino's flush callback. */
  flush(done?: (error?: Error) => void): void;
}

let stderr: TurnDestination | undefined;

/** The process's one stderr destination, shared by its loggers: one exit hook, lines in order. */
export function stderrDestination(): TurnDestination {
  stderr ??= writtenPerTurn(pino.destination({ fd: 2, sync: true }));
  return stderr;
}

/** Writes `text` straight to stderr, after the log lines this turn has collected, keeping its place among them. */
export function writeStderr(text: string): void {
  stderr?.flush();
  process.stderr.write(text);
}

/** Collects what is written during a turn and hands it to `target` in one write when the turn ends. */
export function writtenPerTurn(target: { write(text: string): unknown }): TurnDestination {
  let pending = '';
  let scheduled = false;
  const flush = (done?: (error?: Error) => void) => {
    scheduled = false;
    if (pending !== '') {
      const text = pending;
      pending = '';
      target.write(text);
    }
    done?.();
  };
  process.on('exit', () => flush());
  return {
    write(line: string) {
      pending += line;
      if (scheduled) return;
      scheduled = true;
      setImmediate(flush);
    },
    flush,
  };
}
