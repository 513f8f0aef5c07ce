// Properties of submit body parsing (api.md §5.1): total on any JSON value, well-typed bodies
// always parse, and whatever comes out satisfies the Report invariants the pipeline relies on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isOptOutSsid } from '../../src/domain/mac.js';
import type { Report } from '../../src/domain/report.js';
import { type FieldSpec, fields, Issues, isNormalised, type Kind, normalised, readFields } from '../../src/web/submit/coerce.js';
import { parseSubmitBody, type SubmitFlavour } from '../../src/web/submit/parse.js';
import { FLAVOURS } from '../../src/web/submit/parse-v1.js';

const NOW = 1_763_000_000_000;
const FLAVOUR_NAMES: SubmitFlavour[] = ['v2', 'v1', 'v0'];

const finiteText = fc.double({ noNaN: true, noDefaultInfinity: true }).map(String);
/** Values of the right JSON type for each kind (including the absent ones: null, ""). */
const WELL_TYPED: Record<Kind, fc.Arbitrary<unknown>> = {
  int: fc.oneof(fc.integer(), fc.double(), fc.integer().map(String), fc.constantFrom(null, '', true, false, 68719476735)),
  float: fc.oneof(fc.double(), fc.integer(), finiteText, fc.constantFrom(null, '', 'NaN', '-Infinity', 'inf')),
  string: fc.oneof(fc.string(), fc.constantFrom(null, '', 0, false, 'home_nomap', 'x_optout', 'c0:25:e9:11:22:33')),
  radio: fc.oneof(fc.string(), fc.constantFrom(null, '', 'gsm', 'GSM', 'umts', 'Wcdma', 'lte', 'NR', 'cdma', '5g')),
  source: fc.oneof(fc.string(), fc.constantFrom(null, '', 'gps', 'manual', 'fixed', 'GNSS', 'fused', 'query')),
};
const TIMES = {
  int: fc.oneof(fc.double({ min: -1, max: 2e13 }), fc.constantFrom(null, 0, 1e12, 1e13, 1e13 - 1, '1763630102000')),
  iso: fc.oneof(
    fc.date({ min: new Date('1990-01-01'), max: new Date('2300-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.string(),
    fc.constantFrom(null, '', '2016-04-07T03:33:20'),
  ),
};
// Unknown keys are ignored (prefixed so they never collide with a known one).
const extras = fc.dictionary(fc.string().map((k) => `x_${k}`), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 });

function recordOf(spec: object, value: (k: Kind) => fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const entry of Object.values(spec) as Array<readonly [string, Kind] | undefined>) {
    if (entry) model[entry[0]] = value(entry[1]);
  }
  return fc.tuple(fc.record(model, { requiredKeys: [] }), extras).map(([r, x]) => ({ ...x, ...r }));
}

/** Items of a flavour, built from its field table; `value` chooses each field's value. */
function itemOf(flavour: SubmitFlavour, value: (k: Kind) => fc.Arbitrary<unknown>) {
  const spec = FLAVOURS[flavour];
  const list = (l: { fields: object; fallbacks?: object }) =>
    fc.array(recordOf({ ...l.fields, ...l.fallbacks }, value), { maxLength: 3 });
  const lists = fc.record(
    { [spec.wifi.key]: list(spec.wifi), [spec.cell.key]: list(spec.cell), [spec.blue.key]: list(spec.blue) },
    { requiredKeys: [] },
  );
  const position = recordOf(spec.position, value);
  const placed = spec.positionKey
    ? fc.option(position.map((p) => ({ [spec.positionKey as string]: p })), { nil: {} })
    : position;
  const time = fc.option(TIMES[spec.time[1]].map((t) => ({ [spec.time[0]]: t })), { nil: {} });
  return fc
    .tuple(recordOf({ ...spec.top, ...spec.radio }, value), placed, time, lists)
    .map(([top, p, t, l]) => ({ ...top, ...p, ...t, ...l }) as Record<string, unknown>);
}

const wellTyped = (k: Kind) => WELL_TYPED[k];
/** Mostly well-typed, now and then any JSON value at all. */
const mixed = (k: Kind) =>
  fc.oneof({ weight: 30, arbitrary: WELL_TYPED[k] }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });

const REPORT_KEYS = new Set(['timestamp', 'position', 'carrier', 'homeMobileCountryCode', 'homeMobileNetworkCode', 'wifiAccessPoints', 'cellTowers', 'bluetoothBeacons']);
const INT_FIELDS = new Set(['age', 'channel', 'frequency', 'signalStrength', 'signalToNoiseRatio', 'mobileCountryCode', 'mobileNetworkCode', 'locationAreaCode', 'cellId', 'asu', 'primaryScramblingCode', 'serving', 'timingAdvance', 'homeMobileCountryCode', 'homeMobileNetworkCode']);

