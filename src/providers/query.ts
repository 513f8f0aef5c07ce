// A locate or region request validated once into a LocateQuery (api.md §3.1, §4), pure. Stage 1
// (query-coerce.ts) fails the request on a wrong JSON type; stage 2 here drops every entry that
// is not a usable lookup, silently, and keeps the best of duplicates. Where Ichnos differs from
// the reference (api.md §0): radio names in any case, `umts` = `wcdma`, unknown radio or `cdma`
// drops the cell, 5G NR, `psc` read like `primaryScramblingCode`, `_nomap`/`_optout` SSIDs dropped.
import {
  inRange,
  MAX_CID_GSM,
  MAX_TIMING_ADVANCE,
  PSC_RANGE,
  SIGNAL_RANGE,
  validCid,
  validLac,
  validMnc,
} from '../domain/cell.js';
import { areaKeyString, cellKeyString } from '../domain/ids.js';
import { channelFromFrequency, frequencyFromChannel, isOptOutSsid, normalizeMac } from '../domain/mac.js';
import { parseRadio, type RadioName } from '../domain/radio.js';
import { Issues, type RawBlue, type RawCell, type RawRequest, type RawWifi, readRequest } from './query-coerce.js';

export interface WifiLookup { mac: string; signal?: number; age?: number; channel?: number; frequency?: number; snr?: number; ssid?: string }
export interface BlueLookup { mac: string; signal?: number; age?: number; name?: string }
export interface CellLookup { radio: RadioName; mcc: number; mnc: number; lac: number; cid: number; psc?: number; age?: number; signal?: number; ta?: number }
export interface AreaLookup { radio: RadioName; mcc: number; mnc: number; lac: number; age?: number; signal?: number }
export interface LocateQuery { ipf: boolean; lacf: boolean; wifi: WifiLookup[]; blue: BlueLookup[]; cells: CellLookup[]; areas: AreaLookup[]; carrier?: string; homeMcc?: number; homeMnc?: number }
export type ParseResult = { ok: true; query: LocateQuery } | { ok: false; validation: Record<string, string> };

/**
 * Ichnos's own bound, not the reference's: after de-duplication at most this many lookups of a
 * kind are kept, those with the strongest signals, so a hostile 100 000-entry request cannot
 * turn into a huge station query. Real clients send a few dozen at most.
 */
export const MAX_LOOKUPS = 100;
/** WiFi and Bluetooth need 2 distinct valid networks, else the whole kind is ignored (§3.1 [T]). */
export const MIN_NETWORKS = 2;

type Range = readonly [number, number];
const AGE: Range = [-3_600_000, 3_600_000];
const WIFI_CHANNEL: Range = [1, 199];
const WIFI_FREQUENCY: Range = [2400, 5999];
const WIFI_SIGNAL: Range = [-100, -10];
const WIFI_SNR: Range = [1, 100];
const BLUE_SIGNAL: Range = [-127, 0];
const TA: Range = [0, MAX_TIMING_ADVANCE];

/** An optional field kept only when in range (out of range ⇒ the field is dropped, the entry kept). */
function within(value: number | undefined, range: Range): number | undefined {
  return inRange(value, range) ? value : undefined;
}

/** Sets an optional field only when it has a value: lookups carry only what the client really sent. */
function put<T, K extends keyof T>(o: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) o[key] = value;
}

function validWifi(w: RawWifi): WifiLookup | null {
  const mac = normalizeMac(w.macAddress);
  if (mac === null) return null;
  let channel = within(w.channel, WIFI_CHANNEL);
  let frequency = within(w.frequency, WIFI_FREQUENCY);
  // Exactly one given ⇒ the other is derived; both given ⇒ kept as given (§3.1 [T]).
  if (channel === undefined && frequency !== undefined) channel = channelFromFrequency(frequency);
  else if (frequency === undefined && channel !== undefined) frequency = frequencyFromChannel(channel);
  const out: WifiLookup = { mac };
  put(out, 'signal', within(w.signalStrength, WIFI_SIGNAL));
  put(out, 'age', within(w.age, AGE));
  put(out, 'channel', channel);
  put(out, 'frequency', frequency);
  put(out, 'snr', within(w.signalToNoiseRatio, WIFI_SNR));
  put(out, 'ssid', w.ssid);
  return out;
}

