// Observation weights (pipeline.md "Observation weight"; the reference's models/observation.py):
// weight = accuracy × age × speed × signal weight, each 1.0 when its field is missing.
// Every function is total: any number (NaN, ±Infinity, out of range) yields a finite weight ≥ 0.
import { SIGNAL_RANGE, inRange } from '../../domain/cell.js';
import type { RadioName } from '../../domain/radio.js';
import type { StationKind } from '../../domain/station.js';

/** Observations less accurate than this (metres) get weight 0 (constants.py *_MAX_OBSERVATION_ACCURACY). */
export const MAX_OBSERVATION_ACCURACY: Readonly<Record<StationKind, number>> = { wifi: 200, blue: 100, cell: 1000 };
/** |radio age relative to the position fix| above this (ms) ⇒ weight 0. */
export const MAX_OBSERVATION_AGE_MS = 20_000;
/** Faster than this (m/s) ⇒ weight 0. */
export const MAX_OBSERVATION_SPEED = 50;

/** Accepted WiFi signal range (constants.py MIN/MAX_WIFI_SIGNAL); outside it counts as missing. */
export const WIFI_SIGNAL_RANGE: readonly [number, number] = [-100, -10];
/** Weight of a WiFi observation without signal: the reference assumes −80 dBm. */
export const WIFI_DEFAULT_SIGNAL = -80;

/**
 * Per radio: the median signal (the default when missing, weight 1.0 there) and the offset that
 * puts the median at weight 1. GSM/WCDMA/LTE are the reference's. NR (Ichnos): SS-RSRP sits about
 * where LTE RSRP does (both are per-resource-element powers, with similar deployed medians), so NR
 * takes LTE's −105 dBm median and +5 offset; its wider range (−156..−31 dBm) maps to 0.19..219.
 */
export const CELL_SIGNAL_WEIGHTING: Readonly<Record<RadioName, { median: number; offset: number }>> = {
  gsm: { median: -95, offset: -5 },
  wcdma: { median: -100, offset: 0 },
  lte: { median: -105, offset: 5 },
  nr: { median: -105, offset: 5 },
};

const known = (v: number | null | undefined): v is number => typeof v === 'number' && !Number.isNaN(v);

/** √(10 / max(|accuracy|, 10)); missing ⇒ 10 m ⇒ 1.0; above the kind's limit ⇒ 0. */
export function accuracyWeight(kind: StationKind, accuracy: number | null | undefined): number {
  const acc = known(accuracy) ? Math.abs(accuracy) : 10;
  if (acc > MAX_OBSERVATION_ACCURACY[kind]) return 0;
  return Math.sqrt(10 / Math.max(acc, 10));
}

/** min(√(2000 / max(|age|, 2000)), 1); missing ⇒ 1.0; |age| above 20 s ⇒ 0. */
export function ageWeight(age: number | null | undefined): number {
  const a = known(age) ? Math.abs(age) : 0;
  if (a > MAX_OBSERVATION_AGE_MS) return 0;
  return Math.min(Math.sqrt(2000 / Math.max(a, 2000)), 1);
}

/**
 * √(5 / max(|speed|, 5)); missing ⇒ 1.0; above 50 m/s ⇒ 0. (The reference nulled speeds above
 * 300 m/s before weighting, so absurd speeds weighed 1.0; here every speed above 50 m/s weighs 0.)
 */
export function speedWeight(speed: number | null | undefined): number {
  const s = known(speed) ? Math.abs(speed) : 0;
  if (s > MAX_OBSERVATION_SPEED) return 0;
  return Math.sqrt(5 / Math.max(s, 5));
}

/** ((1/(s − 20)²)·10⁴)²: −100 dBm ≈ 0.5, −80 dBm 1.0, −60 dBm 2.4; outside −100..−10 ⇒ −80. */
export function wifiSignalWeight(signal: number | null | undefined): number {
  const s = inRange(signal, WIFI_SIGNAL_RANGE) ? signal : WIFI_DEFAULT_SIGNAL;
  return ((1 / (s - 20) ** 2) * 10_000) ** 2;
}

/** ((1/(s + offset)²)·10⁴)² with the radio's median for a missing or out-of-range signal. */
export function cellSignalWeight(radio: RadioName, signal: number | null | undefined): number {
  const { median, offset } = CELL_SIGNAL_WEIGHTING[radio];
  const s = inRange(signal, SIGNAL_RANGE[radio]) ? signal : median;
  return ((1 / (s + offset) ** 2) * 10_000) ** 2;
}

interface WeightFields {
  accuracy?: number | null;
  age?: number | null;
  speed?: number | null;
  signal?: number | null;
}

/** Cells need their radio: the signal weighting depends on it. */
export type WeightInput = WeightFields & ({ kind: 'wifi' | 'blue' } | { kind: 'cell'; radio: RadioName });

/** The observation's weight; 0 means the observation must not be used (the reference drops those). */
export function observationWeight(o: WeightInput): number {
  let signal = 1; // Bluetooth signals are not weighted
  if (o.kind === 'wifi') signal = wifiSignalWeight(o.signal);
  else if (o.kind === 'cell') signal = cellSignalWeight(o.radio, o.signal);
  return accuracyWeight(o.kind, o.accuracy) * ageWeight(o.age) * speedWeight(o.speed) * signal;
}
