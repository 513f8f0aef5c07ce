// readSubmission: bodies up to WHOLE_MAX_BYTES are parsed whole, bigger ones streamed; both paths
// give the same answer and hand the sink the same reports. And the queue element of a report is
// exactly JSON.stringify of its QueuedReport.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { QueuedReport, Report } from '../../src/domain/report.js';
import { ApiError } from '../../src/web/errors.js';
import { reportSource } from '../../src/web/submit/parse.js';
import { type Sender, serialiseQueued } from '../../src/web/submit/queued.js';
import { readSubmission, type SubmissionRead, WHOLE_MAX_BYTES } from '../../src/web/submit/read-submission.js';

const NOW = 1_763_000_000_000;

function request(body: Buffer, chunk: number, headers: Record<string, string> = {}): IncomingMessage {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += chunk) parts.push(body.subarray(i, i + chunk));
  return Object.assign(Readable.from(parts), { headers }) as unknown as IncomingMessage;
}

type Outcome = { read: SubmissionRead; reports: Report[] } | { status: number; body: unknown };

async function submit(body: string | Buffer, wholeMaxBytes: number, headers: Record<string, string> = {}): Promise<Outcome> {
  let reports: Report[] = [];
  const sink = {
    add: async (rs: Report[]) => {
      reports.push(...rs);
    },
    reset: async () => {
      reports = [];
    },
  };
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  try {
    const read = await readSubmission(
      request(bytes, 777, headers),
      { maxBytes: 1 << 24, contentType: 'application/json', flavour: 'v2', now: NOW, wholeMaxBytes },
      sink,
    );
    return read.ok ? { read, reports } : { read, reports: [] };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { status: err.status, body: err.details ?? null };
  }
}

const item = (i: number) => ({
  timestamp: NOW - i,
  position: { latitude: 48.8 + i / 1e4, longitude: 2.3, accuracy: 10, source: 'gps' },
  wifiAccessPoints: [{ macAddress: `02${i.toString(16).padStart(10, '0')}`, signalStrength: -60, ssid: 'x"]}' }],
  cellTowers: [{ radioType: 'LTE', mobileCountryCode: 208, mobileNetworkCode: 1, locationAreaCode: 2, cellId: i }],
});

describe('readSubmission: whole and streamed bodies answer alike', () => {
  const good = JSON.stringify({ items: Array.from({ length: 40 }, (_, i) => item(i)) });
  const bodies: Array<[string, string | Buffer]> = [
    ['a good batch', good],
    ['with a BOM and spaces', `\ufeff  ${good}  `],
    ['a type error in the last item', JSON.stringify({ items: [item(1), { position: { latitude: 'north' } }] })],
    ['broken JSON', `${good.slice(0, -2)},}`],
    ['trailing garbage', `${good}x`],
    ['a repeated "items" key', `{"items":[${JSON.stringify(item(1))}],"other":1,"items":[${JSON.stringify(item(2))}]}`],
    ['"items" not an array', '{"items":{"a":1}}'],
    ['no "items"', '{"x":[1]}'],
    ['an empty object', '{}'],
    ['not an object', '[1,2,3]'],
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
    ['empty', ''],
  ];
  for (const [name, body] of bodies) {
    test(name, async () => {
      const whole = await submit(body, WHOLE_MAX_BYTES);
      const streamed = await submit(body, 0);
      if ('status' in whole && 'status' in streamed) {
        assert.equal(whole.status, streamed.status);
        // The JSON error text comes from different parsers; the kind of failure is the same.
        assert.deepEqual(Object.keys(whole.body ?? {}), Object.keys(streamed.body ?? {}));
      } else {
        assert.deepEqual(whole, streamed);
      }
    });
  }

  test('gzip: the decompressed size decides', async () => {
    const headers = { 'content-encoding': 'gzip' };
    const whole = await submit(gzipSync(good), WHOLE_MAX_BYTES, headers);
    assert.ok('read' in whole && whole.read.ok && whole.reports.length === 40);
    assert.deepEqual(await submit(gzipSync(good), 0, headers), whole);
  });

  test('a body just over the threshold streams, and gives the same reports', async () => {
    const big = JSON.stringify({ items: Array.from({ length: 400 }, (_, i) => item(i)) });
    const whole = await submit(big, big.length);
    const streamed = await submit(big, big.length - 1);
    assert.ok('read' in whole && whole.read.ok);
    assert.deepEqual(streamed, whole);
  });
});

describe('serialiseQueued', () => {
  const senders: Sender[] = [
    { apiKey: null, received: NOW },
    { apiKey: 'key "q"', nickname: 'ünï\u2028"', consent: true, received: NOW + 1 },
    { apiKey: 'k', consent: true, received: NOW },
    { apiKey: 'k', nickname: 'n', received: NOW },
  ];
  const reports: Report[] = [
    { timestamp: NOW, position: null, wifiAccessPoints: [{ macAddress: 'a' }], cellTowers: [], bluetoothBeacons: [] },
    {
      timestamp: NOW,
      position: { latitude: 1.5, source: 'fused' },
      carrier: '},{"apiKey":"x"}',
      wifiAccessPoints: [{ macAddress: 'b', ssid: '"},{\\"apiKey\\":' }],
      cellTowers: [{ cellId: 1 }],
      bluetoothBeacons: [],
    },
    { timestamp: NOW + 2, position: {}, wifiAccessPoints: [], cellTowers: [], bluetoothBeacons: [{ macAddress: '☃' }] },
  ];
  const expected = (rs: Report[], s: Sender) =>
    rs.map((report) => {
      const q: QueuedReport = { apiKey: s.apiKey, source: reportSource(report), report, received: s.received };
      if (s.nickname) q.nickname = s.nickname;
      if (s.consent) q.consent = true;
      return JSON.stringify(q);
    });

  test('byte for byte JSON.stringify of each QueuedReport, in order', () => {
    for (const s of senders) {
      for (const rs of [[], reports.slice(0, 1), reports, [...reports, ...reports]]) {
        assert.deepEqual(serialiseQueued(rs, s), expected(rs, s));
      }
    }
  });

  test('an object with an "apiKey" key inside a report: still one element per report', () => {
    const wifi = [{ macAddress: 'a' }, { apiKey: 1 }];
    const odd = [reports[0], { ...reports[1], wifiAccessPoints: wifi } as unknown as Report, reports[2]];
    assert.ok(JSON.stringify(odd).includes('},{"apiKey":'));
    assert.deepEqual(serialiseQueued(odd, senders[1]), expected(odd, senders[1]));
  });
});
