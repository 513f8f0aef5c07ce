import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locateBody } from '../../src/eval/bodies.js';
import { Radio } from '../../src/eval/hearing.js';
import { oracle, weightedCentroid } from '../../src/eval/oracle.js';
import { hashGauss, inverseNormal, Rng } from '../../src/eval/prng.js';
import { BLUE_MODEL, pathLoss, received, sectorAttenuation, shadowing, WIFI_MODEL } from '../../src/eval/radio.js';
import { buildScenario, countMove, submissions } from '../../src/eval/simulate.js';
import { route, SIGMA_PER_ACCURACY } from '../../src/eval/walks.js';
import { buildWorld, DEFAULT_WORLD } from '../../src/eval/world.js';

const tiny = {
  world: { ...DEFAULT_WORLD, size: 600, wifi: 150, blue: 40, hotspots: 6 },
  walks: { walkers: 3, distance: 600, window: 3600 },
  queries: 12,
};

describe('path loss', () => {
  it('follows the log-distance law: n·10 dB per decade', () => {
    assert.equal(pathLoss(WIFI_MODEL, 1), WIFI_MODEL.pl0);
    assert.ok(Math.abs(pathLoss(WIFI_MODEL, 100) - pathLoss(WIFI_MODEL, 10) - 10 * WIFI_MODEL.exponent) < 1e-9);
    // Under 1 m counts as 1 m (no gain from standing on the antenna).
    assert.equal(pathLoss(WIFI_MODEL, 0.1), WIFI_MODEL.pl0);
  });

  it('received = tx − loss − shadow − antenna + σ_fade·fade', () => {
    assert.equal(received(BLUE_MODEL, -59, 1, 0, 0), -59);
    assert.ok(Math.abs(received(WIFI_MODEL, 20, 10, 3, 1, 2) - (20 - 75 - 3 - 2 + 2)) < 1e-9);
  });

  it('shadowing is deterministic, spatially smooth, with the model σ', () => {
    assert.equal(shadowing(WIFI_MODEL, 1, 7, 123.4, 56.7), shadowing(WIFI_MODEL, 1, 7, 123.4, 56.7));
    assert.notEqual(shadowing(WIFI_MODEL, 1, 7, 123.4, 56.7), shadowing(WIFI_MODEL, 1, 8, 123.4, 56.7));
    assert.ok(Math.abs(shadowing(WIFI_MODEL, 1, 7, 100, 100) - shadowing(WIFI_MODEL, 1, 7, 100.5, 100)) < 1);
    const values = Array.from({ length: 4000 }, (_, i) => shadowing(WIFI_MODEL, 2, i, (i * 37) % 1000, (i * 91) % 1000));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    assert.ok(Math.abs(mean) < 0.5, `mean ${mean}`);
    assert.ok(Math.abs(sd - WIFI_MODEL.shadowSigma) < 0.6, `sd ${sd}`);
  });

  it('sector antennas lose 12 dB per (θ/70°)², at most 20 dB', () => {
    assert.equal(sectorAttenuation(90, 90), 0);
    assert.ok(Math.abs(sectorAttenuation(160, 90) - 12) < 1e-9);
    assert.equal(sectorAttenuation(270, 90), 20);
    assert.equal(sectorAttenuation(350, 10), sectorAttenuation(30, 10));
  });
});

describe('seeded randomness', () => {
  it('the same seed gives the same sequence, another seed another one', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(sa, Array.from({ length: 5 }, () => b.next()));
    assert.notDeepEqual(sa, Array.from({ length: 5 }, () => c.next()));
    assert.ok(sa.every((v) => v >= 0 && v < 1));
  });

  it('normal draws have mean 0 and σ 1; the quantile table is accurate', () => {
    const r = new Rng(5);
    const xs = Array.from({ length: 20000 }, () => r.gauss());
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / xs.length);
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(sd - 1) < 0.03);
    assert.ok(Math.abs(inverseNormal(0.975) - 1.959964) < 1e-5);
    assert.equal(hashGauss(1, 2, 3, 4), hashGauss(1, 2, 3, 4));
  });

  it('the scenario and its geosubmits are a function of the seed', () => {
    const a = buildScenario(tiny);
    const b = buildScenario(tiny);
    assert.deepEqual(a.heldOut, b.heldOut);
    assert.deepEqual(submissions(a, 1_700_000_000_000), submissions(b, 1_700_000_000_000));
    const c = buildScenario({ ...tiny, world: { ...tiny.world, seed: 2 } });
    assert.notDeepEqual(a.world.wifi[0], c.world.wifi[0]);
  });

  it('GNSS error: 68 % of fixes within the stated accuracy means σ = accuracy / 1.51', () => {
    assert.ok(Math.abs(1 / SIGMA_PER_ACCURACY - 1.5096) < 1e-3);
  });
});

