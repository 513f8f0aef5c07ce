// Locate/region request validation (api.md §3.1, with Ichnos's differences §0): stage 1 checks
// types (a wrong type fails the request, errors keyed by dotted path); stage 2 drops bad values
// and entries silently. Never throws.
import { inRange, MAX_TIMING_ADVANCE, PSC_RANGE, SIGNAL_RANGE, validCid, validLac, validMnc } from '../domain/cell.js';
import { channelFromFrequency, frequencyFromChannel, isOptOutSsid, normalizeMac } from '../domain/mac.js';
import { parseRadio, type RadioName } from '../domain/radio.js';

export interface WifiLookup { mac: string; signal?: number; age?: number; channel?: number; frequency?: number; snr?: number; ssid?: string }
export interface BlueLookup { mac: string; signal?: number; age?: number; name?: string }
export interface CellLookup { radio: RadioName; mcc: number; mnc: number; lac: number; cid: number; psc?: number; age?: number; signal?: number; ta?: number }
export interface AreaLookup { radio: RadioName; mcc: number; mnc: number; lac: number; age?: number; signal?: number }
export interface LocateQuery {
  ipf: boolean;
  lacf: boolean;
  wifi: WifiLookup[];
  blue: BlueLookup[];
  cells: CellLookup[];
  areas: AreaLookup[];
  carrier?: string;
  homeMcc?: number;
  homeMnc?: number;
}
export type ParseResult = { ok: true; query: LocateQuery } | { ok: false; validation: Record<string, string> };

// A hostile request must not make the station queries huge: keep the strongest entries.
const MAX_ENTRIES = 100;
const AGE_RANGE = [-3_600_000, 3_600_000] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Issues {
  readonly errors: Record<string, string> = {};
  add(path: string, msg: string): void {
    if (Object.keys(this.errors).length < 50) this.errors[path] = msg;
  }
}

/** Colander-like integer: numbers truncate, numeric strings and booleans coerce; null/"" absent. */
function int(o: Obj, field: string, path: string, issues: Issues): number | undefined {
  const v = o[field];
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v === 'string' && /^\s*[-+]?\d+(\.\d+)?\s*$/.test(v)) return Math.trunc(Number(v));
  issues.add(path, `"${String(v).slice(0, 40)}" is not a number`);
  return undefined;
}

function str(o: Obj, field: string, path: string, issues: Issues): string | undefined {
  const v = o[field];
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'string') return v;
  issues.add(path, `${JSON.stringify(v)?.slice(0, 40)} is not a string`);
  return undefined;
}

/** false only for false, 0, "false", "0"; everything else true (§3.1 [Q]). */
function bool(v: unknown, def: boolean): boolean {
  if (v === undefined) return def;
  if (v === false || v === 0) return false;
  if (typeof v === 'string' && ['false', '0'].includes(v.trim().toLowerCase())) return false;
  return true;
}

function list(o: Obj, field: string, issues: Issues): Obj[] {
  const v = o[field];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    issues.add(field, `${JSON.stringify(v)?.slice(0, 40)} is not iterable`);
    return [];
  }
  const out: Obj[] = [];
  v.forEach((e, i) => {
    if (isObj(e)) out.push(e);
    else issues.add(`${field}.${i}`, `${JSON.stringify(e)?.slice(0, 40)} is not a mapping type`);
  });
  return out;
}

const opt = (v: number | undefined, range: readonly [number, number]): number | undefined => (inRange(v, range) ? v : undefined);

function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

/** Keep the earlier entry if it is better in any comparable field (§3.1), else the later. */
function dedupe<T>(items: T[], key: (t: T) => string, better: (a: T, b: T) => boolean): T[] {
  const byKey = new Map<string, T>();
  for (const it of items) {
    const k = key(it);
    const prev = byKey.get(k);
    if (!prev || !better(prev, it)) byKey.set(k, it);
  }
  return [...byKey.values()];
}

const gt = (a: number | undefined, b: number | undefined) => a !== undefined && (b === undefined || a > b);
const lt = (a: number | undefined, b: number | undefined) => a !== undefined && (b === undefined || a < b);

