// The station record shared by the locate providers (read side) and the pipeline (write side).

/** Where a station's position came from; stored as TINYINT. */
export type StationSource = 'fixed' | 'gnss' | 'fused' | 'query';

export const SOURCE_CODE: Readonly<Record<StationSource, number>> = {
  fixed: 0,
  gnss: 1,
  fused: 2,
  query: 3,
};

const SOURCE_BY_CODE = new Map(Object.entries(SOURCE_CODE).map(([name, c]) => [c, name as StationSource]));

export function sourceFromCode(code: number | null): StationSource | null {
  if (code === null) return null;
  return SOURCE_BY_CODE.get(code) ?? null;
}

/**
 * One station row (WiFi, Bluetooth or cell) as the rest of the code sees it. Dates are JS Dates in UTC;
 * `lastSeen`, `blockFirst`, `blockLast` are whole UTC days (time 00:00Z).
 */
export interface StationRecord {
  lat: number | null;
  lon: number | null;
  maxLat: number | null;
  minLat: number | null;
  maxLon: number | null;
  minLon: number | null;
  radius: number | null;
  region: string | null;
  samples: number | null;
  source: StationSource | null;
  weight: number | null;
  created: Date | null;
  modified: Date | null;
  lastSeen: Date | null;
  blockFirst: Date | null;
  blockLast: Date | null;
  blockCount: number | null;
}

export type StationKind = 'wifi' | 'blue' | 'cell';