function checkNumbers(obj: object): void {
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'number') {
      assert.ok(Number.isFinite(v) && !Object.is(v, -0), `${k}=${v}`);
      if (INT_FIELDS.has(k)) assert.ok(Number.isInteger(v), `${k}=${v}`);
    } else if (k !== 'position') {
      assert.equal(typeof v, 'string', k);
    }
  }
}

/** What the pipeline may rely on for every parsed report. */
function checkReport(r: Report): void {
  assert.ok(Object.keys(r).every((k) => REPORT_KEYS.has(k)));
  assert.ok(Number.isInteger(r.timestamp) && r.timestamp >= 1e12 && r.timestamp < 1e13, String(r.timestamp));
  assert.ok(r.wifiAccessPoints.length + r.cellTowers.length + r.bluetoothBeacons.length >= 1);
  for (const w of r.wifiAccessPoints) {
    assert.ok(typeof w.macAddress === 'string' && w.macAddress !== '');
    assert.equal(isOptOutSsid(w.ssid), false);
    checkNumbers(w);
  }
  for (const b of r.bluetoothBeacons) {
    assert.ok(typeof b.macAddress === 'string' && b.macAddress !== '');
    checkNumbers(b);
  }
  for (const c of r.cellTowers) {
    assert.ok(c.radioType === undefined || ['gsm', 'wcdma', 'lte', 'nr', 'cdma'].includes(c.radioType));
    checkNumbers(c);
  }
  if (r.position) {
    assert.ok(r.position.source === undefined || ['fixed', 'gnss', 'fused', 'query'].includes(r.position.source));
    const { source: _, ...numbers } = r.position;
    checkNumbers(numbers);
  }
}

/** Values mostly in their normalised form already, as a well-behaved v2 client sends them. */
const NORMAL: Record<Kind, fc.Arbitrary<unknown>> = {
  int: fc.oneof(fc.integer(), fc.constantFrom(-0, 1.5, '7')),
  float: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, Number.NaN, '1.5')),
  string: fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('', 'x_nomap')),
  radio: fc.constantFrom('gsm', 'wcdma', 'lte', 'nr', 'cdma', 'LTE', 'umts', ' lte'),
  source: fc.constantFrom('gnss', 'fixed', 'fused', 'query', 'gps', 'GNSS'),
};
const nearlyNormal = (k: Kind) => fc.oneof(NORMAL[k], WELL_TYPED[k], fc.jsonValue({ maxDepth: 1 }));

/** A copy of the items with an unknown key added to every position and station: none is kept as parsed. */
function withExtraKeys(items: Array<Record<string, unknown>>, flavour: SubmitFlavour): unknown {
  const spec = FLAVOURS[flavour];
  const extra = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? { x_extra: 1, ...v } : v);
  return items.map((item) => {
    const out: Record<string, unknown> = { ...item };
    if (spec.positionKey && spec.positionKey in out) out[spec.positionKey] = extra(out[spec.positionKey]);
    for (const key of [spec.wifi.key, spec.cell.key, spec.blue.key]) {
      const list = out[key];
      if (Array.isArray(list)) out[key] = list.map(extra);
    }
    return out;
  });
}

describe('objects kept as parsed (the fast path)', () => {
  const specs = FLAVOUR_NAMES.flatMap((f) => {
    const s = FLAVOURS[f];
    return [s.position, s.wifi.fields, s.cell.fields, s.blue.fields, s.top, s.radio] as object[];
  });
  test('normalised gives what readFields gives, with no issue; isNormalised ⇒ the object itself', () => {
    for (const spec of specs) {
      const compiled = fields(spec as FieldSpec<Record<string, unknown>>);
      fc.assert(
        fc.property(recordOf(spec, (k) => fc.oneof(NORMAL[k], fc.constantFrom(null, undefined))), (obj) => {
          const fast = normalised(obj, compiled);
          if (fast === undefined) return;
          const issues = new Issues();
          assert.deepEqual(fast, readFields(obj, compiled, '', issues));
          assert.equal(issues.any, false);
          if (isNormalised(obj, compiled)) assert.equal(fast, obj);
        }),
        { numRuns: 300 },
      );
    }
  });

  for (const flavour of FLAVOUR_NAMES) {
    test(`${flavour}: the same reports and issues whether objects are kept or copied; the input is never changed`, () => {
      fc.assert(
        fc.property(fc.array(itemOf(flavour, nearlyNormal), { maxLength: 4 }), (items) => {
          const body = { items };
          const before = structuredClone(body);
          const kept = parseSubmitBody(body, flavour, NOW);
          assert.deepEqual(body, before);
          assert.deepEqual(kept, parseSubmitBody({ items: withExtraKeys(items, flavour) }, flavour, NOW));
        }),
        { numRuns: 400 },
      );
    });
  }
});

