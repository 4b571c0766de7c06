/**
 * How a tool call learns that it is cancelled: its client went away, or a shutdown cut it off.
 * Handlers see an AbortSignal (`ctx.signal`), but most never look at it, and an AbortSignal is
 * one of the costlier objects a call would make. So a call served directly over HTTP gets its
 * signal only when something asks for it; the pipeline itself listens without one.
 */
export interface Cancellation {
  /** Made on first use, already aborted if the call was cancelled before. */
  readonly signal: AbortSignal;
  readonly cancelled: boolean;
  /** Calls `listener` once, when the call is cancelled; returns a function that stops listening. */
  onCancel(listener: () => void): () => void;
}

/** A cancellation this process decides: `cancel()` ends it. */
export class CallCancellation implements Cancellation {
  #controller: AbortController | undefined;
  #cancelled = false;
  #listeners: Set<() => void> | undefined;

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#cancelled) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  onCancel(listener: () => void): () => void {
    this.#listeners ??= new Set();
    this.#listeners.add(listener);
    return () => this.#listeners?.delete(listener);
  }

  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    // The handler's own listeners on ctx.signal first, as when the pipeline listened on the signal too.
    this.#controller?.abort();
    const listeners = this.#listeners;
    this.#listeners = undefined;
    for (const listener of listeners ?? []) listener();
  }
}

/**
 * The cancellation of a call that arrived with its own signal (the SDK's, on stdio and the SDK's
 * HTTP path). A class rather than a literal with a getter: see platform/call-context.ts.
 */
class SignalCancellation implements Cancellation {
  constructor(readonly signal: AbortSignal) {}

  get cancelled(): boolean {
    return this.signal.aborted;
  }

  onCancel(listener: () => void): () => void {
    this.signal.addEventListener('abort', listener, { once: true });
    return () => this.signal.removeEventListener('abort', listener);
  }
}

export const cancellationOf = (signal: AbortSignal): Cancellation => new SignalCancellation(signal);
