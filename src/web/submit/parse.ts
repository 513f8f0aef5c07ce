// Parsing the three submit APIs' bodies into Reports (api.md §5), pure. Types are checked
// strictly — a type error anywhere fails the whole batch (§5.1 [T]) — while values are only
// filtered leniently; range checks are the pipeline's. Total on any JSON value: never throws.
import { isOptOutSsid } from '../../domain/mac.js';
import type { Report, ReportBlue, ReportCell, ReportPosition, ReportWifi } from '../../domain/report.js';
import type { StationSource } from '../../domain/station.js';
import {
  describe,
  type Fields,
  field,
  fields,
  int,
  normalised,
  isoTime,
  Issues,
  isRecord,
  join,
  notMapping,
  plausibleTime,
  radio,
  readFields,
  str,
} from './coerce.js';
import { FLAVOURS, type FlavourSpec, type ItemTop, type ListSpec } from './parse-v1.js';

/** /v2/geosubmit, /v1/geosubmit, /v1/submit. */
export type SubmitFlavour = 'v2' | 'v1' | 'v0';

export type SubmitParse = { ok: true; reports: Report[] } | { ok: false; validation: Record<string, string> | null };

/**
 * Parse a submit body (already JSON-decoded; `undefined` for GET or an empty body, which is a
 * parseError without details, §5.1 [T]). `now` (Unix ms) replaces missing or implausible times.
 */
export function parseSubmitBody(body: unknown, flavour: SubmitFlavour, now: number): SubmitParse {
  if (body === undefined) return { ok: false, validation: null };
  const issues = new Issues();
  let reports: Report[];
  try {
    reports = parseItems(body, FLAVOURS[flavour], now, issues);
  } catch (err) {
    // Unreachable on JSON values; answering 400 beats a 500 for whatever a caller passed in.
    return { ok: false, validation: { '': `unreadable body: ${(err as Error).message}` } };
  }
  return issues.any ? { ok: false, validation: issues.errors } : { ok: true, reports };
}

/** Where a report's position came from, as queued (api.md §5.5): position.source or 'gnss'. */
export function reportSource(r: Report): StationSource {
  return r.position?.source ?? 'gnss';
}

function parseItems(body: unknown, spec: FlavourSpec, now: number, issues: Issues): Report[] {
  // Top-level type errors use the key "" (api.md §2.4).
  if (!isRecord(body)) {
    issues.add('', notMapping(body));
    return [];
  }
  const items = field(body, 'items');
  const reader = new ItemReader(spec, now, issues);
  if (!Array.isArray(items)) {
    reader.notArray(items);
    return [];
  }
  const reports: Report[] = [];
  for (let i = 0; i < items.length && !issues.full; i++) {
    const report = reader.item(items[i]);
    if (report) reports.push(report);
  }
  return reports;
}

/**
 * Items one at a time, for a body read as a stream (item-stream.ts): the same rules and the same
 * issue paths as parseSubmitBody, without the whole body in memory.
 */
export class ItemReader {
  private index = 0;
  /** Reports produced (items with stations left) since the last reset. */
  reports = 0;
  private readonly spec: Compiled;

  constructor(
    spec: FlavourSpec,
    private readonly now: number,
    public issues: Issues,
  ) {
    this.spec = compile(spec);
  }

  static of(flavour: SubmitFlavour, now: number): ItemReader {
    return new ItemReader(FLAVOURS[flavour], now, new Issues());
  }

  /** A repeated "items" key: JSON keeps the last one, so start over. */
  reset(): void {
    this.index = 0;
    this.reports = 0;
    this.issues = new Issues();
  }

  /** The next element of "items": a Report, or null (no stations left, or an issue recorded). */
  item(value: unknown): Report | null {
    const path = join('items', this.index++);
    if (this.issues.full) return null;
    const report = parseItem(value, path, this.spec, this.now, this.issues);
    if (report) this.reports += 1;
    return report;
  }

  /** "items" missing (undefined) or not an array. */
  notArray(value: unknown): void {
    this.issues.add('items', value === undefined ? 'Required' : notIterable(value));
  }
}

/** A FlavourSpec with its field specs compiled (coerce.ts, fields). */
interface Compiled {
  top: Fields<ItemTop>;
  /** The key of the item's radio, when the flavour has one. */
  radioKey: string | undefined;
  time: FlavourSpec['time'];
  positionKey: string | undefined;
  position: Fields<ReportPosition>;
  wifi: CompiledList<ReportWifi>;
  cell: CompiledList<ReportCell>;
  blue: CompiledList<ReportBlue>;
}

interface CompiledList<T> {
  key: string;
  fields: Fields<T>;
  fallbacks: Fields<T> | undefined;
}

const compiledFlavours = new WeakMap<FlavourSpec, Compiled>();

