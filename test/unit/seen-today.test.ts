import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { seenToday } from '../../src/providers/internal.js';

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

test('seenToday: the same UTC calendar day, as the ISO date strings say', () => {
  const date = fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
  fc.assert(
    fc.property(date, date, (a, b) => {
      assert.equal(seenToday(a, b), isoDay(a) === isoDay(b));
    }),
    { numRuns: 5000 },
  );
  fc.assert(
    fc.property(date, fc.integer({ min: -2, max: 2 }), (a, ms) => {
      const b = new Date(a.getTime() + ms);
      assert.equal(seenToday(a, b), isoDay(a) === isoDay(b));
    }),
  );
  const midnight = new Date('2026-11-23T00:00:00Z');
  assert.equal(seenToday(new Date(midnight.getTime() - 1), midnight), false);
  assert.equal(seenToday(midnight, new Date(midnight.getTime() + 86_399_999)), true);
  assert.equal(seenToday(null, midnight), false);
});
