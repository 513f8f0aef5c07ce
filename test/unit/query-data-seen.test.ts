// alreadySeenToday (§9: a locate query is not recorded when every one of its networks was used
// by the answer and already seen today) against the rule written out with `kind:key` strings, for
// any query and any used networks: mixed kinds, duplicates, keys shared across kinds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { areaKeyString, cellKeyString } from '../../src/domain/ids.js';
import { alreadySeenToday } from '../../src/providers/query-data.js';
import type { LocateQuery } from '../../src/providers/query.js';
import type { PositionResult, UsedNetwork } from '../../src/providers/result.js';

function reference(q: LocateQuery, best: PositionResult): boolean {
  const seen = new Set((best.usedNetworks ?? []).filter((n) => n.seenToday).map((n) => `${n.kind}:${n.key}`));
  const keys = [
    ...q.wifi.map((w) => `wifi:${w.mac}`),
    ...q.blue.map((b) => `blue:${b.mac}`),
    ...q.cells.map((c) => `cell:${cellKeyString(c)}`),
    ...q.areas.map((a) => `area:${areaKeyString(a)}`),
  ];
  return keys.length > 0 && keys.every((k) => seen.has(k));
}

// Few distinct values, so queries and used networks overlap often.
const mac = fc.constantFrom('3c22fb000001', '3c22fb000002', '3c22fb000003', '3c22fb000004');
const cell = fc.record({ radio: fc.constantFrom('gsm' as const, 'lte' as const), mcc: fc.constant(208), mnc: fc.constantFrom(1, 10), lac: fc.constantFrom(1, 2), cid: fc.constantFrom(7, 8) });
const area = fc.record({ radio: fc.constant('lte' as const), mcc: fc.constant(208), mnc: fc.constantFrom(1, 10), lac: fc.constantFrom(1, 2) });
const query = fc.record({
  ipf: fc.boolean(),
  lacf: fc.boolean(),
  wifi: fc.array(fc.record({ mac }), { maxLength: 4 }),
  blue: fc.array(fc.record({ mac }), { maxLength: 3 }),
  cells: fc.array(cell, { maxLength: 3 }),
  areas: fc.array(area, { maxLength: 2 }),
});

describe('alreadySeenToday', () => {
  test('agrees with the rule on kind:key strings for any query and used networks', () => {
    fc.assert(
      fc.property(query, fc.boolean(), fc.boolean(), (q, seenAll, dropOne) => {
        const candidates: UsedNetwork[] = [
          ...q.wifi.map((w) => ({ kind: 'wifi' as const, key: w.mac, seenToday: seenAll })),
          ...q.blue.map((b) => ({ kind: 'blue' as const, key: b.mac, seenToday: true })),
          ...q.cells.map((c) => ({ kind: 'cell' as const, key: cellKeyString(c), seenToday: true })),
          ...q.areas.map((a) => ({ kind: 'area' as const, key: areaKeyString(a), seenToday: seenAll })),
          // a key of one kind standing for another must not count
          ...q.wifi.map((w) => ({ kind: 'blue' as const, key: w.mac, seenToday: true })),
        ];
        const used = dropOne ? candidates.slice(1) : candidates;
        const best: PositionResult = { lat: 1, lon: 2, accuracy: 10, score: 1, source: 'internal', usedNetworks: used };
        assert.equal(alreadySeenToday(q as LocateQuery, best), reference(q as LocateQuery, best));
      }),
      { numRuns: 1000 },
    );
  });

  test('an empty query, or an answer without used networks, is never "already seen"', () => {
    const empty: LocateQuery = { ipf: true, lacf: true, wifi: [], blue: [], cells: [], areas: [] };
    const best: PositionResult = { lat: 1, lon: 2, accuracy: 10, score: 1, source: 'internal' };
    assert.equal(alreadySeenToday(empty, best), false);
    assert.equal(alreadySeenToday({ ...empty, wifi: [{ mac: '3c22fb000001' }] } as LocateQuery, best), false);
  });
});
