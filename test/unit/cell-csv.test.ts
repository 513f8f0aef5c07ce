// The OpenCellID / MLS cell CSV format (pipeline.md "Public cell export"), both directions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CELL_CSV_HEADER, type CsvCell, formatCellRow, isHeader, parseCellRow } from '../../src/pipeline/export/cell-csv.js';

const cell = (over: Partial<CsvCell> = {}): CsvCell => ({
  radio: 'wcdma',
  mcc: 208,
  mnc: 10,
  lac: 16505,
  cid: 47046446,
  psc: 301,
  lat: 50.485447,
  lon: 2.540156,
  radius: 1000,
  samples: 151,
  created: new Date(1_290_033_687_000),
  modified: new Date(1_406_341_488_000),
  ...over,
});

describe('formatCellRow', () => {
  test('the header is exactly the OpenCellID one', () => {
    assert.equal(CELL_CSV_HEADER, 'radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal');
  });

  test('longitude before latitude, UMTS for WCDMA, Unix seconds, changeable 1, averageSignal 0', () => {
    assert.equal(formatCellRow(cell()), 'UMTS,208,10,16505,47046446,301,2.540156,50.485447,1000,151,1,1290033687,1406341488,0');
  });

  test('radio names GSM/UMTS/LTE/NR; no PSC is an empty unit; 7 decimals', () => {
    assert.match(formatCellRow(cell({ radio: 'gsm', psc: null })), /^GSM,208,10,16505,47046446,,/);
    assert.match(formatCellRow(cell({ radio: 'lte' })), /^LTE,/);
    const nr = formatCellRow(cell({ radio: 'nr', cid: 2 ** 36 - 1, lac: 0xfffffd, lat: 48.123456789, lon: -1.987654321 }));
    assert.equal(nr.split(',').slice(0, 8).join(','), 'NR,208,10,16777213,68719476735,301,-1.9876543,48.1234568');
  });

  test('missing radius and samples are written as 0', () => {
    const f = formatCellRow(cell({ radius: null, samples: null })).split(',');
    assert.equal(f[8], '0');
    assert.equal(f[9], '0');
  });
});

describe('parseCellRow', () => {
  test('a sample-file line', () => {
    const p = parseCellRow('UMTS,208,10,16505,47046446,0,2.540156,50.485447,1000,151,1,1290033687,1406341488,0');
    assert.ok('cell' in p);
    assert.deepEqual(p.cell, { ...cell({ psc: 0 }) });
  });

  test('GSM has no PSC: unit dropped; CRLF tolerated', () => {
    const p = parseCellRow('GSM,208,20,80,17939,0,-1.229193,49.292793,8732,63,1,1290277096,1290465250,0\r');
    assert.ok('cell' in p);
    assert.equal(p.cell.psc, null);
    assert.equal(p.cell.radio, 'gsm');
    assert.equal(p.cell.radius, 8732);
  });

  test('ranges above 100 km are clamped (reference CELL_MAX_RADIUS); empty range is 0', () => {
    const big = parseCellRow('LTE,208,1,1,1,,2,48,250000,3,1,1290000000,1290000000,');
    assert.ok('cell' in big && big.cell.radius === 100_000);
    const empty = parseCellRow('LTE,208,1,1,1,,2,48,,3,1,1290000000,1290000000,');
    assert.ok('cell' in empty && empty.cell.radius === 0);
  });

  test('each identity and value rule skips with its reason', () => {
    const base = ['GSM', '208', '10', '18013', '8653', '0', '2.27', '48.98', '1000', '3', '1', '1290000321', '1290000321', '0'];
    const withField = (i: number, v: string) => base.map((x, j) => (j === i ? v : x)).join(',');
    const cases: Array<[number, string, string]> = [
      [0, 'CDMA', 'radio'],
      [1, '999', 'mcc'],
      [2, '1000', 'mnc'],
      [3, '65534', 'lac'],
      [3, '0', 'lac'],
      [4, '65536', 'cid'],
      [7, '86', 'position'],
      [6, 'x', 'position'],
      [8, '-5', 'range'],
      [9, '-1', 'samples'],
      [12, 'yesterday', 'time'],
    ];
    for (const [i, v, reason] of cases) assert.deepEqual(parseCellRow(withField(i, v)), { skip: reason }, `${i}=${v}`);
    assert.deepEqual(parseCellRow('GSM,208,10'), { skip: 'columns' });
    assert.deepEqual(parseCellRow(base.map((x, j) => (j === 6 || j === 7 ? '0' : x)).join(',')), { skip: 'position' });
  });

  test('a missing created takes updated and vice versa', () => {
    const p = parseCellRow('LTE,208,1,1,1,,2,48,100,3,1,,1290000000,0');
    assert.ok('cell' in p && p.cell.created.getTime() === 1_290_000_000_000);
  });

  test('header detection', () => {
    assert.equal(isHeader(CELL_CSV_HEADER), true);
    assert.equal(isHeader('GSM,208,10,1,1,0,2,48,1,1,1,1,1,0'), false);
  });

  test('property: a formatted valid cell parses back to itself (within the 7-decimal rounding)', () => {
    const arb = fc.record({
      radio: fc.constantFrom('gsm', 'wcdma', 'lte', 'nr' as const),
      mnc: fc.integer({ min: 0, max: 999 }),
      lac: fc.integer({ min: 1, max: 65533 }),
      cid: fc.integer({ min: 1, max: 65535 }),
      psc: fc.integer({ min: 0, max: 503 }),
      lat: fc.double({ min: 42, max: 51, noNaN: true }),
      lon: fc.double({ min: -4, max: 7, noNaN: true }),
      radius: fc.integer({ min: 0, max: 100_000 }),
      samples: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      created: fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }),
      age: fc.integer({ min: 0, max: 100_000_000 }),
    });
    fc.assert(
      fc.property(arb, ({ age, created, ...a }) => {
        const c = cell({
          ...a,
          mcc: 208,
          psc: a.radio === 'gsm' ? null : a.psc,
          created: new Date(created * 1000),
          modified: new Date((created + age) * 1000),
        });
        const p = parseCellRow(formatCellRow(c));
        assert.ok('cell' in p);
        assert.ok(Math.abs(p.cell.lat - c.lat) <= 5e-8 && Math.abs(p.cell.lon - c.lon) <= 5e-8);
        assert.deepEqual({ ...p.cell, lat: 0, lon: 0 }, { ...c, lat: 0, lon: 0 });
      }),
    );
  });
});
