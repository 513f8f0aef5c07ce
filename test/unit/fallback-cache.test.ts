// External fallback cache rules (api.md §8.8, §0.5): what is cached and how cached answers combine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  cacheTarget,
  combineCached,
  decodeCacheValue,
  encodeCacheValue,
} from '../../src/providers/fallback-cache.js';
import type { OutboundQuery } from '../../src/providers/fallback-schemas.js';

const wifi = (n: number) => Array.from({ length: n }, (_, i) => ({ mac: `a82066b3ab${(16 + i).toString(16)}` }));
const blue = (n: number) => Array.from({ length: n }, (_, i) => ({ mac: `0123456789${(16 + i).toString(16)}` }));
const CELL = { radio: 'lte' as const, mcc: 262, mnc: 1, lac: 5126, cid: 21857 };

function query(parts: Partial<OutboundQuery>): OutboundQuery {
  return { lacf: true, wifi: [], blue: [], cells: [], ...parts };
}

describe('cacheTarget', () => {
  test('only with a positive cache_expire', () => {
    const q = query({ cells: [CELL] });
    assert.equal(cacheTarget(q, null), null);
    assert.equal(cacheTarget(q, 0), null);
    assert.deepEqual(cacheTarget(q, 60), { kind: 'cell', ids: ['lte:262:1:5126:21857'] });
  });

  test('exactly one cell and nothing else', () => {
    assert.equal(cacheTarget(query({ cells: [CELL, { ...CELL, cid: 2 }] }), 60), null);
    assert.equal(cacheTarget(query({ cells: [CELL], wifi: wifi(2) }), 60), null);
    assert.equal(cacheTarget(query({ cells: [CELL], blue: blue(2) }), 60), null);
  });

  test('1–19 WiFi only, or 1–19 Bluetooth only', () => {
    assert.deepEqual(cacheTarget(query({ wifi: wifi(2) }), 60), { kind: 'wifi', ids: ['a82066b3ab10', 'a82066b3ab11'] });
    assert.equal(cacheTarget(query({ wifi: wifi(19) }), 60)?.ids.length, 19);
    assert.equal(cacheTarget(query({ wifi: wifi(20) }), 60), null);
    assert.deepEqual(cacheTarget(query({ blue: blue(2) }), 60)?.kind, 'blue');
    assert.equal(cacheTarget(query({ blue: blue(20) }), 60), null);
    assert.equal(cacheTarget(query({ blue: blue(2), wifi: wifi(2) }), 60), null);
    assert.equal(cacheTarget(query({}), 60), null);
  });
});

describe('cache values', () => {
  test('not found is stored as the JSON string "404", positions as JSON objects', () => {
    assert.equal(encodeCacheValue('notfound'), '"404"');
    assert.equal(
      encodeCacheValue({ lat: 1.5, lon: 2, accuracy: 100, fallback: null }),
      '{"lat":1.5,"lon":2,"accuracy":100,"fallback":null}',
    );
    assert.equal(decodeCacheValue('"404"'), 'notfound');
    assert.equal(decodeCacheValue('{broken'), undefined);
    assert.equal(decodeCacheValue('{"lat":100,"lon":0,"accuracy":1}'), undefined);
  });

  test('round trip', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.constantFrom<'lacf' | null>('lacf', null),
        (lat, lon, accuracy, fallback) => {
          const v = { lat, lon, accuracy, fallback };
          assert.deepEqual(decodeCacheValue(encodeCacheValue(v)), { ...v, lat: lat + 0, lon: lon + 0, accuracy: accuracy + 0 });
        },
      ),
    );
  });
});

describe('combineCached', () => {
  const enc = (lat: number, lon: number, accuracy: number, fallback: 'lacf' | null = null) =>
    encodeCacheValue({ lat, lon, accuracy, fallback });

  test('nothing cached is a miss; absent keys are skipped', () => {
    assert.deepEqual(combineCached([null, null]), { kind: 'miss' });
    assert.deepEqual(combineCached([null, '"404"']), { kind: 'hit', value: 'notfound' });
  });

  test('all not found is a cached not found; mixed with a position it is inconsistent', () => {
    assert.deepEqual(combineCached(['"404"', '"404"']), { kind: 'hit', value: 'notfound' });
    assert.deepEqual(combineCached(['"404"', enc(51.5, -0.1, 100)]), { kind: 'inconsistent' });
  });

  test('values in one bucket average; accuracy = max(distance + accuracy) to 3 decimals', () => {
    // the reference's own case: 0.0001° of latitude apart, accuracies 100 and 200 ⇒ ≈205.56 m
    const read = combineCached([enc(51.5, -0.1, 100), enc(51.5001, -0.1, 200)]);
    assert.equal(read.kind, 'hit');
    if (read.kind !== 'hit' || read.value === 'notfound') return;
    assert.ok(Math.abs(read.value.lat - 51.50005) < 1e-9);
    assert.equal(read.value.lon, -0.1);
    assert.ok(Math.abs(read.value.accuracy - 205.56) < 0.01, `${read.value.accuracy}`);
    assert.equal(read.value.accuracy, Math.round(read.value.accuracy * 1000) / 1000);
    assert.equal(read.value.fallback, null);
  });

  test('a different longitude is a different bucket (the reference ignored longitude)', () => {
    assert.deepEqual(combineCached([enc(51.5, -0.1, 100), enc(51.5, -0.2, 100)]), { kind: 'inconsistent' });
  });

  test('a different fallback tag is a different bucket', () => {
    assert.deepEqual(combineCached([enc(51.5, -0.1, 100), enc(51.5, -0.1, 100, 'lacf')]), { kind: 'inconsistent' });
    const lacf = combineCached([enc(51.5, -0.1, 100, 'lacf'), enc(51.5, -0.1, 100, 'lacf')]);
    assert.deepEqual(lacf, { kind: 'hit', value: { lat: 51.5, lon: -0.1, accuracy: 100, fallback: 'lacf' } });
  });

  test('an unreadable value makes the read a miss', () => {
    assert.deepEqual(combineCached([enc(51.5, -0.1, 100), 'garbage']), { kind: 'miss' });
  });
});
