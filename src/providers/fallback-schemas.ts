// Request bodies and response parsing for the external fallback provider (api.md §8.8).
// Pure: no I/O. The three wire formats differ in field names and in what each provider
// documents as required, so each schema has its own body builder.
import type { FallbackSchema } from '../domain/apikey.js';
import type { RadioName } from '../domain/radio.js';

type Opt<T> = T | null | undefined;

/** The validated lookups the fallback needs; LocateQuery's lists fit these shapes. */
export interface OutboundWifi {
  mac: string;
  signal?: Opt<number>;
  age?: Opt<number>;
  channel?: Opt<number>;
  frequency?: Opt<number>;
  snr?: Opt<number>;
  ssid?: Opt<string>;
}
export interface OutboundBlue {
  mac: string;
  signal?: Opt<number>;
  age?: Opt<number>;
  name?: Opt<string>;
}
export interface OutboundCell {
  radio: RadioName;
  mcc: number;
  mnc: number;
  lac: number;
  cid: number;
  psc?: Opt<number>;
  age?: Opt<number>;
  signal?: Opt<number>;
  ta?: Opt<number>;
}
export interface OutboundQuery {
  lacf: boolean;
  wifi: readonly OutboundWifi[];
  blue: readonly OutboundBlue[];
  cells: readonly OutboundCell[];
}

export type JsonBody = Record<string, unknown>;

export interface OutboundRequest {
  url: string;
  body: JsonBody;
}

/** A provider's answer; `fallback` is kept only when it is "lacf" (§8.8). */
export interface ExternalResult {
  lat: number;
  lon: number;
  accuracy: number;
  fallback: 'lacf' | null;
}

export type ParsedResponse =
  | { kind: 'found'; result: ExternalResult }
  | { kind: 'notfound' }
  | { kind: 'error'; reason: string };

/** The reference's default when a key has no schema (§8.8). */
export const DEFAULT_SCHEMA: FallbackSchema = 'ichnaea/v1';

