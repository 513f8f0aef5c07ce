// Type coercion for the submit APIs, after the reference's colander types (api.md §5.1, §3.1):
// a value of the wrong type is an issue that fails the whole batch; an absent value is simply
// left out. Every function here is total on any JSON value (no recursion, no throw).

import { field, Issues, isRecord } from '../../domain/issues.js';
import { parseRadio, type RadioName } from '../../domain/radio.js';
import type { StationSource } from '../../domain/station.js';

export { field, Issues, isRecord, join } from '../../domain/issues.js';

/** A short rendering of a bad value for a message (never the whole of a big array). */
export function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `${v.slice(0, 40)}…` : v;
  if (Array.isArray(v)) return `[…${v.length} elements]`;
  if (isRecord(v)) return '{…}';
  return String(v);
}

export function notMapping(v: unknown): string {
  return `"${describe(v)}" is not a mapping type: Does not implement dict-like functionality.`;
}

/** Python truthiness of a JSON value, which colander uses to mean "absent". */
function pyFalsy(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.keys(v).length === 0;
}

const INT_TEXT = /^[+-]?\d+(?:_\d+)*$/;
const FLOAT_TEXT = /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:e[+-]?\d+(?:_\d+)*)?$/i;
const NON_FINITE_TEXT = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * An integer like colander.Integer (Python `int()`): numbers truncated toward zero, booleans 1/0,
 * integer strings ("01", " 262 "); null, "" and empty containers are absent; anything else is an issue.
 */
export function int(v: unknown, issues: Issues, path: string, key?: string): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) + 0 : undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (pyFalsy(v)) return undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (INT_TEXT.test(s)) return Number(s.replaceAll('_', '')) + 0;
  }
  issues.add(path, `"${describe(v)}" is not a number`, key);
  return undefined;
}

/** A float like the reference's BoundedFloat: as `int`, but decimal strings too, and NaN/±Inf discarded. */
export function float(v: unknown, issues: Issues, path: string, key?: string): number | undefined {
  // `+ 0` turns -0 into 0: JSON cannot tell them apart downstream.
  if (typeof v === 'number') return Number.isFinite(v) ? v + 0 : undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (pyFalsy(v)) return undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (NON_FINITE_TEXT.test(s)) return undefined;
    if (FLOAT_TEXT.test(s)) {
      const n = Number(s.replaceAll('_', ''));
      return Number.isFinite(n) ? n + 0 : undefined;
    }
  }
  issues.add(path, `"${describe(v)}" is not a number`, key);
  return undefined;
}

/** A string like colander.String: any falsy value is absent (so "" is), a non-string is an issue. */
export function str(v: unknown, issues: Issues, path: string, key?: string): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (pyFalsy(v)) return undefined;
  issues.add(path, `${describe(v)} is not a string`, key);
  return undefined;
}

/** Cell radio: case-insensitive, umts ⇒ wcdma, nr (api.md §0.1, §0.2); an unknown name is dropped. */
export function radio(v: unknown, issues: Issues, path: string, key?: string): RadioName | 'cdma' | undefined {
  const s = str(v, issues, path, key);
  return s === undefined ? undefined : parseRadio(s);
}

const SOURCES: Readonly<Record<string, StationSource>> = {
  fixed: 'fixed',
  gnss: 'gnss',
  fused: 'fused',
  query: 'query',
  // api.md §0.7: what the reference's docs (and microG, NeoStumbler) call them.
  gps: 'gnss',
  manual: 'fixed',
};

/** position.source, lowercased; anything unknown is dropped (api.md §5.1, §0.7). */
export function source(v: unknown, issues: Issues, path: string, key?: string): StationSource | undefined {
  const s = str(v, issues, path, key)?.toLowerCase();
  return s !== undefined && Object.hasOwn(SOURCES, s) ? SOURCES[s] : undefined;
}

export type Kind = 'int' | 'float' | 'string' | 'radio' | 'source';

type KindOf<V> = [V] extends [number]
  ? 'int' | 'float'
  : [V] extends [RadioName | 'cdma']
    ? 'radio'
    : [V] extends [StationSource]
      ? 'source'
      : 'string';

/** Output field ⇒ [input key, kind]; the kind is checked against the output field's type. */
export type FieldSpec<T> = { readonly [K in keyof T]?: readonly [input: string, kind: KindOf<NonNullable<T[K]>>] };

type Coerce = (v: unknown, issues: Issues, path: string, key?: string) => string | number | undefined;

const COERCE: Readonly<Record<Kind, Coerce>> = { int, float, string: str, radio, source };
const NO_ISSUES = new Issues();

/** A FieldSpec turned into plain arrays and a map once (reading them is the hot loop of a batch). */
export interface Fields<T> {
  readonly list: ReadonlyArray<readonly [output: string, input: string, coerce: Coerce]>;
  /** Keys read under their own name, and how: the keys an already normalised object may have. */
  readonly same: ReadonlyMap<string, Kind>;
  /** Never set: ties the compiled form to its output type. */
  readonly output?: T;
}

const compiled = new WeakMap<object, Fields<unknown>>();

