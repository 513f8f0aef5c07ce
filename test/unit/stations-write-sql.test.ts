// Property: the VALUES text the station upserts write themselves (RowLiterals) is exactly what
// mysql2's query() substitutes for the `?` placeholders of the same values (the statement they
// sent before), so the stored rows cannot differ.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { format, type SqlValue } from 'mysql2';
import type { CellStation, MacStation } from '../../src/db/stations.js';
import { cellStationRows, macStationRows, stationValues } from '../../src/db/stations-write.js';
import { cellIdToBinary, macToBinary } from '../../src/domain/ids.js';
import { RADIO_CODE } from '../../src/domain/radio.js';
import type { StationRecord, StationSource } from '../../src/domain/station.js';

const PLACEHOLDERS_17 = Array(17).fill('?').join(', ');
const DAY = 86_400_000;

const num = fc.option(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()), { nil: null });
const time = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2200, 0, 1) });
const date = fc.option(
  time.map((t) => new Date(t)),
  { nil: null },
);
const day = fc.option(
  time.map((t) => new Date(Math.floor(t / DAY) * DAY)),
  { nil: null },
);
const record: fc.Arbitrary<StationRecord> = fc.record({
  lat: num,
  lon: num,
  maxLat: num,
  minLat: num,
  maxLon: num,
  minLon: num,
  radius: fc.option(fc.double({ min: 0, max: 1e7, noNaN: true }), { nil: null }),
  // region codes come from the region table; any string must still be escaped as mysql2 does
  region: fc.option(fc.oneof(fc.constantFrom('FR', 'DE', "O'", '\\'), fc.string({ maxLength: 4 })), { nil: null }),
  samples: fc.option(fc.nat(), { nil: null }),
  source: fc.option(fc.constantFrom<StationSource>('gnss', 'fused', 'fixed', 'query'), { nil: null }),
  weight: num,
  created: date,
  modified: date,
  lastSeen: day,
  blockFirst: day,
  blockLast: day,
  blockCount: fc.option(fc.integer({ min: 0, max: 65_535 }), { nil: null }),
});
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Buffer.from(b).toString('hex'));

test('MAC station rows: the same text as mysql2 formats for the placeholders', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(mac, record), { minLength: 1, maxLength: 8 }), (rows) => {
      const stations: MacStation[] = rows.map(([m, r]) => ({ mac: m, ...r }));
      const expected = format(
        Array(stations.length).fill(`(?, ${PLACEHOLDERS_17})`).join(', '),
        stations.flatMap((s) => [macToBinary(s.mac), ...stationValues(s)]) as SqlValue[],
        false,
        'Z',
      );
      assert.equal(macStationRows(stations).toSqlString(), expected);
    }),
    { numRuns: 500 },
  );
});

test('cell rows: the same text as mysql2 formats for the placeholders', () => {
  const cell = fc.record({
    radio: fc.constantFrom<CellStation['radio']>('gsm', 'wcdma', 'lte', 'nr'),
    mcc: fc.integer({ min: 1, max: 999 }),
    mnc: fc.integer({ min: 0, max: 999 }),
    lac: fc.integer({ min: 1, max: 65_533 }),
    cid: fc.integer({ min: 1, max: 2 ** 36 - 1 }),
    psc: fc.option(fc.integer({ min: 0, max: 1007 }), { nil: null }),
  });
  fc.assert(
    fc.property(fc.array(fc.tuple(cell, record), { minLength: 1, maxLength: 8 }), (rows) => {
      const cells: CellStation[] = rows.map(([k, r]) => ({ ...k, ...r }));
      const expected = format(
        Array(cells.length).fill(`(?, ?, ?, ?, ?, ?, ?, ${PLACEHOLDERS_17})`).join(', '),
        cells.flatMap((c) => [cellIdToBinary(c), RADIO_CODE[c.radio], c.mcc, c.mnc, c.lac, c.cid, c.psc, ...stationValues(c)]) as SqlValue[],
        false,
        'Z',
      );
      assert.equal(cellStationRows(cells).toSqlString(), expected);
    }),
    { numRuns: 500 },
  );
});
