// The raw archive on S3-compatible storage, configured as an operator would (ICHNOS_ARCHIVE_URL=
// s3://…, ICHNOS_ARCHIVE_S3_*), against the signature-checking test server of
// test/helpers/s3-server.ts: submit → drain archives through signed PUTs (a 500 from the store
// keeps the batch for a retry), and replay --reset rebuilds the same stations from the bucket.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { gunzipSync } from 'node:zlib';
import { insertKey } from '../../src/db/keys.js';
import { defaultKey } from '../../src/domain/apikey.js';
import { replayArchive } from '../../src/pipeline/archive/replay.js';
import { DEFAULT_PIPELINE_OPTIONS, defaultStages } from '../../src/pipeline/stages.js';
import { drainAll } from '../../src/pipeline/worker.js';
import { createServices, type Services } from '../../src/services.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';
import { type S3TestServer, startS3Server } from '../helpers/s3-server.js';

const CREDS = { accessKeyId: 'ichnos-it', secretAccessKey: 'it-secret/with+chars', region: 'garage' };
const STATIONS = 'SELECT HEX(mac) AS mac, lat, lon, radius, samples, weight FROM wifi_station ORDER BY mac';

describe('raw archive on S3-compatible storage', () => {
  let s3: S3TestServer;
  let app: TestApp;
  let services: Services;

  before(async () => {
    s3 = await startS3Server({ bucket: 'ichnos-raw', ...CREDS, pageSize: 3 });
    app = await startTestApp({
      ICHNOS_ARCHIVE_URL: 's3://ichnos-raw/deploy/eu',
      ICHNOS_ARCHIVE_S3_ENDPOINT: s3.endpoint,
      ICHNOS_ARCHIVE_S3_REGION: CREDS.region,
      ICHNOS_ARCHIVE_S3_ACCESS_KEY_ID: CREDS.accessKeyId,
      ICHNOS_ARCHIVE_S3_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    });
    services = await createServices(app.env.config, { role: 'worker' });
    await insertKey(services.db.write, defaultKey('test-key'));
  });
  after(async () => {
    await services.close();
    await app.close();
    await s3.close();
  });

  test('submitted batches land in the bucket under the prefix; a store failure is retried; replay rebuilds', async () => {
    const registry = defaultStages({ ...DEFAULT_PIPELINE_OPTIONS, retryBaseMs: 50 });
    for (let round = 0; round < 4; round++) {
      const items = [0, 1, 2].map((i) => ({
        position: { latitude: 52.5 + round * 0.0002 + i * 0.0001, longitude: 13.4, accuracy: 5 },
        wifiAccessPoints: [{ macAddress: `c0ffee00000${round % 2}`, signalStrength: -60 - i }],
      }));
      const res = await postJson(`${app.url}/v2/geosubmit?key=test-key`, { items });
      assert.equal(res.status, 200);
      if (round === 2) s3.failNext(1);
      await drainAll(services, { registry });
    }
    const counted = await services.metrics.registry.getSingleMetricAsString('ichnos_archive_batches_total');
    assert.match(counted, /outcome="error"\} 1$/m);
    assert.match(counted, /outcome="ok"\} 4$/m);
    const keys = [...s3.objects.keys()].sort();
    assert.equal(keys.length, 4);
    for (const k of keys) assert.match(k, /^deploy\/eu\/reports\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[0-9a-f-]{36}\.ndjson\.gz$/);
    const lines = keys.flatMap((k) => gunzipSync(s3.objects.get(k)?.body as Buffer).toString().trim().split('\n'));
    assert.equal(lines.length, 12);
    const before = (await services.db.write.query<RowDataPacket[]>(STATIONS))[0].map((r) => ({ ...r }));
    assert.deepEqual(before.map((r) => r.samples), [6, 6]);

    const summary = await replayArchive(services, { reset: true, drain: true });
    assert.deepEqual([summary.files, summary.reports], [4, 12]);
    assert.deepEqual((await services.db.write.query<RowDataPacket[]>(STATIONS))[0].map((r) => ({ ...r })), before);
    assert.equal(s3.objects.size, 4, 'replayed reports are not archived again');
    // Replay walked the partitions level by level (delimiter listings), every request signed.
    assert.ok(s3.requests.some((r) => r.includes('delimiter=%2F')));
  });
});
