/**
 * Lingering close, for the answers the server gives before reading a request's body (401, 429,
 * 404, 503). Closing a socket while the client's body is still arriving makes the kernel send a
 * reset, and a client that is still writing may then report ECONNRESET and lose the answer it
 * was sent: under load, a quarter of refused uploads saw no 401. So after the answer the socket
 * is half-closed, nothing more is read or parsed from it, and it is closed `LINGER_MS` later:
 * the client has that long to read its answer. What it still sends waits in the kernel's buffers
 * (reading it would cost memory and CPU for a client that is refused), so the close at the end
 * is still a reset for a client that has not closed by then.
 *
 * Requests the parser had already read behind the refused one are never served (http.ts).
 */
import type { Socket } from 'node:net';

const LINGER_MS = 2_000;

const hangingUp = new WeakSet<Socket>();

/** Arranges for `socket` to linger once the response now being written on it is over. */
export function hangUpAfterResponse(socket: Socket): void {
  if (hangingUp.has(socket)) return;
  hangingUp.add(socket);
  // node calls destroySoon once a `connection: close` response is written; its own version
  // destroys the socket as soon as the end is flushed, which is the reset described above.
  socket.destroySoon = () => {
    socket.end();
    // Stops reading the way node's server holds back a client that sends faster than it is
    // answered: its own 'pause' handler stops the socket, and the _paused flag keeps the request
    // node dumps after the answer from starting it again.
    (socket as Socket & { _paused?: boolean })._paused = true;
    socket.pause();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}

/** True for a connection already refused: whatever else it sends is not a request to serve. */
export const isHangingUp = (socket: Socket): boolean => hangingUp.has(socket);
