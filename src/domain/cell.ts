// Cell identity and measurement ranges shared by locate and the pipeline
// (api.md §3.1 stage 2, with 5G NR per api.md §0.2).
import type { RadioName } from './radio.js';

export const MAX_MNC = 999;
/** GSM/WCDMA LAC and LTE TAC: 1..65533 (0, 65534, 65535 are reserved). */
export const MAX_LAC_16 = 65533;
/** NR TAC is 24-bit; 0xFFFFFE is reserved like LTE's 0xFFFE. */
export const MAX_TAC_NR = 0xfffffd;
export const MAX_CID_GSM = 0xffff;
/** WCDMA and LTE cell identities are 28-bit. */
export const MAX_CID_28 = 2 ** 28 - 1;
/** NR cell identity (NCI) is 36-bit. */
export const MAX_CID_NR = 2 ** 36 - 1;

export function maxLac(radio: RadioName): number {
  return radio === 'nr' ? MAX_TAC_NR : MAX_LAC_16;
}

export function maxCid(radio: RadioName): number {
  switch (radio) {
    case 'gsm':
      return MAX_CID_GSM;
    case 'nr':
      return MAX_CID_NR;
    default:
      return MAX_CID_28;
  }
}

export function validLac(radio: RadioName, lac: number | undefined | null): lac is number {
  return typeof lac === 'number' && Number.isInteger(lac) && lac >= 1 && lac <= maxLac(radio);
}

export function validCid(radio: RadioName, cid: number | undefined | null): cid is number {
  return typeof cid === 'number' && Number.isInteger(cid) && cid >= 1 && cid <= maxCid(radio);
}

export function validMnc(mnc: number | undefined | null): mnc is number {
  return typeof mnc === 'number' && Number.isInteger(mnc) && mnc >= 0 && mnc <= MAX_MNC;
}

/** Signal strength ranges in dBm; NR uses SS-RSRP. Out of range ⇒ the value is dropped. */
export const SIGNAL_RANGE: Readonly<Record<RadioName, readonly [number, number]>> = {
  gsm: [-113, -51],
  wcdma: [-121, -25],
  lte: [-140, -43],
  nr: [-156, -31],
};

/** PSC (WCDMA) / PCI (LTE 0..503, NR 0..1007) ranges. */
export const PSC_RANGE: Readonly<Record<RadioName, readonly [number, number]>> = {
  gsm: [0, 511],
  wcdma: [0, 511],
  lte: [0, 503],
  nr: [0, 1007],
};

export const MAX_TIMING_ADVANCE = 63;

export function inRange(value: number | undefined | null, range: readonly [number, number]): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= range[0] && value <= range[1];
}
