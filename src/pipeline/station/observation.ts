// Per-station observations: a queued report, validated (pipeline.md "Observation validation") and
// split into one observation per WiFi network, Bluetooth beacon and cell, each with its weight.
// Observations travel through Redis as JSON, so they hold only numbers, strings and nulls.
import { MAX_CID_GSM, PSC_RANGE, SIGNAL_RANGE, inRange, validCid, validLac, validMnc } from '../../domain/cell.js';
import { type CellKey, cellKeyString, type Mac } from '../../domain/ids.js';
import { isOptOutSsid, normalizeMac } from '../../domain/mac.js';
import type { RadioName } from '../../domain/radio.js';
import type { QueuedReport, ReportBlue, ReportCell, ReportWifi } from '../../domain/report.js';
import type { StationSource } from '../../domain/station.js';
import { WIFI_SIGNAL_RANGE, observationWeight } from './weight.js';

/** Region shapes and the MCC table, injected (src/geo/regions.ts and src/geo/mcc.ts provide them). */
export interface RegionLookup {
  /** The region whose (buffered) shape holds the point, or null outside every region. */
  regionFor(lat: number, lon: number): string | null;
  /** Is the point inside that region's buffered shape? */
  inRegion(lat: number, lon: number, code: string): boolean;
  mccRegions(mcc: number): readonly string[];
  isValidMcc(mcc: number): boolean;
}

interface ObservationBase {
  lat: number;
  lon: number;
  /** Metres, as reported; null when missing (weighted as 10 m). */
  accuracy: number | null;
  /** dBm within the kind's range, else null. */
  signal: number | null;
  /** Radio age relative to the position fix, ms; null when neither age was given. */
  age: number | null;
  /** m/s; null when missing. */
  speed: number | null;
  source: StationSource;
  /** Unix ms of the position fix. */
  timestamp: number;
  /** observationWeight of the fields above; always > 0 for observations splitReport returns. */
  weight: number;
}

export interface WifiObservation extends ObservationBase {
  kind: 'wifi';
  key: Mac;
}

export interface BlueObservation extends ObservationBase {
  kind: 'blue';
  key: Mac;
}

export interface CellObservation extends ObservationBase {
  kind: 'cell';
  key: CellKey;
  /** WCDMA PSC, LTE/NR PCI; null when missing or out of range. */
  psc: number | null;
}

export type Observation = WifiObservation | BlueObservation | CellObservation;

export interface SplitReport {
  wifi: WifiObservation[];
  blue: BlueObservation[];
  cell: CellObservation[];
  /** Entries not turned into observations: invalid, opted out, weight 0, or the report's position invalid. */
  dropped: number;
}

/** The Web-Mercator latitude limit (the reference's MAX_LAT). */
export const MAX_LAT = 85.051;

/**
 * The region of a position. Cells (mcc given) take one of their MCC's regions holding the point —
 * the precise lookup's answer when it is one of them — and never a region foreign to the MCC
 * (pipeline.md quirks: the reference took the region from the position alone).
 */
export function regionOf(regions: RegionLookup, lat: number, lon: number, mcc?: number): string | null {
  if (mcc === undefined) return regions.regionFor(lat, lon);
  const candidates = regions.mccRegions(mcc).filter((code) => regions.inRegion(lat, lon, code));
  if (candidates.length <= 1) return candidates[0] ?? null;
  const best = regions.regionFor(lat, lon);
  return best !== null && candidates.includes(best) ? best : candidates[0];
}

