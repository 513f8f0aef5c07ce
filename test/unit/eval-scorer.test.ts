import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answeringSource, parseAnswerCounts } from '../../src/eval/client.js';
import { InputError, parseHeldOutLine } from '../../src/eval/external.js';
import { cdfSvg } from '../../src/eval/plot.js';
import { type Answer, answerRate, bySource, calibration, cdf, errorStats } from '../../src/eval/scorer.js';

describe('scorer', () => {
  it('percentiles interpolate between ranks (numpy default)', () => {
    const s = errorStats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(s.n, 10);
    assert.equal(s.median, 5.5);
    assert.ok(Math.abs((s.p90 as number) - 9.1) < 1e-9);
    assert.ok(Math.abs((s.p99 as number) - 9.91) < 1e-9);
    assert.deepEqual(errorStats([]), { n: 0, median: null, p90: null, p99: null });
  });

  it('calibration is the share of answers within their stated accuracy; unanswered do not count', () => {
    const answers = [
      { error: 5, accuracy: 10 },
      { error: 10, accuracy: 10 },
      { error: 30, accuracy: 10 },
      { error: null, accuracy: null },
    ];
    assert.equal(calibration(answers), 2 / 3);
    assert.equal(calibration([]), null);
  });

  it('groups by answering source with oracle ratios, and counts the answer rate', () => {
    const a = (source: string, error: number | null, oracleError: number | null): Answer => ({ variant: 'full', source, error, accuracy: 50, oracleError });
    const answers = [a('cell', 500, 400), a('wifi', 20, 10), a('wifi', 40, 20), a('none', null, null)];
    const rows = bySource(answers);
    assert.deepEqual(rows.map((r) => r.source), ['wifi', 'cell']);
    assert.equal(rows[0].ichnos.median, 30);
    assert.equal(rows[0].medianRatio, 2);
    assert.equal(rows[0].calibration, 1);
    assert.equal(answerRate(answers), 0.75);
  });

  it('the CDF climbs to 1 at the largest error', () => {
    const steps = cdf([3, 1, 2]);
    assert.deepEqual(steps, [
      [1, 1 / 3],
      [2, 2 / 3],
      [3, 1],
    ]);
    const svg = cdfSvg('t <x>', [{ label: 'a', errors: [1, 10, 100], color: '#000' }]);
    assert.match(svg, /^<svg [^>]+>/);
    assert.match(svg, /t &lt;x&gt;/);
    assert.match(svg, /<\/svg>\n$/);
  });
});

describe('answering source from /metrics', () => {
  const text = [
    '# TYPE ichnos_locate_answers_total counter',
    'ichnos_locate_answers_total{api="locate",source="wifi",fallback=""} 3',
    'ichnos_locate_answers_total{api="locate",source="area",fallback="lacf"} 1',
    'ichnos_locate_answers_total{api="region",source="internal",fallback=""} 9',
  ].join('\n');

  it('reads the locate counters by source', () => {
    const c = parseAnswerCounts(text);
    assert.deepEqual([...c], [
      ['wifi', 3],
      ['area', 1],
    ]);
  });

  it('names the one source that grew', () => {
    const before = parseAnswerCounts(text);
    const after = new Map(before);
    after.set('cell', 1);
    assert.equal(answeringSource(before, after), 'cell');
    assert.equal(answeringSource(before, before), null);
  });
});

describe('held-out input lines', () => {
  it('accepts {query, truth:{lat,lng}} and names the line of a bad one', () => {
    const h = parseHeldOutLine('{"query":{"wifiAccessPoints":[]},"truth":{"lat":48.8,"lng":2.3}}', 1);
    assert.deepEqual(h.truth, { lat: 48.8, lng: 2.3 });
    assert.throws(() => parseHeldOutLine('{"query":{}}', 7), (e: Error) => e instanceof InputError && /line 7/.test(e.message));
    assert.throws(() => parseHeldOutLine('nope', 2), InputError);
  });
});
