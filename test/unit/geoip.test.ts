import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  BUNDLED_GEOIP,
  type GeoIp,
  GeoIpError,
  type GeoIpRecord,
  openGeoIp,
  resultFromRecord,
} from '../../src/geoip/geoip.js';
import { BIG_CITIES, CITY_SCORES, SUBDIVISION_RADII, cityRadiusByName } from '../../src/geoip/tables.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const CITY_TEST = fixture('GeoIP2-City-Test.mmdb');
const COUNTRY_TEST = fixture('GeoLite2-Country-Test.mmdb');

// Region radii from api.md §8.7 (the reference's region shapes).
const REGION_RADII: Record<string, number> = { GB: 543_000, BT: 190_000, US: 2_971_000, DE: 463_000 };
const regionRadius = (code: string): number | undefined => REGION_RADII[code];

const LONDON = { lat: 51.5142, lon: -0.0931, countryCode: 'GB', radius: 40_000, score: 0.8, hasCity: true };

describe('GeoIP with the MaxMind GeoIP2-City test database', () => {
  let geoip: GeoIp;
  before(async () => {
    geoip = await openGeoIp(CITY_TEST, regionRadius, new Date('2026-02-14T22:49:29Z'));
  });

  test('reference answers (api.md §8.7 [T])', () => {
    assert.deepEqual(geoip.lookup('81.2.69.192'), LONDON);
    // accuracy_radius 3 km beats the London city radius.
    assert.deepEqual(geoip.lookup('81.2.69.144'), { ...LONDON, radius: 3_000 });
    // Country-only record: the BT region radius caps accuracy_radius 534 km; score 0.9.
    assert.deepEqual(geoip.lookup('67.43.156.1'), {
      lat: 27.5, lon: 90.5, countryCode: 'BT', radius: 190_000, score: 0.9, hasCity: false,
    });
  });

  test('IPv6 city: San Diego, accuracy_radius 20 km under the 25 km city default', () => {
    assert.deepEqual(geoip.lookup('2001:480:10::1'), {
      lat: 32.7203, lon: -117.1552, countryCode: 'US', radius: 20_000, score: 0.8, hasCity: true,
    });
  });

  test('other records: default city radius, per-country scores, unknown region radius', () => {
    assert.deepEqual(geoip.lookup('89.160.20.112'), {
      lat: 58.4167, lon: 15.6167, countryCode: 'SE', radius: 25_000, score: 0.7, hasCity: true,
    });
    assert.deepEqual(geoip.lookup('175.16.199.1'), {
      lat: 43.88, lon: 125.3228, countryCode: 'CN', radius: 25_000, score: 0.6, hasCity: true,
    });
    // PH is not in the region map (⇒ 5 000 km); accuracy_radius 121 km wins; no city ⇒ 0.9.
    assert.deepEqual(geoip.lookup('202.196.224.1'), {
      lat: 13, lon: 122, countryCode: 'PH', radius: 121_000, score: 0.9, hasCity: false,
    });
  });

  test('IPv4-mapped and IPv4-compatible spellings find the IPv4 record', () => {
    for (const ip of ['::ffff:81.2.69.192', '::FFFF:5102:45c0', '0:0:0:0:0:ffff:5102:45c0']) {
      assert.deepEqual(geoip.lookup(ip), LONDON, ip);
    }
  });

  test('no answer: invalid, non-public, absent, or records without a position', () => {
    const none = [
      '127.0.0.1', '8.8.8.8', 'not-an-ip', '', ' 81.2.69.192', '81.2.69', '081.2.69.192', '81.2.69.256',
      '10.0.0.1', '192.168.1.1', '::1', '::', 'fe80::1', 'fe80::1%eth0', '::ffff:127.0.0.1',
      '214.1.1.1', // found: anycast traits only, no country, no location
      '2.3.3.1', // found: continent only
    ];
    for (const ip of none) assert.equal(geoip.lookup(ip), null, JSON.stringify(ip));
  });

  test('lookup never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), (s) => {
        const r = geoip.lookup(s);
        assert.ok(r === null || (r.radius > 0 && r.countryCode.length === 2));
      }),
    );
  });

  test('info: path, type, build epoch and age in whole days', () => {
    assert.deepEqual(geoip.info(), {
      path: CITY_TEST,
      databaseType: 'GeoIP2-City',
      buildEpoch: new Date('2026-02-04T22:49:29Z'),
      ageInDays: 10,
    });
  });

  test('a smaller region radius caps the city radius', async () => {
    const tiny = await openGeoIp(CITY_TEST, () => 10_000);
    assert.equal(tiny.lookup('81.2.69.192')?.radius, 10_000);
  });
});