/** A moved station keeps its region while it stays inside it (station.py), else it is looked up again. */
export function keepOrFindRegion(
  regions: RegionLookup,
  previous: string | null,
  lat: number,
  lon: number,
  mcc?: number,
): string | null {
  const allowed = previous !== null && (mcc === undefined || regions.mccRegions(mcc).includes(previous));
  if (allowed && regions.inRegion(lat, lon, previous)) return previous;
  return regionOf(regions, lat, lon, mcc);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The report-level part every observation shares. */
interface Fix {
  lat: number;
  lon: number;
  accuracy: number | null;
  speed: number | null;
  /** position.age: how old the fix was when the report was made (ms). */
  fixAge: number;
  timestamp: number;
  source: StationSource;
}

function positionFix(q: QueuedReport, regions: RegionLookup): Fix | null {
  const p = q.report.position;
  if (!p || !finite(p.latitude) || !finite(p.longitude)) return null;
  const { latitude: lat, longitude: lon } = p;
  if (Math.abs(lat) > MAX_LAT || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return null;
  if (regions.regionFor(lat, lon) === null) return null;
  const fixAge = finite(p.age) ? p.age : 0;
  return {
    lat,
    lon,
    // Negative values are meaningless and count as missing (the reference's ranges start at 0).
    accuracy: finite(p.accuracy) && p.accuracy >= 0 ? p.accuracy : null,
    speed: finite(p.speed) && p.speed >= 0 ? p.speed : null,
    fixAge,
    // The reference turns the report time into the time of the fix.
    timestamp: q.report.timestamp - fixAge,
    source: q.source,
  };
}

/** Radio ages become relative to the fix (the reference's InternalTransform). */
function relativeAge(fix: Fix, age: number | undefined): number | null {
  if (!finite(age) && fix.fixAge === 0) return null;
  return (finite(age) ? age : 0) - fix.fixAge;
}

type Rank = ReadonlyArray<readonly [number | null, 'high' | 'low']>;

/** The reference's `better`: the kept entry wins if it is better in any comparable field. */
function better(a: Rank, b: Rank): boolean {
  return a.some(([va, dir], i) => {
    const vb = b[i][0];
    if (va === null || vb === null) return false;
    return dir === 'high' ? va > vb : va < vb;
  });
}

interface Candidate<O> {
  obs: O;
  rank: Rank;
}

/** One observation per station key per report: a duplicate replaces the kept one unless that one is better. */
function collect<E, O extends { weight: number }>(
  entries: readonly E[],
  parse: (e: E) => Candidate<O> | null,
  keyOf: (o: O) => string,
): { kept: O[]; dropped: number } {
  const byKey = new Map<string, Candidate<O>>();
  let dropped = 0;
  for (const e of entries) {
    const c = parse(e);
    // Weight 0 (too inaccurate, too old, too fast) is useless: the reference filtered those out
    // before the station update; dropping them here keeps them off the queues altogether.
    if (!c || !(c.obs.weight > 0) || !Number.isFinite(c.obs.weight)) {
      dropped++;
      continue;
    }
    const key = keyOf(c.obs);
    const kept = byKey.get(key);
    if (kept) dropped++;
    if (!kept || !better(kept.rank, c.rank)) byKey.set(key, c);
  }
  return { kept: [...byKey.values()].map((c) => c.obs), dropped };
}

const absOrNull = (v: number | null): number | null => (v === null ? null : Math.abs(v));

function common(fix: Fix, age: number | null, signal: number | null) {
  const { lat, lon, accuracy, speed, source, timestamp } = fix;
  return { lat, lon, accuracy, speed, source, timestamp, age, signal };
}

function wifiEntry(w: ReportWifi, fix: Fix): Candidate<WifiObservation> | null {
  const key = normalizeMac(w.macAddress);
  if (key === null || isOptOutSsid(w.ssid)) return null;
  const signal = inRange(w.signalStrength, WIFI_SIGNAL_RANGE) ? w.signalStrength : null;
  const age = relativeAge(fix, w.age);
  const snr = inRange(w.signalToNoiseRatio, [1, 100]) ? w.signalToNoiseRatio : null;
  const base = common(fix, age, signal);
  const obs: WifiObservation = { kind: 'wifi', key, ...base, weight: observationWeight({ kind: 'wifi', ...base }) };
  return { obs, rank: [[signal, 'high'], [snr, 'high'], [absOrNull(age), 'low']] };
}

function blueEntry(b: ReportBlue, fix: Fix): Candidate<BlueObservation> | null {
  const key = normalizeMac(b.macAddress);
  if (key === null) return null;
  const signal = inRange(b.signalStrength, [-127, 0]) ? b.signalStrength : null;
  const age = relativeAge(fix, b.age);
  const base = common(fix, age, signal);
  const obs: BlueObservation = { kind: 'blue', key, ...base, weight: observationWeight({ kind: 'blue', ...base }) };
  return { obs, rank: [[signal, 'high'], [absOrNull(age), 'low']] };
}

/** ASU ranges and the dBm they stand for (the reference's MIN/MAX_CELL_ASU); NR has no agreed ASU scale. */
const ASU: Partial<Record<RadioName, { range: readonly [number, number]; dbm: (asu: number) => number }>> = {
  gsm: { range: [0, 31], dbm: (asu) => 2 * asu - 113 },
  wcdma: { range: [-5, 91], dbm: (asu) => asu - 116 },
  lte: { range: [0, 97], dbm: (asu) => asu - 140 },
};

function cellSignal(radio: RadioName, c: ReportCell): { signal: number | null; asu: number | null } {
  let signal = finite(c.signalStrength) ? c.signalStrength : null;
  let asu = finite(c.asu) ? c.asu : null;
  // Some clients swap the two fields (ValidCellReportSchema).
  if (asu !== null && asu < -5 && (signal === null || signal >= 0)) [signal, asu] = [asu, null];
  const scale = ASU[radio];
  if (asu !== null && !(scale && inRange(asu, scale.range))) asu = null;
  if (inRange(signal, SIGNAL_RANGE[radio])) return { signal, asu };
  return { signal: scale && asu !== null ? scale.dbm(asu) : null, asu };
}

function cellEntry(c: ReportCell, fix: Fix, regions: RegionLookup): Candidate<CellObservation> | null {
  let radio = c.radioType;
  if (radio === undefined || radio === 'cdma') return null;
  const { mobileCountryCode: mcc, mobileNetworkCode: mnc, locationAreaCode: lac, cellId: cid } = c;
  // A GSM cell id above 16 bits must be a WCDMA cell (ValidCellKeySchema).
  if (radio === 'gsm' && finite(cid) && cid > MAX_CID_GSM) radio = 'wcdma';
  if (!finite(mcc) || !Number.isInteger(mcc) || !regions.isValidMcc(mcc)) return null;
  if (!validMnc(mnc) || !validLac(radio, lac) || !validCid(radio, cid)) return null;
  // The position must lie in one of the MCC's regions (pipeline.md; the reference never enforced it).
  if (!regions.mccRegions(mcc).some((code) => regions.inRegion(fix.lat, fix.lon, code))) return null;
  const { signal, asu } = cellSignal(radio, c);
  const psc = c.primaryScramblingCode;
  const ta = inRange(c.timingAdvance, [0, 63]) && radio !== 'wcdma' ? c.timingAdvance : null;
  const age = relativeAge(fix, c.age);
  const base = common(fix, age, signal);
  const obs: CellObservation = {
    kind: 'cell',
    key: { radio, mcc, mnc, lac, cid },
    psc: inRange(psc, PSC_RANGE[radio]) && Number.isInteger(psc) ? psc : null,
    ...base,
    weight: observationWeight({ kind: 'cell', radio, ...base }),
  };
  return { obs, rank: [[ta, 'low'], [signal, 'high'], [asu, 'high'], [absOrNull(age), 'low']] };
}

/**
 * Validate a queued report and split it into observations. A report without a usable position
 * (missing, outside ±85.051/±180, 0/0, outside every region) yields none. Query reports
 * (source 'query') are split like any other; the station update tells the sources apart.
 */
export function splitReport(q: QueuedReport, regions: RegionLookup): SplitReport {
  const r = q.report;
  const fix = positionFix(q, regions);
  if (!fix) {
    const dropped = r.wifiAccessPoints.length + r.bluetoothBeacons.length + r.cellTowers.length;
    return { wifi: [], blue: [], cell: [], dropped };
  }
  const wifi = collect(r.wifiAccessPoints, (w) => wifiEntry(w, fix), (o) => o.key);
  const blue = collect(r.bluetoothBeacons, (b) => blueEntry(b, fix), (o) => o.key);
  const cell = collect(r.cellTowers, (c) => cellEntry(c, fix, regions), (o) => cellKeyString(o.key));
  return {
    wifi: wifi.kept,
    blue: blue.kept,
    cell: cell.kept,
    dropped: wifi.dropped + blue.dropped + cell.dropped,
  };
}
