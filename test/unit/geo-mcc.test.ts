import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import table from '../../data/mcc.json' with { type: 'json' };
import { countryName } from '../../src/geo/countries.js';
import { isValidMcc, mccRegions } from '../../src/geo/mcc.js';
import { RegionIndex } from '../../src/geo/regions.js';

const ALL_MCCS = Object.keys(table).map(Number);

describe('MCC validity (api.md §3.1)', () => {
  test('234 known MCCs in 202..995', () => {
    assert.equal(ALL_MCCS.length, 234);
    assert.equal(Math.min(...ALL_MCCS), 202);
    assert.equal(Math.max(...ALL_MCCS), 995);
    assert.equal(ALL_MCCS.filter(isValidMcc).length, 234);
  });

  test('examples', () => {
    for (const mcc of [208, 234, 235, 262, 310, 311, 460]) assert.equal(isValidMcc(mcc), true, String(mcc));
    // Tuvalu (553) is excluded by the reference; 1, 101, 901, 999 are not country codes.
    for (const mcc of [553, 1, 101, 901, 999, 0, -262, 262.5, Number.NaN]) {
      assert.equal(isValidMcc(mcc), false, String(mcc));
      assert.deepEqual(mccRegions(mcc), []);
    }
  });

  test('valid exactly when the MCC has regions', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 2000 }), (mcc) => {
        assert.equal(isValidMcc(mcc), mccRegions(mcc).length > 0);
      }),
    );
  });
});

describe('MCC → regions (api.md §8.6)', () => {
  test('examples from the spec and ichnaea test_geocode.py', () => {
    const cases: Record<number, string[]> = {
      262: ['DE'],
      235: ['GB'],
      234: ['GB', 'GG', 'IM', 'JE'],
      310: ['BM', 'GU', 'MP', 'PR', 'US', 'VI'],
      311: ['AS', 'GU', 'US', 'VI'],
      208: ['FR', 'MC'],
      222: ['IT', 'SM', 'VA'],
      228: ['CH', 'LI'],
      244: ['FI'], // Åland (AX) is not a GENC region
      425: ['IL', 'XW'], // Palestine is West Bank (XW) in GENC
    };
    for (const [mcc, regions] of Object.entries(cases)) {
      assert.deepEqual(mccRegions(Number(mcc)), regions, mcc);
    }
  });

  test('results are sorted, frozen and shared', () => {
    const regions = mccRegions(234);
    assert.ok(Object.isFrozen(regions));
    assert.throws(() => (regions as string[]).push('XX'));
    assert.equal(mccRegions(234), regions);
    for (const mcc of ALL_MCCS) {
      const r = mccRegions(mcc);
      assert.deepEqual([...r].sort(), r);
    }
  });

  test('every region is a known, named region shape (ichnaea test_all_valid_mcc)', async () => {
    const codes = new Set((await RegionIndex.load()).codes());
    for (const mcc of ALL_MCCS) {
      for (const code of mccRegions(mcc)) {
        assert.ok(codes.has(code), `${mcc} → ${code}`);
        assert.ok(countryName(code), code);
      }
    }
  });
});
