// The bound counters and histograms print what prom-client's own classes print for the same
// observations (the /metrics text and dashboards must not notice the swap), and keep prom-client's
// rules: an unknown label name is an error, a histogram refuses non-finite values.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { BoundCounter, BoundHistogram } from '../../src/bound-metrics.js';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LABELS = ['route', 'method', 'status'] as const;
type L = (typeof LABELS)[number];

const labelSet = fc.record({
  route: fc.constantFrom('/v1/geolocate', '/v1/country', '/v2/geosubmit'),
  method: fc.constantFrom('GET', 'POST'),
  status: fc.constantFrom('200', '400', '404'),
});
const observation = fc.record({
  labels: labelSet,
  value: fc.oneof(fc.double({ min: 0, max: 20, noNaN: true }), fc.constantFrom(...BUCKETS), fc.constant(0)),
  viaChild: fc.boolean(),
});

function pair() {
  const ours = new Registry();
  const theirs = new Registry();
  return {
    ours,
    theirs,
    counter: new BoundCounter<L>({ name: 'x_total', help: 'requests', labelNames: LABELS, registers: [ours] }),
    promCounter: new Counter<L>({ name: 'x_total', help: 'requests', labelNames: [...LABELS], registers: [theirs] }),
    histogram: new BoundHistogram<L>({ name: 'x_seconds', help: 'latency', labelNames: LABELS, buckets: BUCKETS, registers: [ours] }),
    promHistogram: new Histogram<L>({ name: 'x_seconds', help: 'latency', labelNames: [...LABELS], buckets: BUCKETS, registers: [theirs] }),
  };
}

/** Exposition text with the series in a stable order (the two keep label sets in different orders). */
async function text(r: Registry): Promise<string> {
  return (await r.metrics()).split('\n').sort().join('\n');
}

describe('bound metrics', () => {
  test('the same /metrics text as prom-client for any observations, through children or label objects', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (observations) => {
        const m = pair();
        for (const { labels, value, viaChild } of observations) {
          if (viaChild) {
            m.counter.labels(labels).inc();
            m.histogram.labels(labels).observe(value);
          } else {
            m.counter.inc(labels);
            m.histogram.observe(labels, value);
          }
          m.promCounter.inc(labels);
          m.promHistogram.observe(labels, value);
        }
        assert.equal(await text(m.ours), await text(m.theirs));
      }),
      { numRuns: 200 },
    );
  });

  test('counter increments by any amount; startTimer observes elapsed seconds', async () => {
    const m = pair();
    m.counter.inc({ route: '/a', method: 'GET', status: '200' }, 5);
    m.counter.labels({ route: '/a', method: 'GET', status: '200' }).inc(2);
    const end = m.histogram.startTimer({ route: '/a', method: 'GET', status: '200' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = end();
    assert.ok(seconds >= 0.015 && seconds < 5, String(seconds));
    const out = await m.ours.metrics();
    assert.match(out, /^x_total\{route="\/a",method="GET",status="200"\} 7$/m);
    assert.match(out, /^x_seconds_count\{route="\/a",method="GET",status="200"\} 1$/m);
    assert.match(out, /^x_seconds_bucket\{le="0.025",route="\/a",method="GET",status="200"\} [01]$/m);
  });

  test("prom-client's rules: unknown label names and non-finite values are refused", () => {
    const m = pair();
    assert.throws(() => m.counter.inc({ route: '/a', nope: 'x' } as never), /not included in initial labelset/);
    assert.throws(() => m.histogram.observe({ route: '/a' }, Number.NaN), /not a valid number/);
    assert.throws(() => m.histogram.labels({ route: '/a' }).observe(Number.POSITIVE_INFINITY), /not a valid number/);
  });

  test('a registry holds a bound metric under its name, with its label names (dashboards read them)', () => {
    const m = pair();
    const found = m.ours.getSingleMetric('x_seconds') as unknown as { labelNames: readonly string[] };
    assert.deepEqual([...found.labelNames], [...LABELS]);
    assert.throws(() => new BoundCounter<L>({ name: 'x_total', help: 'again', labelNames: LABELS, registers: [m.ours] }), /already been registered/);
  });
});
