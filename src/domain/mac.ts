// MAC address rules shared by locate and the pipeline (api.md §3.1 stage 2).
import type { Mac } from './ids.js';

const INVALID_MACS: ReadonlySet<string> = new Set([
  '000000000000',
  'ffffffffffff',
  // the documentation test MAC the reference rejects
  '01005e901000',
]);

const HEX12 = /^[0-9a-f]{12}$/;

/**
 * Normalise a client MAC: `:`, `-` and `.` removed, lowercased; must then be 12 hex chars and
 * not one of the invalid MACs. Multicast/locally administered bits are not checked (as the reference).
 */
export function normalizeMac(value: unknown): Mac | null {
  if (typeof value !== 'string') return null;
  const mac = value.replace(/[:.-]/g, '').toLowerCase();
  if (!HEX12.test(mac) || INVALID_MACS.has(mac)) return null;
  return mac;
}

/** True when the SSID says its owner opted out of location services (api.md §0.6). */
export function isOptOutSsid(ssid: string | undefined | null): boolean {
  if (!ssid) return false;
  return ssid.endsWith('_nomap') || ssid.endsWith('_optout');
}

/** WiFi channel from a frequency in MHz (api.md §3.1), or undefined when it maps to none. */
export function channelFromFrequency(freq: number): number | undefined {
  if (freq >= 2412 && freq <= 2472) return Math.trunc((freq - 2407) / 5);
  if (freq === 2484) return 14;
  if (freq >= 4915 && freq <= 4995) return Math.trunc((freq - 4000) / 5);
  if (freq >= 5075 && freq <= 5925) return Math.trunc((freq - 5000) / 5);
  return undefined;
}

/** WiFi frequency in MHz from a channel (api.md §3.1), or undefined when out of range. */
export function frequencyFromChannel(channel: number): number | undefined {
  if (channel >= 1 && channel <= 13) return 2407 + 5 * channel;
  if (channel === 14) return 2484;
  if (channel >= 15 && channel <= 185) return 5000 + 5 * channel;
  if (channel >= 186 && channel <= 199) return 4000 + 5 * channel;
  return undefined;
}
