// The station reads of the locate path, coalesced across concurrent requests (batched-lookup.ts):
// one statement per kind per batch instead of one per request.
import type { Pool } from 'mysql2/promise';
import { type CellKey, cellKeyString, type Mac } from '../domain/ids.js';
import { BatchedLookup, type Ticket } from './batched-lookup.js';
import { LOOKUP_DEADLINE_MS } from './pool.js';
import { type CellLocateStation, findBlueForLocate, findCellsForLocate, findWifiForLocate, type MacLocateStation } from './stations.js';

/** Keys per statement: the largest padded IN list of stations.ts. */
const MAX_KEYS = 128;
/** Statements of one kind running at once (the read pool has 10 connections). */
const MAX_IN_FLIGHT = 3;

export interface StationLookups {
  wifi(macs: readonly Mac[], ticket?: Ticket): Promise<MacLocateStation[]>;
  blue(macs: readonly Mac[], ticket?: Ticket): Promise<MacLocateStation[]>;
  cells(keys: readonly CellKey[], ticket?: Ticket): Promise<CellLocateStation[]>;
}

export function batchedStationLookups(db: Pool): StationLookups {
  const common = { maxKeys: MAX_KEYS, maxInFlight: MAX_IN_FLIGHT, stuckMs: LOOKUP_DEADLINE_MS };
  const macs = (find: typeof findWifiForLocate) =>
    new BatchedLookup<Mac, MacLocateStation>({ ...common, run: (keys) => find(db, keys), keyId: (m) => m, rowId: (r) => r.mac });
  const wifi = macs(findWifiForLocate);
  const blue = macs(findBlueForLocate);
  const cells = new BatchedLookup<CellKey, CellLocateStation>({
    ...common,
    run: (keys) => findCellsForLocate(db, keys),
    keyId: cellKeyString,
    rowId: cellKeyString,
  });
  return {
    wifi: (keys, ticket) => wifi.load(keys, ticket),
    blue: (keys, ticket) => blue.load(keys, ticket),
    cells: (keys, ticket) => cells.load(keys, ticket),
  };
}