describe('openGeoIp rejects unusable files', () => {
  test('Country database', async () => {
    await assert.rejects(openGeoIp(COUNTRY_TEST, regionRadius), (err: unknown) => {
      assert.ok(err instanceof GeoIpError);
      assert.match(err.message, /GeoLite2-Country/);
      assert.match(err.message, /City database is required/);
      return true;
    });
  });

  test('missing file', async () => {
    await assert.rejects(openGeoIp(fixture('nope.mmdb'), regionRadius), GeoIpError);
  });
});

describe('radius and score rules (resultFromRecord)', () => {
  const base: GeoIpRecord = { countryCode: 'GB', lat: 51.5, lon: -0.1, hasSubdivision: false, city: null };

  test('GENC remap AX→FI, PS→XW, SJ→XR, UM→US, before the table look-ups', () => {
    const codes = ['AX', 'PS', 'SJ', 'UM', 'ax'].map((c) => resultFromRecord({ ...base, countryCode: c }, () => undefined)?.countryCode);
    assert.deepEqual(codes, ['FI', 'XW', 'XR', 'US', 'FI']);
    // UM uses the US subdivision radius and the US city score.
    const um = resultFromRecord({ ...base, countryCode: 'UM', hasSubdivision: true, city: { name: 'X' } }, () => undefined);
    assert.deepEqual([um?.radius, um?.score], [25_000, 0.8]);
    const umNoCity = resultFromRecord({ ...base, countryCode: 'UM', hasSubdivision: true }, () => undefined);
    assert.equal(umNoCity?.radius, 1_200_000);
  });

  test('defaults: region 5 000 km, subdivision 400 km, city 25 km, score 0.3', () => {
    const rec = { ...base, countryCode: 'ZZ' };
    assert.equal(resultFromRecord(rec, () => undefined)?.radius, 5_000_000);
    assert.equal(resultFromRecord({ ...rec, hasSubdivision: true }, () => undefined)?.radius, 400_000);
    const city = resultFromRecord({ ...rec, hasSubdivision: true, city: { geonameId: 1 } }, () => undefined);
    assert.deepEqual([city?.radius, city?.score], [25_000, 0.3]);
  });

  test('0.0 latitude or longitude and a missing country count as missing', () => {
    assert.equal(resultFromRecord({ ...base, lat: 0 }, regionRadius), null);
    assert.equal(resultFromRecord({ ...base, lon: 0 }, regionRadius), null);
    assert.equal(resultFromRecord({ ...base, lat: undefined }, regionRadius), null);
    assert.equal(resultFromRecord({ ...base, countryCode: undefined }, regionRadius), null);
    assert.equal(resultFromRecord({ ...base, countryCode: '' }, regionRadius), null);
  });

  test('positions are rounded to 7 decimal places', () => {
    const r = resultFromRecord({ ...base, lat: 51.51430130004883, lon: -0.09122440218925476 }, regionRadius);
    assert.deepEqual([r?.lat, r?.lon], [51.5143013, -0.0912244]);
  });

  test('property: radius is the minimum of the applicable bounds; score 0.9 iff no city', () => {
    const code = fc.constantFrom('GB', 'US', 'CA', 'BT', 'DE', 'FR', 'ZZ', 'CN');
    const city = fc.oneof(
      fc.constant(null),
      fc.constantFrom(...BIG_CITIES.map((c) => c.geonameId), 1, 5391811).map((geonameId) => ({ geonameId })),
    );
    fc.assert(
      fc.property(code, fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }), fc.boolean(), city,
        (cc, accuracyKm, hasSubdivision, c) => {
          const r = resultFromRecord({ ...base, countryCode: cc, accuracyKm, hasSubdivision, city: c }, regionRadius);
          assert.ok(r);
          const bounds = [REGION_RADII[cc] ?? 5_000_000];
          if (accuracyKm) bounds.push(accuracyKm * 1000);
          if (hasSubdivision) bounds.push(SUBDIVISION_RADII[cc] ?? 400_000);
          if (c) bounds.push(BIG_CITIES.find((b) => b.geonameId === c.geonameId)?.radius ?? 25_000);
          assert.equal(r.radius, Math.min(...bounds));
          assert.equal(r.score, c ? (CITY_SCORES[cc] ?? 0.3) : 0.9);
          assert.equal(r.hasCity, c !== null);
        }),
    );
  });
});

