// The OpenCellID / MLS cell CSV format, both ways (pipeline.md "Public cell export",
// shared/data/cells/README.md): longitude before latitude, times in Unix seconds, range in metres.
import { validCid, validLac, validMnc, inRange, PSC_RANGE } from '../../domain/cell.js';
import type { CellKey } from '../../domain/ids.js';
import { EXPORT_RADIO_NAME, type RadioName } from '../../domain/radio.js';
import { isValidMcc } from '../../geo/mcc.js';

export const CELL_CSV_HEADER = 'radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal';

/** The reference's CELL_MAX_RADIUS: some exported ranges exceed it and are clamped on import. */
export const CELL_MAX_RADIUS = 100_000;
/** Web-Mercator latitude limit, as observation validation (pipeline.md). */
const MAX_LAT = 85.051;
const MAX_SAMPLES = 2 ** 32 - 1;

/** The fields a cell row carries. */
export interface CsvCell extends CellKey {
  psc: number | null;
  lat: number;
  lon: number;
  radius: number | null;
  samples: number | null;
  created: Date | null;
  modified: Date | null;
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
const unix = (d: Date | null) => (d === null ? '' : String(Math.floor(d.getTime() / 1000)));

/** One export line (without line end). `unit` is the PSC/PCI or empty; `changeable` 1, `averageSignal` 0. */
export function formatCellRow(c: CsvCell): string {
  return [
    EXPORT_RADIO_NAME[c.radio],
    c.mcc,
    c.mnc,
    c.lac,
    c.cid,
    c.psc ?? '',
    round7(c.lon),
    round7(c.lat),
    c.radius ?? 0,
    c.samples ?? 0,
    1,
    unix(c.created),
    unix(c.modified),
    0,
  ].join(',');
}

/** Why a row was not imported (the import summary counts these). */
export type SkipReason = 'columns' | 'radio' | 'mcc' | 'mnc' | 'lac' | 'cid' | 'position' | 'range' | 'samples' | 'time';

// CDMA (and anything else) has no Ichnos table: skipped with reason 'radio'.
const IMPORT_RADIO: Readonly<Record<string, RadioName>> = { GSM: 'gsm', UMTS: 'wcdma', WCDMA: 'wcdma', LTE: 'lte', NR: 'nr' };

const INT = /^-?\d+$/;
const NUM = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function int(v: string | undefined): number | null {
  return v !== undefined && INT.test(v.trim()) ? Number(v.trim()) : null;
}

function num(v: string | undefined): number | null {
  return v !== undefined && NUM.test(v.trim()) ? Number(v.trim()) : null;
}

function time(v: string | undefined): Date | null | undefined {
  if (v === undefined || v.trim() === '') return null;
  const s = int(v);
  return s === null || s < 0 || s > 253_402_300_799 ? undefined : new Date(s * 1000);
}

export type ParsedRow = { cell: CsvCell & { radius: number; samples: number; created: Date; modified: Date } } | { skip: SkipReason };

/**
 * Parse one data line. Identity rules as api.md §3.1 (with NR, §0.2); position as observation
 * validation; range clamped to CELL_MAX_RADIUS; `unit` kept as PSC/PCI where it is in the radio's
 * range (GSM has none); created/updated required, each standing in for the other when empty.
 */
export function parseCellRow(line: string): ParsedRow {
  const f = line.replace(/\r$/, '').split(',');
  if (f.length < 13) return { skip: 'columns' };
  const radio = IMPORT_RADIO[f[0].trim().toUpperCase()];
  if (!radio) return { skip: 'radio' };
  const mcc = int(f[1]);
  if (mcc === null || !isValidMcc(mcc)) return { skip: 'mcc' };
  const mnc = int(f[2]);
  if (!validMnc(mnc)) return { skip: 'mnc' };
  const lac = int(f[3]);
  if (!validLac(radio, lac)) return { skip: 'lac' };
  const cid = int(f[4]);
  if (!validCid(radio, cid)) return { skip: 'cid' };
  const lon = num(f[6]);
  const lat = num(f[7]);
  if (lat === null || lon === null || Math.abs(lat) > MAX_LAT || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) {
    return { skip: 'position' };
  }
  const range = f[8].trim() === '' ? 0 : int(f[8]);
  if (range === null || range < 0) return { skip: 'range' };
  const samples = f[9].trim() === '' ? 0 : int(f[9]);
  if (samples === null || samples < 0) return { skip: 'samples' };
  const created = time(f[11]);
  const updated = time(f[12]);
  if (created === undefined || updated === undefined || (created ?? updated) === null) return { skip: 'time' };
  const unit = int(f[5]);
  const psc = radio !== 'gsm' && inRange(unit, PSC_RANGE[radio]) ? unit : null;
  return {
    cell: {
      radio,
      mcc,
      mnc,
      lac,
      cid,
      psc,
      lat,
      lon,
      radius: Math.min(range, CELL_MAX_RADIUS),
      samples: Math.min(samples, MAX_SAMPLES),
      created: (created ?? updated) as Date,
      modified: (updated ?? created) as Date,
    },
  };
}

/** Is this line the format's header (skipped, not counted)? */
export function isHeader(line: string): boolean {
  return line.trim().toLowerCase().startsWith('radio,');
}