function strongest<T extends { signal?: number }>(items: T[]): T[] {
  if (items.length <= MAX_ENTRIES) return items;
  return [...items].sort((a, b) => (b.signal ?? -1000) - (a.signal ?? -1000)).slice(0, MAX_ENTRIES);
}

function parseWifi(entries: Obj[], issues: Issues): WifiLookup[] {
  const out: WifiLookup[] = [];
  entries.forEach((e, i) => {
    const p = `wifiAccessPoints.${i}`;
    const macRaw = str(e, 'macAddress', `${p}.macAddress`, issues);
    let channel = opt(int(e, 'channel', `${p}.channel`, issues), [1, 199]);
    let frequency = opt(int(e, 'frequency', `${p}.frequency`, issues), [2400, 5999]);
    const w: WifiLookup = {
      mac: '',
      age: opt(int(e, 'age', `${p}.age`, issues), AGE_RANGE),
      signal: opt(int(e, 'signalStrength', `${p}.signalStrength`, issues), [-100, -10]),
      snr: opt(int(e, 'signalToNoiseRatio', `${p}.signalToNoiseRatio`, issues), [1, 100]),
      ssid: str(e, 'ssid', `${p}.ssid`, issues),
    };
    const mac = normalizeMac(macRaw);
    if (!mac || isOptOutSsid(w.ssid)) return;
    if (channel !== undefined && frequency === undefined) frequency = frequencyFromChannel(channel);
    else if (frequency !== undefined && channel === undefined) channel = channelFromFrequency(frequency);
    out.push(stripUndefined({ ...w, mac, channel, frequency }));
  });
  const unique = dedupe(out, (w) => w.mac, (a, b) => gt(a.signal, b.signal) || gt(a.snr, b.snr) || lt(a.age, b.age));
  return unique.length >= 2 ? strongest(unique) : [];
}

function parseBlue(entries: Obj[], issues: Issues): BlueLookup[] {
  const out: BlueLookup[] = [];
  entries.forEach((e, i) => {
    const p = `bluetoothBeacons.${i}`;
    const mac = normalizeMac(str(e, 'macAddress', `${p}.macAddress`, issues));
    const b: BlueLookup = {
      mac: mac ?? '',
      age: opt(int(e, 'age', `${p}.age`, issues), AGE_RANGE),
      signal: opt(int(e, 'signalStrength', `${p}.signalStrength`, issues), [-127, 0]),
      name: str(e, 'name', `${p}.name`, issues),
    };
    if (mac) out.push(stripUndefined(b));
  });
  const unique = dedupe(out, (b) => b.mac, (a, b) => gt(a.signal, b.signal) || lt(a.age, b.age));
  return unique.length >= 2 ? strongest(unique) : [];
}

