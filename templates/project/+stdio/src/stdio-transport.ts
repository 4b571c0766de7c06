/**
 * The SDK's stdio transport, with what a server needs when its client misbehaves or goes away:
 *
 * - a line longer than the limit is answered with a JSON-RPC error and skipped, instead of
 *   closing the connection (the SDK closes it, and the process exits as if all were well);
 * - end of input does not close the transport at once: the calls already read are answered
 *   first (`drain`), so a client that closes its pipe after sending still gets its results;
 * - the requests in flight are known, so shutdown can wait for them and say how many it cut off.
 */
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';

type Message = Record<string, unknown>;
type Send = StdioServerTransport['send'];

/** The SDK transport's internals this module relies on (checked by the stdio tests on every upgrade). */
interface TransportInternals {
  _ondata: (chunk: Buffer) => void;
  _onstdinclose: () => void;
  _readBuffer: { clear(): void };
}

export interface DrainingTransport {
  readonly transport: StdioServerTransport;
  /** Requests read and not yet answered. */
  readonly inflight: number;
  /** Waits until every request read so far is answered, or `deadline` (epoch ms) passes; returns how many are left. */
  drain(deadline: number): Promise<number>;
}

export interface DrainingTransportOptions {
  input: Readable;
  output: Writable;
  maxLineBytes: number;
  /** End of input: the caller decides when to close (after draining). */
  onInputEnd(): void;
  onOversized(bytes: number): void;
  /** Every message read, before the SDK sees it. */
  onMessage?(message: Message): void;
}

export function createDrainingTransport(options: DrainingTransportOptions): DrainingTransport {
  // The SDK's own limit stays above ours, so that it never sees an oversized line.
  const transport = new StdioServerTransport(options.input, options.output, { maxBufferSize: options.maxLineBytes * 2 });
  const internals = transport as unknown as TransportInternals;
  const pending = new Set<string | number>();
  let settled: (() => void) | undefined;

  // Line framing in front of the SDK's buffer: count the bytes of the line being read.
  const deliver = internals._ondata;
  let lineBytes = 0;
  let skipping = 0;
  internals._ondata = (chunk: Buffer) => {
    let data = chunk;
    if (skipping > 0) {
      const end = data.indexOf(10);
      if (end < 0) {
        skipping += data.length;
        return;
      }
      refuseOversized(skipping + end);
      skipping = 0;
      data = data.subarray(end + 1);
      lineBytes = 0;
    }
    const last = data.lastIndexOf(10);
    const tail = last < 0 ? lineBytes + data.length : data.length - last - 1;
    if (tail <= options.maxLineBytes) {
      lineBytes = tail;
      if (data.length > 0) deliver(data);
      return;
    }
    // The line being read is too long: hand over the complete lines before it, drop the rest.
    if (last >= 0) deliver(data.subarray(0, last + 1));
    internals._readBuffer.clear();
    skipping = tail;
    lineBytes = 0;
  };

  const refuseOversized = (bytes: number) => {
    options.onOversized(bytes);
    void transport
      .send({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32600,
          message: `A message of ${bytes} bytes exceeds the limit of ${options.maxLineBytes} bytes and was skipped; send smaller requests.`,
        },
      } as unknown as Parameters<Send>[0])
      .catch(() => undefined);
  };

  internals._onstdinclose = () => options.onInputEnd();

  let onmessage: ((message: Message, extra?: unknown) => void) | undefined;
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    get: () => onmessage,
    set(handler: typeof onmessage) {
      onmessage =
        handler &&
        ((message, extra) => {
          options.onMessage?.(message);
          if (typeof message.method === 'string' && (typeof message.id === 'string' || typeof message.id === 'number')) pending.add(message.id);
          handler(message, extra);
        });
    },
  });

  const send = transport.send.bind(transport);
  transport.send = (message) => {
    const id = (message as Message).id;
    const answered = (typeof id === 'string' || typeof id === 'number') && ('result' in (message as Message) || 'error' in (message as Message));
    const sent = send(message);
    // Counted as answered whether or not the write succeeded: a closed pipe ends the call too.
    if (answered) {
      void sent
        .finally(() => {
          pending.delete(id);
          if (pending.size === 0) settled?.();
        })
        .catch(() => undefined);
    }
    return sent;
  };

  return {
    transport,
    get inflight() {
      return pending.size;
    },
    async drain(deadline) {
      while (pending.size > 0 && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          settled = resolve;
          setTimeout(resolve, Math.max(0, Math.min(250, deadline - Date.now())));
        });
      }
      return pending.size;
    },
  };
}
