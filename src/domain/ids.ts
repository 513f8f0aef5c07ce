// Binary station identifiers as stored in MySQL primary keys (see migrations/001_init.sql).
import { RADIO_CODE, type RadioName, radioFromCode } from './radio.js';

/** Normalised MAC: 12 lowercase hex chars. */
export type Mac = string;

export function macToBinary(mac: Mac): Buffer {
  return Buffer.from(mac, 'hex');
}

export function macFromBinary(buf: Buffer): Mac {
  return buf.toString('hex');
}

export interface CellKey {
  radio: RadioName;
  mcc: number;
  mnc: number;
  lac: number;
  cid: number;
}

export interface AreaKey {
  radio: RadioName;
  mcc: number;
  mnc: number;
  lac: number;
}

/** radio(1) mcc(2) mnc(2) lac(4) cid(5), big-endian: 14 bytes. */
export function cellIdToBinary(k: CellKey): Buffer {
  const b = Buffer.alloc(14);
  b.writeUInt8(RADIO_CODE[k.radio], 0);
  b.writeUInt16BE(k.mcc, 1);
  b.writeUInt16BE(k.mnc, 3);
  b.writeUInt32BE(k.lac, 5);
  // 36-bit NR cell ids exceed 32 bits: write the high byte and the low 32 bits separately.
  b.writeUInt8(Math.floor(k.cid / 2 ** 32), 9);
  b.writeUInt32BE(k.cid % 2 ** 32, 10);
  return b;
}

export function cellIdFromBinary(b: Buffer): CellKey {
  const radio = radioFromCode(b.readUInt8(0));
  if (!radio) throw new Error(`unknown radio code ${b.readUInt8(0)}`);
  return {
    radio,
    mcc: b.readUInt16BE(1),
    mnc: b.readUInt16BE(3),
    lac: b.readUInt32BE(5),
    cid: b.readUInt8(9) * 2 ** 32 + b.readUInt32BE(10),
  };
}

/** radio(1) mcc(2) mnc(2) lac(4): 9 bytes. */
export function areaIdToBinary(k: AreaKey): Buffer {
  const b = Buffer.alloc(9);
  b.writeUInt8(RADIO_CODE[k.radio], 0);
  b.writeUInt16BE(k.mcc, 1);
  b.writeUInt16BE(k.mnc, 3);
  b.writeUInt32BE(k.lac, 5);
  return b;
}

export function areaIdFromBinary(b: Buffer): AreaKey {
  const radio = radioFromCode(b.readUInt8(0));
  if (!radio) throw new Error(`unknown radio code ${b.readUInt8(0)}`);
  return { radio, mcc: b.readUInt16BE(1), mnc: b.readUInt16BE(3), lac: b.readUInt32BE(5) };
}

/** A stable string form of a cell key, for maps and logs. */
export function cellKeyString(k: CellKey): string {
  return `${k.radio}:${k.mcc}:${k.mnc}:${k.lac}:${k.cid}`;
}

export function areaKeyString(k: AreaKey): string {
  return `${k.radio}:${k.mcc}:${k.mnc}:${k.lac}`;
}
