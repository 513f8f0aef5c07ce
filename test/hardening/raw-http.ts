// Raw HTTP/1.1 over a socket, for what fetch cannot do: keep sending a body after the server has
// answered, trickle bytes, and tell whether the server answered or closed before the client was
// done. Also the process memory reading the body-limit tests use.
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RawResult {
  /** Everything the server sent, as Latin-1. */
  response: string;
  /** Bytes the client wrote (headers included) before it stopped or the connection ended. */
  sent: number;
  /** The client stopped because the server answered or closed, not because it had sent it all. */
  cutShort: boolean;
}

export interface RawOptions {
  url: string;
  /** Request line and headers without the final empty line, e.g. ['POST /x HTTP/1.1', 'Host: a']. */
  head: string[];
  /** Produces the body chunk by chunk; a falsy value ends the body. */
  chunks: () => Buffer | null;
  /** Pause between chunks (a trickling client); 0 writes as fast as the socket takes them. */
  delayMs?: number;
  /** Trickle the head too, byte by byte with delayMs between (a slow-header client). */
  slowHead?: boolean;
  /** Give up waiting for an answer after this long once everything is sent. */
  waitMs?: number;
}

export async function rawRequest(opts: RawOptions): Promise<RawResult> {
  const { hostname, port } = new URL(opts.url);
  const socket: Socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let response = '';
  let ended = false;
  socket.on('data', (d: Buffer) => {
    response += d.toString('latin1');
  });
  socket.on('error', () => {
    ended = true;
  });
  socket.on('close', () => {
    ended = true;
  });
  const stop = () => ended || response.length > 0;
  let sent = 0;
  const write = async (b: Buffer) => {
    if (stop()) return;
    sent += b.length;
    if (!socket.write(b)) await Promise.race([new Promise((r) => socket.once('drain', r)), new Promise((r) => socket.once('close', r))]);
  };
  const head = Buffer.from(`${opts.head.join('\r\n')}\r\n\r\n`, 'latin1');
  if (opts.slowHead) {
    for (let i = 0; i < head.length && !stop(); i++) {
      await write(head.subarray(i, i + 1));
      await sleep(opts.delayMs ?? 0);
    }
  } else {
    await write(head);
  }
  for (let chunk = opts.chunks(); chunk && !stop(); chunk = opts.chunks()) {
    await write(chunk);
    if (opts.delayMs) await sleep(opts.delayMs);
  }
  const cutShort = stop();
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  while (!ended && Date.now() < deadline && !/\r\n\r\n/.test(response)) await sleep(20);
  socket.destroy();
  return { response, sent, cutShort };
}

/** HTTP chunked framing of one chunk. */
export function chunked(b: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
}

/** VmRSS and VmHWM (peak) of a process, bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Reset a process's peak RSS to its current RSS (Linux ≥ 4.0); false when not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
