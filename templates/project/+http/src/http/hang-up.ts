/**
 * Lingering close, for the answers the server gives before reading a request's body (401, 429,
 * 404, 503). Closing a socket while the client's body is still arriving makes the kernel send a
 * reset, and a client that is still writing then reports ECONNRESET and loses the answer it was
 * sent: under load, a quarter of refused uploads saw no 401. So after the answer the socket is
 * half-closed and left open for `LINGER_MS`, or until the client closes. Up to `DISCARD_BYTES`
 * of what still arrives is read and dropped, which lets a client that sends a normal-sized body
 * finish and close cleanly; past that nothing more is read, so that a refused client costs
 * neither memory nor CPU, only a connection slot for those two seconds.
 *
 * A request pipelined behind the refused one is never served: its arrival ends the connection.
 */
import type { Socket } from 'node:net';

const LINGER_MS = 2_000;
const DISCARD_BYTES = 256 * 1024;

const hangingUp = new WeakSet<Socket>();

/** Arranges for `socket` to linger once the response now being written on it is over. */
export function hangUpAfterResponse(socket: Socket): void {
  if (hangingUp.has(socket)) return;
  hangingUp.add(socket);
  // node calls destroySoon once a `connection: close` response is written; its own version
  // destroys the socket as soon as the end is flushed, which is the reset described above.
  socket.destroySoon = () => {
    socket.end();
    // Nothing that arrives from now on is parsed: node's parser lets go of the socket when a
    // 'data' listener is added, and its own listener is removed first.
    socket.removeAllListeners('data');
    let discarded = 0;
    socket.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > DISCARD_BYTES) socket.pause();
    });
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}

/** True for a connection already refused: whatever else it sends is not a request to serve. */
export const isHangingUp = (socket: Socket): boolean => hangingUp.has(socket);