describe('tables copied from the reference', () => {
  test('34 big cities, 26–68 km, London and New York', () => {
    assert.equal(BIG_CITIES.length, 34);
    assert.equal(new Set(BIG_CITIES.map((c) => c.geonameId)).size, 34);
    const radii = BIG_CITIES.map((c) => c.radius);
    assert.deepEqual([Math.min(...radii), Math.max(...radii)], [26_000, 68_000]);
    assert.equal(BIG_CITIES.find((c) => c.geonameId === 2643743)?.radius, 40_000);
    assert.equal(BIG_CITIES.find((c) => c.geonameId === 5128581)?.radius, 41_000);
  });

  test('scores and subdivision radii', () => {
    assert.deepEqual([CITY_SCORES.GB, CITY_SCORES.US, CITY_SCORES.DE, CITY_SCORES.FR], [0.8, 0.8, 0.8, 0.7]);
    assert.equal(Object.keys(SUBDIVISION_RADII).length, 19);
    assert.deepEqual([SUBDIVISION_RADII.GL, SUBDIVISION_RADII.SD], [1_600_000, 450_000]);
  });

  test('DB-IP city names match by country and base name', () => {
    assert.equal(cityRadiusByName('GB', 'London'), 40_000);
    assert.equal(cityRadiusByName('GB', 'London (South Bank)'), 40_000);
    assert.equal(cityRadiusByName('BR', 'São Paulo'), 46_000);
    assert.equal(cityRadiusByName('CO', 'Bogotá (Suba)'), 40_000);
    assert.equal(cityRadiusByName('CA', 'London'), 25_000);
    assert.equal(cityRadiusByName('IN', 'Navi Mumbai'), 25_000);
  });
});

describe('GeoIP with the bundled DB-IP City pair', () => {
  let geoip: GeoIp;
  before(async () => {
    geoip = await openGeoIp(undefined, regionRadius, new Date('2026-06-15T13:42:02Z'));
  });

  test('81.2.69.192 is London: big-city radius by name, GB city score', () => {
    const r = geoip.lookup('81.2.69.192');
    assert.ok(r);
    assert.deepEqual([r.countryCode, r.radius, r.score, r.hasCity], ['GB', 40_000, 0.8, true]);
    assert.ok(Math.abs(r.lat - 51.51) < 0.1 && Math.abs(r.lon + 0.1) < 0.1, `${r.lat},${r.lon}`);
    assert.deepEqual(geoip.lookup('::ffff:81.2.69.192'), r);
  });

  test('8.8.8.8 is in the US', () => {
    assert.equal(geoip.lookup('8.8.8.8')?.countryCode, 'US');
  });

  test('IPv6 addresses use the IPv6 file', () => {
    // "Berlin (Bezirk Mitte)" in DB-IP: matched to the reference's Berlin (27 km).
    const berlin = geoip.lookup('2001:638::1');
    assert.ok(berlin);
    assert.deepEqual([berlin.countryCode, berlin.radius, berlin.score, berlin.hasCity], ['DE', 27_000, 0.8, true]);
    // Frankfurt is no big city: state1 ⇒ subdivision, city ⇒ 25 km default.
    assert.deepEqual(
      [geoip.lookup('2a00:1450:4001::1')?.countryCode, geoip.lookup('2a00:1450:4001::1')?.radius],
      ['DE', 25_000],
    );
  });

  test('non-public addresses give null', () => {
    for (const ip of ['10.0.0.1', '127.0.0.1', '100.64.0.1', '::1', 'fe80::1', 'fd00::1', 'ff02::1']) {
      assert.equal(geoip.lookup(ip), null, ip);
    }
  });

  test('info and the BUNDLED_GEOIP marker', async () => {
    const info = geoip.info();
    assert.equal(info.databaseType, 'city ipv4 + city ipv6');
    assert.ok(info.path.endsWith('dbip-city-mmdb'), info.path);
    assert.deepEqual(info.buildEpoch, new Date('2026-06-05T13:42:02Z'));
    assert.equal(info.ageInDays, 10);
    const marked = await openGeoIp(BUNDLED_GEOIP, regionRadius);
    assert.deepEqual(marked.lookup('81.2.69.192'), geoip.lookup('81.2.69.192'));
  });
});
