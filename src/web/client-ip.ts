// The client's IP (api.md §2.7): the first X-Forwarded-For entry when proxies are trusted,
// else the socket peer. Unparseable ⇒ null (no GeoIP).
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

export function clientIp(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const xff = req.headers['x-forwarded-for'];
    const header = Array.isArray(xff) ? xff[0] : xff;
    if (header !== undefined) return normalizeIp(header.split(',')[0]?.trim() ?? '');
  }
  return normalizeIp(req.socket.remoteAddress ?? '');
}

export function normalizeIp(raw: string): string | null {
  // Most addresses are already plain IPv4 (one check, no regular expressions).
  if (isIP(raw) === 4) return raw;
  let ip = raw.trim();
  // "[::1]:1234" and "1.2.3.4:5678" forms some proxies send
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracket) ip = bracket[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'));
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  return isIP(ip) ? ip : null;
}