function parseCells(entries: Obj[], topRadio: unknown, isValidMcc: (mcc: number) => boolean, issues: Issues) {
  const cells: CellLookup[] = [];
  const areas: AreaLookup[] = [];
  entries.forEach((e, i) => {
    const p = `cellTowers.${i}`;
    const mcc = int(e, 'mobileCountryCode', `${p}.mobileCountryCode`, issues);
    const mnc = int(e, 'mobileNetworkCode', `${p}.mobileNetworkCode`, issues);
    const lac = int(e, 'locationAreaCode', `${p}.locationAreaCode`, issues);
    const nci = int(e, 'newRadioCellId', `${p}.newRadioCellId`, issues);
    let cid = int(e, 'cellId', `${p}.cellId`, issues) ?? nci;
    const age = opt(int(e, 'age', `${p}.age`, issues), AGE_RANGE);
    const pscRaw = int(e, 'primaryScramblingCode', `${p}.primaryScramblingCode`, issues) ?? int(e, 'psc', `${p}.psc`, issues);
    const signalRaw = int(e, 'signalStrength', `${p}.signalStrength`, issues);
    const taRaw = int(e, 'timingAdvance', `${p}.timingAdvance`, issues);
    const radioField = e.radioType;
    if (radioField !== undefined && radioField !== null && typeof radioField !== 'string') {
      issues.add(`${p}.radioType`, `${JSON.stringify(radioField)} is not a string`);
      return;
    }
    // §0.1: case-insensitive, umts = wcdma, unknown names drop the cell; per-cell wins.
    let radio = parseRadio(radioField || (nci !== undefined ? 'nr' : undefined) || topRadio);
    if (!radio || radio === 'cdma') return;
    if (mcc === undefined || !isValidMcc(mcc) || !validMnc(mnc)) return;
    // A GSM cell id beyond 16 bits is a WCDMA cell reported as GSM (§3.1).
    if (radio === 'gsm' && cid !== undefined && cid > 0xffff) radio = 'wcdma';
    if (!validLac(radio, lac)) return;
    const signal = opt(signalRaw, SIGNAL_RANGE[radio]);
    areas.push(stripUndefined({ radio, mcc, mnc, lac, age, signal }));
    if (!validCid(radio, cid)) cid = undefined;
    if (cid === undefined) return;
    cells.push(
      stripUndefined({
        radio,
        mcc,
        mnc,
        lac,
        cid,
        age,
        signal,
        psc: opt(pscRaw, PSC_RANGE[radio]),
        ta: radio === 'wcdma' ? undefined : opt(taRaw, [0, MAX_TIMING_ADVANCE]),
      }),
    );
  });
  const cellBetter = (a: CellLookup, b: CellLookup) => lt(a.ta, b.ta) || gt(a.signal, b.signal) || lt(a.age, b.age);
  const areaBetter = (a: AreaLookup, b: AreaLookup) => gt(a.signal, b.signal) || lt(a.age, b.age);
  return {
    cells: strongest(dedupe(cells, (c) => `${c.radio}:${c.mcc}:${c.mnc}:${c.lac}:${c.cid}`, cellBetter)),
    areas: strongest(dedupe(areas, (a) => `${a.radio}:${a.mcc}:${a.mnc}:${a.lac}`, areaBetter)),
  };
}

export function parseLocateRequest(body: unknown, isValidMcc: (mcc: number) => boolean): ParseResult {
  try {
    if (!isObj(body)) return { ok: false, validation: { '': `${JSON.stringify(body)?.slice(0, 40)} is not a mapping type` } };
    const issues = new Issues();
    const fallbacks = body.fallbacks;
    let ipf: boolean;
    let lacf: boolean;
    if (fallbacks === undefined) {
      ipf = bool(body.considerIp, true);
      lacf = true;
    } else if (isObj(fallbacks)) {
      // With a fallbacks object, considerIp is ignored and each flag defaults to true (§3.1 [T]).
      ipf = bool(fallbacks.ipf, true);
      lacf = bool(fallbacks.lacf, true);
    } else {
      issues.add('fallbacks', `${JSON.stringify(fallbacks)?.slice(0, 40)} is not a mapping type`);
      ipf = lacf = true;
    }
    const carrier = str(body, 'carrier', 'carrier', issues);
    const homeMcc = int(body, 'homeMobileCountryCode', 'homeMobileCountryCode', issues);
    const homeMnc = int(body, 'homeMobileNetworkCode', 'homeMobileNetworkCode', issues);
    const topRadio = typeof body.radioType === 'string' ? body.radioType : undefined;
    if (body.radioType !== undefined && body.radioType !== null && typeof body.radioType !== 'string') {
      issues.add('radioType', `${JSON.stringify(body.radioType)} is not a string`);
    }
    const wifi = parseWifi(list(body, 'wifiAccessPoints', issues), issues);
    const blue = parseBlue(list(body, 'bluetoothBeacons', issues), issues);
    const { cells, areas } = parseCells(list(body, 'cellTowers', issues), topRadio, isValidMcc, issues);
    if (Object.keys(issues.errors).length) return { ok: false, validation: issues.errors };
    const query: LocateQuery = { ipf, lacf, wifi, blue, cells, areas };
    if (carrier !== undefined) query.carrier = carrier;
    if (homeMcc !== undefined) query.homeMcc = homeMcc;
    if (homeMnc !== undefined) query.homeMnc = homeMnc;
    return { ok: true, query };
  } catch (err) {
    // Defensive: nothing a client sends may become a 500.
    return { ok: false, validation: { '': `invalid request: ${(err as Error).message}` } };
  }
}

/** Whether the query has network data the internal source can search. */
export function hasNetworkData(q: LocateQuery): boolean {
  return q.wifi.length > 0 || q.blue.length > 0 || q.cells.length > 0 || (q.lacf && q.areas.length > 0);
}
