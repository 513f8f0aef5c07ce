// Stage 1 of locate/region request validation (api.md §3.1): the type-level schema. A value of
// the wrong JSON type fails the whole request (400 parseError, `details.validation` keyed by
// dotted path); values are not range-checked here — that is stage 2 (query.ts), which drops
// entries instead of failing. Total on any JSON value: no recursion into client data, no throw.

import { field, Issues, isRecord, join } from '../domain/issues.js';

export { Issues };

/** A short, non-recursive rendering of a bad value (String() of a deep array would recurse). */
function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `${v.slice(0, 40)}…` : v;
  if (Array.isArray(v)) return `[…${v.length} elements]`;
  if (isRecord(v)) return '{…}';
  return String(v);
}

/** colander's "absent" for a number: null, "" and empty containers (but 0 and false are values). */
function emptyish(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.keys(v).length === 0;
}

// Python int(): optional sign, digits with single underscores between them, surrounding spaces.
const INT_TEXT = /^[+-]?\d+(?:_\d+)*$/;

type Kind = 'int' | 'string';

/** A value of the wrong type; the caller names the path only then (the happy path builds no strings). */
const BAD = Symbol('bad');

/**
 * An integer like colander.Integer: numbers truncated toward zero (-50.7 → -50), booleans 1/0,
 * integer strings ("01" → 1); null, "" and empty containers are absent; anything else is
 * BAD ("3.5" too, as Python's int() refuses it). Huge values pass: stage 2 range checks drop them.
 */
function toInt(v: unknown): number | undefined | typeof BAD {
  // `+ 0` turns -0 into 0.
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v) + 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (emptyish(v)) return undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (INT_TEXT.test(s)) return Number(s.replaceAll('_', '')) + 0;
  }
  return BAD;
}

/** A string like colander.String: any Python-falsy value (null, "", 0, false, [], {}) is absent. */
function toStr(v: unknown): string | undefined | typeof BAD {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (emptyish(v) || v === 0 || v === false) return undefined;
  return BAD;
}

const MESSAGE: Readonly<Record<Kind, (v: unknown) => string>> = {
  int: (v) => `"${describe(v)}" is not a number`,
  string: (v) => `${describe(v)} is not a string`,
};

/** colander.Boolean [Q]: false only for false, 0, "false", "0" (any case); all else, null too, is true. */
function bool(v: unknown): boolean {
  if (v === false || v === 0) return false;
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    return s !== 'false' && s !== '0';
  }
  return true;
}

export interface RawWifi {
  macAddress?: string;
  age?: number;
  channel?: number;
  frequency?: number;
  signalStrength?: number;
  signalToNoiseRatio?: number;
  ssid?: string;
}

export interface RawBlue {
  macAddress?: string;
  age?: number;
  signalStrength?: number;
  name?: string;
}

export interface RawCell {
  radioType?: string;
  mobileCountryCode?: number;
  mobileNetworkCode?: number;
  locationAreaCode?: number;
  cellId?: number;
  newRadioCellId?: number;
  psc?: number;
  primaryScramblingCode?: number;
  age?: number;
  signalStrength?: number;
  timingAdvance?: number;
}

/** The request after stage 1: every field of the right type, nothing range-checked yet. */
export interface RawRequest {
  carrier?: string;
  homeMobileCountryCode?: number;
  homeMobileNetworkCode?: number;
  radioType?: string;
  considerIp: boolean;
  /** Undefined when the body has no `fallbacks` object. */
  fallbacks?: { lacf: boolean; ipf: boolean };
  wifi: RawWifi[];
  blue: RawBlue[];
  cells: RawCell[];
}

/** Each field of T with the kind its type says; checked by the compiler against T. */
type Fields<T> = { readonly [K in keyof T]-?: T[K] extends number | undefined ? 'int' : 'string' };
/** A field table as a plain array (this is the loop of a big request); T only ties it to its type. */
type Table<T> = ReadonlyArray<readonly [key: string, kind: Kind]> & { readonly __of?: T };

function table<T>(fields: Fields<T>): Table<T> {
  return Object.entries(fields) as Array<[string, Kind]>;
}