function validBlue(b: RawBlue): BlueLookup | null {
  const mac = normalizeMac(b.macAddress);
  if (mac === null) return null;
  const out: BlueLookup = { mac };
  put(out, 'signal', within(b.signalStrength, BLUE_SIGNAL));
  put(out, 'age', within(b.age, AGE));
  put(out, 'name', b.name);
  return out;
}

/** A comparable field and whether a higher value is the better one. */
type Comparator<T> = readonly [get: (e: T) => number | undefined, higherIsBetter: boolean];

const WIFI_BETTER: ReadonlyArray<Comparator<WifiLookup>> = [
  [(w) => w.signal, true],
  [(w) => w.snr, true],
  [(w) => w.age, false],
];
const BLUE_BETTER: ReadonlyArray<Comparator<BlueLookup>> = [
  [(b) => b.signal, true],
  [(b) => b.age, false],
];
// The reference also compares asu, which geolocate never reads.
const CELL_BETTER: ReadonlyArray<Comparator<{ ta?: number; signal?: number; age?: number }>> = [
  [(c) => c.ta, false],
  [(c) => c.signal, true],
  [(c) => c.age, false],
];

/** The reference's `better` (§3.1): the kept entry wins if it is better in ANY field both have. */
function better<T>(kept: T, next: T, comparators: ReadonlyArray<Comparator<T>>): boolean {
  for (const [get, higher] of comparators) {
    const a = get(kept);
    const b = get(next);
    if (a !== undefined && b !== undefined && (higher ? a > b : a < b)) return true;
  }
  return false;
}

/** One entry per key; a later duplicate replaces the kept one unless that one is better (§3.1). */
function dedupe<T>(entries: Iterable<T>, key: (e: T) => string, comparators: ReadonlyArray<Comparator<T>>): T[] {
  // A Map keeps a replaced entry at its first position, as the reference's OrderedDict does.
  const byKey = new Map<string, T>();
  for (const e of entries) {
    const k = key(e);
    const kept = byKey.get(k);
    if (kept === undefined || !better(kept, e, comparators)) byKey.set(k, e);
  }
  return [...byKey.values()];
}

const NO_SIGNAL = -1000;

/** At most MAX_LOOKUPS entries, the strongest signals (ties: earlier first), in their request order. */
function strongest<T extends { signal?: number }>(entries: T[]): T[] {
  if (entries.length <= MAX_LOOKUPS) return entries;
  const ranked = entries.map((e, i) => [e.signal ?? NO_SIGNAL, i] as const);
  ranked.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const keep = new Set(ranked.slice(0, MAX_LOOKUPS).map(([, i]) => i));
  return entries.filter((_, i) => keep.has(i));
}

function wifiLookups(raw: RawWifi[]): WifiLookup[] {
  const valid: WifiLookup[] = [];
  // api.md §0.6: an opted-out network is dropped, also when another copy comes without the SSID.
  const optedOut = new Set<string>();
  for (const w of raw) {
    const v = validWifi(w);
    if (v === null) continue;
    if (isOptOutSsid(v.ssid)) optedOut.add(v.mac);
    else valid.push(v);
  }
  const unique = dedupe(
    valid.filter((w) => !optedOut.has(w.mac)),
    (w) => w.mac,
    WIFI_BETTER,
  );
  return unique.length < MIN_NETWORKS ? [] : strongest(unique);
}

function blueLookups(raw: RawBlue[]): BlueLookup[] {
  const valid = raw.map(validBlue).filter((b): b is BlueLookup => b !== null);
  const unique = dedupe(valid, (b) => b.mac, BLUE_BETTER);
  return unique.length < MIN_NETWORKS ? [] : strongest(unique);
}

/** Age, signal and timing advance as valid for `radio` (§3.1): out of range ⇒ dropped. */
function putMeasurements(out: { age?: number; signal?: number; ta?: number }, radio: RadioName, c: RawCell): void {
  put(out, 'age', within(c.age, AGE));
  put(out, 'signal', within(c.signalStrength, SIGNAL_RANGE[radio]));
  // WCDMA has no timing advance (the reference always nulls it).
  if (radio !== 'wcdma') put(out, 'ta', within(c.timingAdvance, TA));
}

/**
 * The cell's radio and identity, or null. `cellId` comes first, then Google's `newRadioCellId`
 * (api.md §0.2). A GSM cell id above 16 bits is a UMTS cell the client mislabelled: the cell
 * lookup (not the area) is re-labelled WCDMA (§3.1).
 */
