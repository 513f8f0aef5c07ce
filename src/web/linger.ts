// Answering before the request body has arrived whole (413, a parse error found mid-body, a bad
// key): the rest of the body must not be read as the next request, nor read on and on. A small
// rest (declared length ≤ SMALL_REST_BYTES) is read and dropped, and the connection stays open.
// Otherwise the answer says Connection: close — and, like nginx's lingering close, the server
// then drops what the client is still sending for a short while instead of resetting the
// connection at once: a reset can destroy the answer in the client's receive buffer before the
// client has read it.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export const LINGER_MS = 2000;
export const SMALL_REST_BYTES = 64 * 1024;

/** Call before answering a request whose body is not complete; true when the answer must close. */
export function afterEarlyAnswer(req: IncomingMessage, ms = LINGER_MS): boolean {
  // Whatever still arrives is read and dropped (not parsed as a request, not buffered).
  req.unpipe();
  req.resume();
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared <= SMALL_REST_BYTES) return false;
  const socket = req.socket as Socket & { destroySoon?: () => void };
  // Node's http server calls destroySoon() once a Connection: close answer is written; the
  // default destroys the socket right after the FIN, with the client's data still unread.
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), ms);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
  return true;
}