const WIFI = table<RawWifi>({
  macAddress: 'string',
  age: 'int',
  channel: 'int',
  frequency: 'int',
  signalStrength: 'int',
  signalToNoiseRatio: 'int',
  ssid: 'string',
});
const BLUE = table<RawBlue>({ macAddress: 'string', age: 'int', signalStrength: 'int', name: 'string' });
// `asu` is not read by geolocate (api.md §3.1); `newRadioCellId` is Google's NR cell id (§0.2).
const CELL = table<RawCell>({
  radioType: 'string',
  mobileCountryCode: 'int',
  mobileNetworkCode: 'int',
  locationAreaCode: 'int',
  cellId: 'int',
  newRadioCellId: 'int',
  psc: 'int',
  primaryScramblingCode: 'int',
  age: 'int',
  signalStrength: 'int',
  timingAdvance: 'int',
});
type RawTop = Pick<RawRequest, 'carrier' | 'homeMobileCountryCode' | 'homeMobileNetworkCode' | 'radioType'>;
const TOP = table<RawTop>({
  carrier: 'string',
  homeMobileCountryCode: 'int',
  homeMobileNetworkCode: 'int',
  radioType: 'string',
});

/** The fields a table names, coerced; absent ones are left out, unknown keys ignored. */
function readFields<T>(obj: Record<string, unknown>, fields: Table<T>, path: () => string, issues: Issues): T {
  const out: Record<string, string | number> = {};
  for (const [key, kind] of fields) {
    const raw = field(obj, key);
    if (raw === undefined) continue;
    const value = kind === 'int' ? toInt(raw) : toStr(raw);
    if (value === BAD) issues.add(join(path(), key), MESSAGE[kind](raw));
    else if (value !== undefined) out[key] = value;
  }
  return out as T;
}

/** A list of objects: absent ⇒ empty; not an array, or an element not an object ⇒ an issue. */
function readList<T>(body: Record<string, unknown>, key: string, fields: Table<T>, issues: Issues): T[] {
  const raw = field(body, key);
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    issues.add(key, `"${describe(raw)}" is not iterable`);
    return [];
  }
  const out: T[] = [];
  for (let i = 0; i < raw.length && !issues.full; i++) {
    const entry: unknown = raw[i];
    if (isRecord(entry)) out.push(readFields(entry, fields, () => join(key, i), issues));
    else issues.add(join(key, i), notMapping(entry));
  }
  return out;
}

function notMapping(v: unknown): string {
  return `"${describe(v)}" is not a mapping type: Does not implement dict-like functionality.`;
}

function readFallbacks(body: Record<string, unknown>, issues: Issues): RawRequest['fallbacks'] {
  const raw = field(body, 'fallbacks');
  if (raw === undefined) return undefined;
  // `fallbacks: null` is a 400 like any non-object (api.md §3.1).
  if (!isRecord(raw)) {
    issues.add('fallbacks', notMapping(raw));
    return undefined;
  }
  const flag = (key: string) => {
    const v = field(raw, key);
    return v === undefined ? true : bool(v);
  };
  return { lacf: flag('lacf'), ipf: flag('ipf') };
}

/** Stage 1: the body's typed fields, or issues (checked by the caller) when a type is wrong. */
export function readRequest(body: unknown, issues: Issues): RawRequest {
  const empty: RawRequest = { considerIp: true, wifi: [], blue: [], cells: [] };
  // Top-level type errors use the key "" (api.md §2.4).
  if (!isRecord(body)) {
    issues.add('', notMapping(body));
    return empty;
  }
  const considerIp = field(body, 'considerIp');
  return {
    ...readFields(body, TOP, () => '', issues),
    considerIp: considerIp === undefined ? true : bool(considerIp),
    fallbacks: readFallbacks(body, issues),
    wifi: readList(body, 'wifiAccessPoints', WIFI, issues),
    blue: readList(body, 'bluetoothBeacons', BLUE, issues),
    cells: readList(body, 'cellTowers', CELL, issues),
  };
}
