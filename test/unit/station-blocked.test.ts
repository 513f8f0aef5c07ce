import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isBlocked, roundHalfEven, utcDay } from '../../src/pipeline/station/blocked.js';

const NOW = new Date('2024-03-15T12:00:00Z');
const DAY = 86_400_000;
const daysAgo = (n: number): Date => new Date(NOW.getTime() - n * DAY);
const dateAgo = (n: number): Date => utcDay(daysAgo(n));

describe('isBlocked (api.md §8.4)', () => {
  test('never blocked: usable', () => {
    assert.equal(isBlocked({ blockLast: null, blockCount: null, created: daysAgo(400) }, NOW), false);
    assert.equal(isBlocked({ blockLast: null, blockCount: 0, created: NOW }, NOW), false);
  });

  test('blocked while block_last is today or yesterday, not from the second day on', () => {
    const old = daysAgo(3000); // the count rule alone would not block
    assert.equal(isBlocked({ blockLast: dateAgo(0), blockCount: 1, created: old }, NOW), true);
    assert.equal(isBlocked({ blockLast: dateAgo(1), blockCount: 1, created: old }, NOW), true);
    assert.equal(isBlocked({ blockLast: dateAgo(2), blockCount: 1, created: old }, NOW), false);
    // the day boundary, not 48 hours, decides
    const lateToday = new Date('2024-03-15T23:59:59Z');
    assert.equal(isBlocked({ blockLast: utcDay(new Date('2024-03-13T00:00:00Z')), blockCount: 1, created: old }, lateToday), false);
    assert.equal(isBlocked({ blockLast: utcDay(new Date('2024-03-14T00:00:00Z')), blockCount: 1, created: old }, lateToday), true);
  });

  test('blocked while block_count ≥ round(days since created / 30)', () => {
    // 90 days old: round(3) = 3
    assert.equal(isBlocked({ blockLast: dateAgo(10), blockCount: 3, created: daysAgo(90) }, NOW), true);
    assert.equal(isBlocked({ blockLast: dateAgo(10), blockCount: 2, created: daysAgo(90) }, NOW), false);
    // a new station blocked once stays blocked until round(days/30) passes 1, at 45 days
    assert.equal(isBlocked({ blockLast: dateAgo(40), blockCount: 1, created: daysAgo(44) }, NOW), true);
    assert.equal(isBlocked({ blockLast: dateAgo(40), blockCount: 1, created: daysAgo(46) }, NOW), false);
  });

  test('halves round to even, as the reference (Python round): 75 days ⇒ 2', () => {
    assert.equal(isBlocked({ blockLast: dateAgo(10), blockCount: 2, created: daysAgo(75) }, NOW), true);
    assert.equal(isBlocked({ blockLast: dateAgo(10), blockCount: 2, created: daysAgo(105) }, NOW), false);
    assert.equal(roundHalfEven(2.5), 2);
    assert.equal(roundHalfEven(1.5), 2);
    assert.equal(roundHalfEven(0.5), 0);
    assert.equal(roundHalfEven(2.4), 2);
    assert.equal(roundHalfEven(2.6), 3);
  });

  test('without created only block_last counts', () => {
    assert.equal(isBlocked({ blockLast: dateAgo(5), blockCount: 100, created: null }, NOW), false);
  });

  test('property: a station blocked today is blocked, whatever its history', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 10_000 }), (count, age) => {
        return isBlocked({ blockLast: dateAgo(0), blockCount: count, created: daysAgo(age) }, NOW);
      }),
    );
  });
});