/** The compiled form of a spec (specs are module constants: compiled once each). */
export function fields<T>(spec: FieldSpec<T>): Fields<T> {
  let c = compiled.get(spec);
  if (!c) {
    const entries = Object.entries(spec) as Array<[string, readonly [string, Kind] | undefined]>;
    const used = entries.flatMap(([output, e]) => (e ? [[output, e[0], e[1]] as const] : []));
    const inputs = used.map(([, input]) => input);
    const same = new Map<string, Kind>();
    for (const [output, input, kind] of used) {
      // A key that is also read under another name would be copied twice: never kept as is.
      if (output === input && inputs.indexOf(input) === inputs.lastIndexOf(input)) same.set(input, kind);
    }
    c = { list: used.map(([output, input, kind]) => [output, input, COERCE[kind]] as const), same };
    compiled.set(spec, c);
  }
  return c as Fields<T>;
}

/** The fields a spec names, renamed and coerced; absent ones are left out, unknown keys ignored. */
export function readFields<T>(obj: Record<string, unknown>, spec: Fields<T>, path: string, issues: Issues): Partial<T> {
  const out: Record<string, string | number> = {};
  const list = spec.list;
  for (let i = 0; i < list.length; i++) {
    const [output, input, coerce] = list[i];
    const raw = field(obj, input);
    if (raw === undefined) continue;
    const value = coerce(raw, issues, path, input);
    if (value !== undefined) out[output] = value;
  }
  return out as Partial<T>;
}

/**
 * Would readFields return an object equal to `obj` itself (every key one the spec reads under
 * its own name, every value already what its coercion returns)? Then the parsed object can be
 * kept instead of copied, which is what a well-behaved /v2/geosubmit client sends.
 */
export function isNormalised(obj: Record<string, unknown>, spec: Fields<unknown>): boolean {
  return normalised(obj, spec) === obj;
}

/**
 * readFields in one pass over the object's own keys, for the common objects that allow it: every
 * key one the spec reads under its own name, every value of its kind's JSON type (a number for
 * int and float, a string otherwise), so that coercing it records no issue. Returns `obj` itself
 * when no value changes, else a copy with the coerced values (in the object's key order);
 * undefined when the object is not like that, and readFields must read it.
 */
export function normalised<T>(obj: Record<string, unknown>, spec: Fields<T>): Partial<T> | undefined {
  let out: Record<string, unknown> | null = null;
  for (const key in obj) {
    const kind = spec.same.get(key);
    if (kind === undefined) return undefined;
    const v = obj[key];
    if (isOutputForm(v, kind)) {
      if (out !== null) out[key] = v;
      continue;
    }
    if (typeof v !== (kind === 'int' || kind === 'float' ? 'number' : 'string')) return undefined;
    if (out === null) {
      out = {};
      for (const k in obj) {
        if (k === key) break;
        out[k] = obj[k];
      }
    }
    // Never recorded: such values are not issues.
    const value = COERCE[kind](v, NO_ISSUES, '', key);
    if (value !== undefined) out[key] = value;
  }
  return (out ?? obj) as Partial<T>;
}

/** `v` is what its coercion returns for it (and so not absent, not an issue). */
function isOutputForm(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'int':
      return Number.isInteger(v) && !Object.is(v, -0);
    case 'float':
      return typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0);
    case 'string':
      return typeof v === 'string' && v !== '';
    case 'radio':
      return typeof v === 'string' && parseRadio(v) === v;
    case 'source':
      return typeof v === 'string' && Object.hasOwn(SOURCES, v) && SOURCES[v] === v;
  }
}

// The reference's MIN_TIMESTAMP / MAX_TIMESTAMP (models/constants.py): 2001-09-09 .. 2286-11-20.
const MIN_TIMESTAMP = 1e12;
const MAX_TIMESTAMP = 1e13;

/** A client time in Unix ms, or `now` when missing, 0 or outside (10¹², 10¹³) (api.md §5.1 [T]). */
export function plausibleTime(ms: number | undefined, now: number): number {
  return ms !== undefined && ms > MIN_TIMESTAMP && ms < MAX_TIMESTAMP ? ms : Math.trunc(now);
}

// YYYY[-MM[-DD[(T| )hh[:mm[:ss[.f]]][Z|±hh[:mm]]]]], separators optional, as the iso8601 package reads.
const ISO_TIME =
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * An ISO-8601 time (api.md §5.4) as whole-second Unix ms, or undefined when it does not parse.
 * No zone means UTC ("2016-04-07T03:33:20" ⇒ 1460000000000 [T]). Unlike the reference, whose
 * `timegm(dt.timetuple())` ignores an explicit offset, an offset is applied: the result is the instant meant.
 */
export function isoTime(text: string): number | undefined {
  const m = ISO_TIME.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2] ?? '1', m[3] ?? '1', m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = mo === 2 && !leap ? 28 : DAYS_IN_MONTH[mo - 1];
  if (mo < 1 || mo > 12 || d < 1 || d > days || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMin = 0;
  const zone = m[7]?.toUpperCase();
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime() - offsetMin * 60_000;
}