function cellIdentity(radio: RadioName, c: RawCell): { radio: RadioName; cid: number } | null {
  for (const cid of [c.cellId, c.newRadioCellId]) {
    if (cid === undefined) continue;
    const relabelled: RadioName = radio === 'gsm' && cid > MAX_CID_GSM ? 'wcdma' : radio;
    if (validCid(relabelled, cid)) return { radio: relabelled, cid };
  }
  return null;
}

/** An area lookup with the timing advance it is compared by (not part of AreaLookup). */
type AreaCandidate = AreaLookup & { ta?: number };

function cellLookups(
  raw: RawCell[],
  topRadio: string | undefined,
  isValidMcc: (mcc: number) => boolean,
): { cells: CellLookup[]; areas: AreaLookup[] } {
  const cells: CellLookup[] = [];
  const areas: AreaCandidate[] = [];
  for (const c of raw) {
    // The top-level radioType is every cell's default (§3.1), except that Google's API has no
    // per-cell radio and marks NR cells by `newRadioCellId` (§0.2). Unknown names and cdma drop the cell (§0.1).
    const radio = parseRadio(c.radioType ?? (c.newRadioCellId !== undefined ? 'nr' : topRadio));
    if (radio === undefined || radio === 'cdma') continue;
    const { mobileCountryCode: mcc, mobileNetworkCode: mnc, locationAreaCode: lac } = c;
    if (mcc === undefined || !Number.isInteger(mcc) || !isValidMcc(mcc)) continue;
    if (!validMnc(mnc) || !validLac(radio, lac)) continue;
    const area: AreaCandidate = { radio, mcc, mnc, lac };
    putMeasurements(area, radio, c);
    areas.push(area);
    const id = cellIdentity(radio, c);
    if (id === null) continue;
    const cell: CellLookup = { radio: id.radio, mcc, mnc, lac, cid: id.cid };
    // Either name; primaryScramblingCode wins when both are given (api.md §0.3).
    put(cell, 'psc', within(c.primaryScramblingCode ?? c.psc, PSC_RANGE[id.radio]));
    putMeasurements(cell, id.radio, c);
    cells.push(cell);
  }
  return {
    cells: strongest(dedupe(cells, cellKeyString, CELL_BETTER)),
    areas: strongest(dedupe(areas, areaKeyString, CELL_BETTER)).map(({ ta: _, ...a }) => a),
  };
}

/** Stage 2: the usable lookups of a well-typed request. */
function toQuery(raw: RawRequest, isValidMcc: (mcc: number) => boolean): LocateQuery {
  // No `fallbacks` ⇒ lacf on and ipf = considerIp; with `fallbacks`, considerIp is ignored (§3.1 [T]).
  const { lacf, ipf } = raw.fallbacks ?? { lacf: true, ipf: raw.considerIp };
  const query: LocateQuery = {
    ipf,
    lacf,
    wifi: wifiLookups(raw.wifi),
    blue: blueLookups(raw.blue),
    ...cellLookups(raw.cells, raw.radioType, isValidMcc),
  };
  if (raw.carrier !== undefined) query.carrier = raw.carrier;
  // Passed on to an external fallback only; a number JSON cannot carry exactly is no code.
  if (Number.isSafeInteger(raw.homeMobileCountryCode)) query.homeMcc = raw.homeMobileCountryCode;
  if (Number.isSafeInteger(raw.homeMobileNetworkCode)) query.homeMnc = raw.homeMobileNetworkCode;
  return query;
}

/**
 * Validate a decoded locate/region body (`undefined` = empty body = `{}`, api.md §2.4). Wrong
 * JSON types ⇒ `{ok: false, validation}` keyed by dotted path; everything else is a query.
 * Never throws: whatever happens is a 400, not a 500.
 */
export function parseLocateRequest(body: unknown, isValidMcc: (mcc: number) => boolean): ParseResult {
  try {
    const issues = new Issues();
    const raw = readRequest(body === undefined ? {} : body, issues);
    if (issues.any) return { ok: false, validation: issues.errors };
    return { ok: true, query: toQuery(raw, isValidMcc) };
  } catch (err) {
    // Unreachable on JSON values (nothing recurses into client data); a 400 beats a 500.
    return { ok: false, validation: { '': `unreadable request: ${err instanceof Error ? err.message : 'error'}` } };
  }
}

/** Whether the query holds any usable network data (areas count only with lacf). */
export function hasNetworkData(q: LocateQuery): boolean {
  return q.wifi.length > 0 || q.blue.length > 0 || q.cells.length > 0 || (q.lacf && q.areas.length > 0);
}