describe('world and scans', () => {
  const world = buildWorld(tiny.world);

  it('walks follow the streets', () => {
    const pts = route(new Rng(1), world, 500, 10);
    assert.ok(pts.length >= 45);
    for (const p of pts) assert.ok(p.x % 100 === 0 || p.y % 100 === 0, `${p.x},${p.y}`);
    for (let i = 1; i < pts.length; i++) assert.ok(Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y) <= 10.0001);
  });

  it('a device hears nearby APs more strongly, and one serving cell per radio', () => {
    const radio = new Radio(world);
    const scan = radio.scan({ x: 300, y: 300 }, 0, { operator: 0, nr: true, blue: true }, new Rng(3));
    assert.ok(scan.wifi.length > 5);
    assert.ok(scan.wifi.every((h) => h.signal >= WIFI_MODEL.sensitivity && h.signal <= -20));
    const near = scan.wifi.filter((h) => Math.hypot(h.station.x - 300, h.station.y - 300) < 50);
    const far = scan.wifi.filter((h) => Math.hypot(h.station.x - 300, h.station.y - 300) > 150);
    const avg = (hs: typeof near) => hs.reduce((s, h) => s + h.signal, 0) / hs.length;
    if (near.length && far.length) assert.ok(avg(near) > avg(far));
    assert.ok(scan.cells.length >= 1 && scan.cells.length <= 2);
    assert.equal(new Set(scan.cells.map((c) => c.station.radio)).size, scan.cells.length);
  });

  it('locate bodies keep the ≤ 30 strongest networks and leave out what is not asked for', () => {
    const scan = new Radio(world).scan({ x: 200, y: 100 }, 0, { operator: 1, nr: false, blue: false }, new Rng(4));
    const body = locateBody(scan, { cells: true }) as Record<string, unknown>;
    assert.equal(body.wifiAccessPoints, undefined);
    assert.ok(Array.isArray(body.cellTowers));
    const full = locateBody(scan, { wifi: true, cells: true }) as { wifiAccessPoints: Array<{ signalStrength: number }> };
    assert.ok(full.wifiAccessPoints.length <= 30);
  });

  it('a body without some MACs keeps the other networks the phone reported (no 31st moves up)', () => {
    const h = (mac: string, signal: number) => ({ station: { id: 0, mac, tx: 18, x: 0, y: 0 }, signal });
    const wifi = Array.from({ length: 31 }, (_, i) => h(`00000000${(0x10 + i).toString(16)}00`, -50 - i));
    const scan = { wifi, hotspots: [{ station: { ...h('020000000001', -40).station, ssid: 'AndroidAP_1', kind: 'roamer' as const, appearances: [], now: null }, signal: -40 }], blue: [], cells: [] };
    const macs = (b: unknown) => ((b as { wifiAccessPoints: Array<{ macAddress: string }> }).wifiAccessPoints ?? []).map((w) => w.macAddress.replaceAll(':', ''));
    const full = macs(locateBody(scan, { wifi: true, hotspots: true }));
    assert.equal(full.length, 30);
    assert.ok(full.includes('020000000001'));
    const without = macs(locateBody(scan, { wifi: true, hotspots: true, without: new Set(['020000000001']) }));
    assert.deepEqual(without, full.filter((m) => m !== '020000000001'));
    // Re-choosing the 30 strongest without the hotspot would let the 31st AP in.
    assert.equal(macs(locateBody(scan, { wifi: true })).length, 30);
  });

  it('countMove: a shift > 0.5 m or an accuracy change counts; worse when the error grew > 1 m', () => {
    const truth = { lat: 48.85, lon: 2.35 };
    const m = { moved: 0, maxShift: 0, worse: 0 };
    const a = { lat: 48.85, lng: 2.35, accuracy: 50 };
    countMove(m, a, { ...a }, truth);
    countMove(m, a, { ...a, lat: 48.85 + 0.3 / 111_195 }, truth);
    assert.deepEqual({ ...m, maxShift: Math.round(m.maxShift * 10) / 10 }, { moved: 0, maxShift: 0.3, worse: 0 });
    countMove(m, a, { ...a, accuracy: 60 }, truth);
    assert.equal(m.moved, 1);
    assert.equal(m.worse, 0);
    countMove(m, { ...a, lat: 48.85 + 20 / 111_195 }, a, truth);
    assert.equal(m.moved, 2);
    assert.equal(m.worse, 1);
    countMove(m, null, a, truth);
    assert.equal(m.maxShift, Number.POSITIVE_INFINITY);
  });

  it('the oracle is the 1/signal²-weighted centroid of true positions', () => {
    const c = weightedCentroid([
      { station: { x: 0, y: 0 }, signal: -50 },
      { station: { x: 100, y: 0 }, signal: -100 },
    ]);
    assert.ok(c && Math.abs(c.x - 20) < 1e-9 && c.y === 0);
    assert.equal(oracle({ wifi: [], hotspots: [], blue: [], cells: [] }, 'cell'), null);
  });
});