function compile(spec: FlavourSpec): Compiled {
  let c = compiledFlavours.get(spec);
  if (!c) {
    const list = <T>(l: ListSpec<T>): CompiledList<T> => {
      const main = fields(l.fields);
      const fallbacks = l.fallbacks && fields(l.fallbacks);
      // A station with a key the fallbacks read may gain a field from it: never kept as is.
      const read = new Set(fallbacks?.list.map(([, input]) => input));
      const same = new Map([...main.same].filter(([key]) => !read.has(key)));
      return { key: l.key, fields: { list: main.list, same }, fallbacks };
    };
    c = {
      top: fields(spec.top),
      radioKey: spec.radio.radioType?.[0],
      time: spec.time,
      positionKey: spec.positionKey,
      position: fields(spec.position),
      wifi: list(spec.wifi),
      cell: list(spec.cell),
      blue: list(spec.blue),
    };
    compiledFlavours.set(spec, c);
  }
  return c;
}

// api.md §0.6: opted-out networks are dropped server-side.
const keepWifi = (w: Partial<ReportWifi>): boolean => w.macAddress !== undefined && !isOptOutSsid(w.ssid);
const keepBlue = (b: Partial<ReportBlue>): boolean => b.macAddress !== undefined;

/**
 * One item as a Report, or null when it has no stations left (dropped silently, §5.1 [T]).
 * Positions and stations that are already normalised are kept as parsed, not copied.
 */
function parseItem(item: unknown, path: string, spec: Compiled, now: number, issues: Issues): Report | null {
  if (!isRecord(item)) {
    issues.add(path, notMapping(item));
    return null;
  }
  const top = readFields(item, spec.top, path, issues);
  const topRadio = spec.radioKey === undefined ? undefined : radio(field(item, spec.radioKey), issues, path, spec.radioKey);
  const timestamp = readTime(item, spec.time, path, now, issues);
  const position = readPosition(item, spec, path, issues);
  const wifi = readList(item, spec.wifi, path, issues, keepWifi) as ReportWifi[];
  const blue = readList(item, spec.blue, path, issues, keepBlue) as ReportBlue[];
  let cells: ReportCell[] = readList(item, spec.cell, path, issues);
  if (wifi.length === 0 && blue.length === 0 && cells.length === 0) return null;
  // The item's radio is the default for its cells; a cell's own (valid) radio wins (§5.1 [T]).
  // A copy: the cell may be the parsed object itself.
  if (topRadio) cells = cells.map((c) => (c.radioType === undefined ? { ...c, radioType: topRadio } : c));
  // The optional fields go last: spreading them in the middle of the literal cost ~1 µs a report.
  return Object.assign({ timestamp, position, wifiAccessPoints: wifi, cellTowers: cells, bluetoothBeacons: blue }, top);
}

function readTime(
  item: Record<string, unknown>,
  [key, kind]: FlavourSpec['time'],
  path: string,
  now: number,
  issues: Issues,
): number {
  const raw = field(item, key);
  if (kind === 'int') return plausibleTime(int(raw, issues, path, key), now);
  const text = str(raw, issues, path, key);
  return plausibleTime(text === undefined ? undefined : isoTime(text), now);
}

/**
 * v2: a missing `position` is null (§5.2) but `position: null` is a type error (§5.1 [T], as any
 * non-object). v1/v0: the flat fields make the position, null when there are none (§5.3, §5.4).
 */
function readPosition(item: Record<string, unknown>, spec: Compiled, path: string, issues: Issues): ReportPosition | null {
  if (spec.positionKey === undefined) {
    const position = readFields(item, spec.position, path, issues);
    return Object.keys(position).length > 0 ? position : null;
  }
  const raw = field(item, spec.positionKey);
  if (raw === undefined) return null;
  if (!isRecord(raw)) {
    issues.add(join(path, spec.positionKey), notMapping(raw));
    return null;
  }
  return normalised(raw, spec.position) ?? readFields(raw, spec.position, join(path, spec.positionKey), issues);
}

/**
 * A station list: missing ⇒ empty; not an array, or an element not an object ⇒ an issue. The
 * stations `keep` refuses are left out. The parsed array itself when every element is kept as is.
 */
function readList<T>(
  item: Record<string, unknown>,
  list: CompiledList<T>,
  path: string,
  issues: Issues,
  keep?: (station: Partial<T>) => boolean,
): Partial<T>[] {
  const raw = field(item, list.key);
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    issues.add(join(path, list.key), notIterable(raw));
    return [];
  }
  // null for as long as every element is kept unchanged.
  let out: Partial<T>[] | null = null;
  for (let i = 0; i < raw.length && !issues.full; i++) {
    const entry: unknown = raw[i];
    if (!isRecord(entry)) {
      issues.add(join(join(path, list.key), i), notMapping(entry));
      out ??= raw.slice(0, i);
      continue;
    }
    const station = normalised(entry, list.fields) ?? readStation(entry, list, join(join(path, list.key), i), issues);
    const same = station === entry;
    const kept = keep === undefined || keep(station);
    if (out === null && same && kept) continue;
    out ??= raw.slice(0, i);
    if (kept) out.push(station);
  }
  return out ?? raw;
}

function readStation<T>(entry: Record<string, unknown>, list: CompiledList<T>, path: string, issues: Issues): Partial<T> {
  const station = readFields(entry, list.fields, path, issues);
  if (list.fallbacks) {
    const alt = readFields(entry, list.fallbacks, path, issues);
    for (const k of Object.keys(alt) as Array<keyof T>) station[k] ??= alt[k];
  }
  return station;
}

function notIterable(v: unknown): string {
  return `"${describe(v)}" is not iterable`;
}
