/**
 * The `ctx` a handler receives: one per call, with its logger, signal and transaction made only
 * when the handler asks for them.
 *
 * It is a class so that those lazy properties are getters on the prototype. Getters written in an
 * object literal are made anew for every object, and V8 keeps each such pair in the old
 * generation: it points at the young getter functions, and through their closure at the whole
 * call (its arguments, its result, the JSON of both), so a minor collection has to keep all of it
 * and move it to the old generation too. With a literal per call, about a fifth of what every
 * call allocated survived each minor collection, and full collections ran every second or so.
 */
import type { Span } from '@opentelemetry/api';
import type { Principal } from './auth.js';
import type { Cancellation } from './cancellation.js';
import type { CostMeter } from './cost.js';
import { childOnFirstUse, type Logger } from './logger.js';
import type { ToolContext } from './tool.js';
import type { Store, StoreTransaction } from '../store/types.js';

export interface CallContextParts {
  callId: string;
  principal: Principal;
  store: Store;
  cost: CostMeter;
  span: Span;
  now: () => Date;
  idempotencyKey: string | undefined;
  toolName: string;
  /** The app's logger, whose level decides what a handler's lines cost. */
  logger: Logger;
  /** The call's logger (bound to its call_id), made on first use. */
  callLog: () => Logger;
  cancellation: Cancellation;
  /** Set for a transactional tool's handler. */
  tx: StoreTransaction | undefined;
}

export class CallContext implements ToolContext {
  readonly callId: string;
  readonly principal: Principal;
  readonly store: Store;
  readonly cost: CostMeter;
  readonly span: Span;
  readonly now: () => Date;
  readonly idempotencyKey: string | undefined;
  readonly #parts: CallContextParts;
  #log: Logger | undefined;

  constructor(parts: CallContextParts) {
    this.callId = parts.callId;
    this.principal = parts.principal;
    this.store = parts.store;
    this.cost = parts.cost;
    this.span = parts.span;
    this.now = parts.now;
    this.idempotencyKey = parts.idempotencyKey;
    this.#parts = parts;
  }

  /** Made when the handler first writes a line: most never do, or only at a disabled level. */
  get log(): Logger {
    const { logger, callLog, toolName } = this.#parts;
    this.#log ??= childOnFirstUse(logger, () => callLog().child({ tool_name: toolName }));
    return this.#log;
  }

  get signal(): AbortSignal {
    return this.#parts.cancellation.signal;
  }

  get tx(): StoreTransaction {
    const { tx, toolName } = this.#parts;
    if (!tx) throw new Error(`${toolName} uses ctx.tx but is not declared transactional: add \`transactional: true\` to its defineTool.`);
    return tx;
  }
}