describe('submit parsing properties', () => {
  for (const flavour of FLAVOUR_NAMES) {
    test(`${flavour}: never throws on any JSON value; a failure always has details`, () => {
      const body = fc.oneof(
        fc.jsonValue(),
        fc.record({ items: fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 5 }) }),
        fc.record({ items: fc.array(itemOf(flavour, mixed), { maxLength: 4 }) }),
      );
      fc.assert(
        fc.property(body, (b) => {
          const r = parseSubmitBody(b, flavour, NOW);
          if (r.ok) r.reports.forEach(checkReport);
          else assert.ok(r.validation && Object.keys(r.validation).length > 0);
          JSON.stringify(r);
        }),
        { numRuns: 400 },
      );
    });

    test(`${flavour}: well-typed bodies always parse, into valid reports`, () => {
      fc.assert(
        fc.property(fc.array(itemOf(flavour, wellTyped), { maxLength: 4 }), (items) => {
          const r = parseSubmitBody({ items }, flavour, NOW);
          assert.ok(r.ok, JSON.stringify(!r.ok && r.validation));
          assert.ok(r.reports.length <= items.length);
          r.reports.forEach(checkReport);
        }),
        { numRuns: 300 },
      );
    });

    test(`${flavour}: one type error anywhere fails the whole batch, at its path`, () => {
      const spec = FLAVOURS[flavour];
      const items = fc.array(itemOf(flavour, wellTyped), { minLength: 1, maxLength: 4 });
      fc.assert(
        fc.property(items, fc.nat(), (list, n) => {
          const at = n % list.length;
          const wifiKey = spec.wifi.key;
          const macKey = spec.wifi.fields.macAddress?.[0] ?? '';
          const before = Array.isArray(list[at][wifiKey]) ? (list[at][wifiKey] as unknown[]) : [];
          list[at] = { ...list[at], [wifiKey]: [...before, { [macKey]: 10 }] };
          const r = parseSubmitBody({ items: list }, flavour, NOW);
          assert.deepEqual(r, { ok: false, validation: { [`items.${at}.${wifiKey}.${before.length}.${macKey}`]: '10 is not a string' } });
        }),
        { numRuns: 200 },
      );
    });
  }

  test('v2 output is a fixed point: parsing its reports again changes nothing', () => {
    fc.assert(
      fc.property(fc.array(itemOf('v2', wellTyped), { maxLength: 4 }), (items) => {
        const first = parseSubmitBody({ items }, 'v2', NOW);
        assert.ok(first.ok);
        const again = first.reports.map(({ position, ...rest }) => (position ? { position, ...rest } : rest));
        assert.deepEqual(parseSubmitBody(JSON.parse(JSON.stringify({ items: again })), 'v2', NOW + 1), first);
      }),
      { numRuns: 300 },
    );
  });

  test('v1 is v2 with the position flat on the item and psc', () => {
    const emptyToNull = (r: Report) => ({ ...r, position: r.position && Object.keys(r.position).length ? r.position : null });
    fc.assert(
      fc.property(fc.array(itemOf('v2', wellTyped), { maxLength: 4 }), (items) => {
        const v1 = items.map(({ position, cellTowers, ...rest }) => ({
          ...rest,
          ...(position as object | undefined),
          ...(Array.isArray(cellTowers) && {
            cellTowers: cellTowers.map(({ primaryScramblingCode, ...c }) => ({ ...c, psc: primaryScramblingCode })),
          }),
        }));
        const a = parseSubmitBody({ items }, 'v2', NOW);
        const b = parseSubmitBody({ items: v1 }, 'v1', NOW);
        assert.ok(a.ok && b.ok);
        assert.deepEqual(b.reports.map(emptyToNull), a.reports.map(emptyToNull));
      }),
      { numRuns: 300 },
    );
  });
});

// The FieldSpec type must keep rejecting a kind that does not fit the output field.
// @ts-expect-error — a number field cannot be read as a string
const _typeCheck: FieldSpec<{ n?: number }> = { n: ['n', 'string'] };
