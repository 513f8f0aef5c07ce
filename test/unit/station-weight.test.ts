import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { RadioName } from '../../src/domain/radio.js';
import {
  accuracyWeight,
  ageWeight,
  cellSignalWeight,
  observationWeight,
  speedWeight,
  wifiSignalWeight,
} from '../../src/pipeline/station/weight.js';

const round2 = (v: number): number => Math.round(v * 100) / 100;

describe('accuracy weight (pipeline.md: √(10 / max(accuracy, 10)))', () => {
  test('the spec examples: 10 m 1.0, 40 m 0.5, 100 m 0.32', () => {
    assert.equal(accuracyWeight('wifi', 10), 1);
    assert.equal(accuracyWeight('wifi', 40), 0.5);
    assert.equal(round2(accuracyWeight('cell', 100)), 0.32);
  });
  test('missing counts as 10 m, smaller values are not favoured', () => {
    assert.equal(accuracyWeight('wifi', null), 1);
    assert.equal(accuracyWeight('wifi', undefined), 1);
    assert.equal(accuracyWeight('blue', 2), 1);
    assert.equal(accuracyWeight('cell', 0), 1);
  });
  test('0 above the kind limit: WiFi 200 m, Bluetooth 100 m, cells 1 000 m', () => {
    assert.equal(round2(accuracyWeight('wifi', 200)), 0.22);
    assert.equal(accuracyWeight('wifi', 200.5), 0);
    assert.equal(accuracyWeight('blue', 100), Math.sqrt(0.1));
    assert.equal(accuracyWeight('blue', 101), 0);
    assert.equal(accuracyWeight('cell', 1000), 0.1);
    assert.equal(accuracyWeight('cell', 1001), 0);
    assert.equal(accuracyWeight('cell', Infinity), 0);
  });
});

describe('age weight', () => {
  test('8 s: 0.5; up to 2 s and missing: 1.0; sign ignored', () => {
    assert.equal(ageWeight(8000), 0.5);
    assert.equal(ageWeight(-8000), 0.5);
    assert.equal(ageWeight(2000), 1);
    assert.equal(ageWeight(0), 1);
    assert.equal(ageWeight(null), 1);
  });
  test('0 above 20 s', () => {
    assert.equal(round2(ageWeight(20_000)), 0.32);
    assert.equal(ageWeight(20_001), 0);
    assert.equal(ageWeight(-20_001), 0);
  });
});

describe('speed weight', () => {
  test('10 m/s: 0.7, 20 m/s: 0.5, up to 5 m/s and missing: 1.0', () => {
    assert.equal(round2(speedWeight(10)), 0.71);
    assert.equal(speedWeight(20), 0.5);
    assert.equal(speedWeight(5), 1);
    assert.equal(speedWeight(0), 1);
    assert.equal(speedWeight(null), 1);
  });
  test('0 above 50 m/s, also far above (the reference let > 300 m/s through as missing)', () => {
    assert.equal(round2(speedWeight(50)), 0.32);
    assert.equal(speedWeight(50.1), 0);
    assert.equal(speedWeight(400), 0);
  });
});

describe('signal weight', () => {
  test('WiFi: −100 ≈ 0.5, −80 1.0, −60 2.4; missing or out of range ⇒ −80', () => {
    assert.equal(round2(wifiSignalWeight(-100)), 0.48);
    assert.equal(wifiSignalWeight(-80), 1);
    assert.equal(round2(wifiSignalWeight(-60)), 2.44);
    assert.equal(wifiSignalWeight(null), 1);
    assert.equal(wifiSignalWeight(-101), 1);
    assert.equal(wifiSignalWeight(20), 1);
  });
  test('cells: 1.0 at the radio median, the reference maps', () => {
    const cases: Array<[RadioName, number, number]> = [
      ['gsm', -95, 1],
      ['gsm', -113, 0.52],
      ['gsm', -79, 2.01],
      ['wcdma', -100, 1],
      ['wcdma', -80, 2.44],
      ['wcdma', -121, 0.47],
      ['lte', -105, 1],
      ['lte', -140, 0.3],
      ['lte', -89, 2.01],
      ['nr', -105, 1],
      ['nr', -156, 0.19],
    ];
    for (const [radio, signal, want] of cases) assert.equal(round2(cellSignalWeight(radio, signal)), want, `${radio} ${signal}`);
  });
  test('cells: missing or out-of-range signal weighs as the median', () => {
    assert.equal(cellSignalWeight('gsm', null), 1);
    assert.equal(cellSignalWeight('gsm', -40), 1);
    assert.equal(cellSignalWeight('nr', -30), 1);
    assert.equal(cellSignalWeight('lte', Number.NaN), 1);
  });
});

describe('observationWeight', () => {
  test('the product of the four weights; Bluetooth signal is not weighted', () => {
    const w = observationWeight({ kind: 'wifi', accuracy: 40, age: 8000, speed: 20, signal: -60 });
    assert.equal(round2(w), round2(0.5 * 0.5 * 0.5 * 2.441));
    assert.equal(observationWeight({ kind: 'blue', accuracy: 40, signal: -127 }), 0.5);
    assert.equal(observationWeight({ kind: 'cell', radio: 'wcdma', accuracy: 100, signal: -100 }), Math.sqrt(0.1));
  });
  test('any single zero factor zeroes the weight', () => {
    assert.equal(observationWeight({ kind: 'wifi', accuracy: 300 }), 0);
    assert.equal(observationWeight({ kind: 'cell', radio: 'lte', age: 30_000 }), 0);
    assert.equal(observationWeight({ kind: 'blue', speed: 60 }), 0);
  });
  test('property: every weight is finite and ≥ 0, whatever the numbers', () => {
    const num = fc.option(fc.oneof(fc.double(), fc.integer({ min: -200, max: 50 })), { nil: null });
    const kind = fc.constantFrom('wifi' as const, 'blue' as const, 'cell' as const);
    const radio = fc.constantFrom<RadioName>('gsm', 'wcdma', 'lte', 'nr');
    fc.assert(
      fc.property(kind, radio, num, num, num, num, (k, r, accuracy, age, speed, signal) => {
        const fields = { accuracy, age, speed, signal };
        const w = k === 'cell' ? observationWeight({ kind: k, radio: r, ...fields }) : observationWeight({ kind: k, ...fields });
        return Number.isFinite(w) && w >= 0;
      }),
      { numRuns: 2000 },
    );
  });
});