/** Drop null/undefined fields: the reference omits every empty field from the body [T]. */
export function compact(fields: Record<string, unknown>): JsonBody {
  const out: JsonBody = {};
  for (const [k, v] of Object.entries(fields)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** aabbccddeeff → aa:bb:cc:dd:ee:ff, the form Google and Unwired Labs document for MACs. */
export function colonMac(mac: string): string {
  return mac.match(/../g)?.join(':') ?? mac;
}

// The provider must not answer from the IP of this server, so ipf is always false (§8.8).
const fallbacks = (q: OutboundQuery) => ({ lacf: q.lacf, ipf: false });

/** ichnaea/v1 (also what Ichnos itself accepts): MACs as normalised 12 hex digits, as the reference [T]. */
export function ichnaeaBody(q: OutboundQuery): JsonBody {
  const body: JsonBody = { fallbacks: fallbacks(q) };
  if (q.blue.length) {
    body.bluetoothBeacons = q.blue.map((b) =>
      compact({ macAddress: b.mac, age: b.age, name: b.name, signalStrength: b.signal }),
    );
  }
  if (q.cells.length) {
    // NR goes out as radioType "nr" with the 36-bit NR cell identity in cellId (api.md §0.2).
    body.cellTowers = q.cells.map((c) =>
      compact({
        radioType: c.radio,
        mobileCountryCode: c.mcc,
        mobileNetworkCode: c.mnc,
        locationAreaCode: c.lac,
        cellId: c.cid,
        primaryScramblingCode: c.psc,
        age: c.age,
        signalStrength: c.signal,
        timingAdvance: c.ta,
      }),
    );
  }
  if (q.wifi.length) {
    // frequency is not sent in this schema [T].
    body.wifiAccessPoints = q.wifi.map((w) =>
      compact({
        macAddress: w.mac,
        age: w.age,
        channel: w.channel,
        signalStrength: w.signal,
        signalToNoiseRatio: w.snr,
        ssid: w.ssid,
      }),
    );
  }
  return body;
}

/**
 * googlemaps/v1: considerIp false, no fallbacks, no Bluetooth, no PSC, no SSID (§8.8). Google
 * rejects cellId for NR and wants the NR cell identity in `newRadioCellId`, and documents ':'
 * as the MAC separator, so Ichnos sends both that way (the reference predates NR).
 */
export function googleBody(q: OutboundQuery): JsonBody {
  const body: JsonBody = { considerIp: false };
  if (q.cells.length) {
    body.cellTowers = q.cells.map((c) =>
      compact({
        radioType: c.radio,
        mobileCountryCode: c.mcc,
        mobileNetworkCode: c.mnc,
        locationAreaCode: c.lac,
        cellId: c.radio === 'nr' ? undefined : c.cid,
        newRadioCellId: c.radio === 'nr' ? c.cid : undefined,
        age: c.age,
        signalStrength: c.signal,
        timingAdvance: c.ta,
      }),
    );
  }
  if (q.wifi.length) {
    body.wifiAccessPoints = q.wifi.map((w) =>
      compact({
        macAddress: colonMac(w.mac),
        age: w.age,
        channel: w.channel,
        signalStrength: w.signal,
        signalToNoiseRatio: w.snr,
      }),
    );
  }
  return body;
}

/** Unwired Labs names 3G "umts"; the other radio names are the same as ours. */
const UNWIRED_RADIO: Readonly<Record<RadioName, string>> = { gsm: 'gsm', wcdma: 'umts', lte: 'lte', nr: 'nr' };

/** unwiredlabs/v1: token in the body, short field names, no Bluetooth and no ages (§8.8). */
export function unwiredBody(q: OutboundQuery, token: string | null): JsonBody {
  const body: JsonBody = compact({ token, fallbacks: fallbacks(q) });
  if (q.cells.length) {
    // `asu` is part of the reference's schema but Ichnos lookups carry no ASU: never sent.
    body.cells = q.cells.map((c) =>
      compact({
        radio: UNWIRED_RADIO[c.radio],
        mcc: c.mcc,
        mnc: c.mnc,
        lac: c.lac,
        cid: c.cid,
        signal: c.signal,
        tA: c.ta,
        psc: c.psc,
      }),
    );
  }
  if (q.wifi.length) {
    body.wifi = q.wifi.map((w) =>
      compact({
        bssid: colonMac(w.mac),
        channel: w.channel,
        frequency: w.frequency,
        signal: w.signal,
        signalToNoiseRatio: w.snr,
      }),
    );
  }
  return body;
}

/** Unwired Labs keys are configured as `<url>#<token>`: split at the first '#' (§8.8). */
export function splitToken(url: string): { url: string; token: string | null } {
  const at = url.indexOf('#');
  if (at < 0) return { url, token: null };
  return { url: url.slice(0, at), token: url.slice(at + 1) };
}

/** The URL and body to POST for a key's schema (null schema = ichnaea/v1). */
export function buildRequest(schema: FallbackSchema | null, url: string, q: OutboundQuery): OutboundRequest {
  switch (schema ?? DEFAULT_SCHEMA) {
    case 'googlemaps/v1':
      return { url, body: googleBody(q) };
    case 'unwiredlabs/v1': {
      const split = splitToken(url);
      return { url: split.url, body: unwiredBody(q, split.token) };
    }
    default:
      return { url, body: ichnaeaBody(q) };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validate one position: finite numbers, lat/lon on the globe, a non-negative accuracy. */
export function checkResult(lat: unknown, lon: unknown, accuracy: unknown, fallback: unknown): ExternalResult | null {
  if (!isNum(lat) || !isNum(lon) || !isNum(accuracy)) return null;
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180 || accuracy < 0) return null;
  return { lat, lon, accuracy, fallback: fallback === 'lacf' ? 'lacf' : null };
}

/** `{"location":{"lat","lng"},"accuracy","fallback"?}` — ichnaea/v1 and googlemaps/v1. */
export function parseIchnaeaResult(data: unknown): ParsedResponse {
  if (!isRecord(data) || !isRecord(data.location)) return { kind: 'error', reason: 'schema' };
  const result = checkResult(data.location.lat, data.location.lng, data.accuracy, data.fallback);
  return result ? { kind: 'found', result } : { kind: 'error', reason: 'schema' };
}

/** `{"status":"ok","lat","lon","accuracy"}`; Unwired Labs answers 200 with status "error" for failures. */
export function parseUnwiredResult(data: unknown): ParsedResponse {
  if (!isRecord(data) || typeof data.status !== 'string') return { kind: 'error', reason: 'schema' };
  if (data.status !== 'ok') {
    return data.message === 'No matches found' ? { kind: 'notfound' } : { kind: 'error', reason: 'status' };
  }
  const result = checkResult(data.lat, data.lon, data.accuracy, data.fallback);
  return result ? { kind: 'found', result } : { kind: 'error', reason: 'schema' };
}

/**
 * Interpret an HTTP answer: 404 is a (cacheable) not-found; any other non-2xx, invalid JSON or
 * a body of the wrong shape is no result (§8.8).
 */
export function parseResponse(schema: FallbackSchema | null, status: number, text: string): ParsedResponse {
  if (status === 404) return { kind: 'notfound' };
  if (status < 200 || status > 299) return { kind: 'error', reason: `status ${status}` };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: 'error', reason: 'json' };
  }
  return schema === 'unwiredlabs/v1' ? parseUnwiredResult(data) : parseIchnaeaResult(data);
}
