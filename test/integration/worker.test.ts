// The pipeline worker against the real Redis and MySQL: drainAll, the BullMQ scheduler, and
// the reliability rules (a dead worker's batch is retried, never applied twice, never lost).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { withBatchTransaction } from '../../src/db/batches.js';
import type { QueuedReport } from '../../src/domain/report.js';
import { incomingStage, type Splitter, splitBatch, splitQueued } from '../../src/pipeline/jobs/incoming.js';
import { applyBackPressure, loweredRate, monitorStage, queueSnapshot } from '../../src/pipeline/monitor.js';
import { allQueues, DATAMAP, INCOMING } from '../../src/pipeline/queue-names.js';
import { ReliableQueues } from '../../src/pipeline/queues.js';
import { DEFAULT_PIPELINE_OPTIONS, type PipelineOptions, StageRegistry } from '../../src/pipeline/stages.js';
import type { BlueObservation, CellObservation, WifiObservation } from '../../src/pipeline/station/observation.js';
import { drainAll, startWorker } from '../../src/pipeline/worker.js';
import { createServices, type Services } from '../../src/services.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const OPTS: PipelineOptions = {
  ...DEFAULT_PIPELINE_OPTIONS,
  leaseMs: 400,
  budgetMs: 3000,
  incomingBatch: 7,
  stationBatch: 5,
  incomingIntervalMs: 200,
  stationIntervalMs: 500,
  maxAttempts: 5,
  retryBaseMs: 50,
};

type AnyObs = WifiObservation | BlueObservation | CellObservation;

/** The real validation and splitting (src/pipeline/station/observation.ts). */
const split: Splitter = splitQueued;

function queued(i: number, nickname?: string): QueuedReport {
  return {
    apiKey: null,
    source: 'gnss',
    received: Date.UTC(2026, 10, 20, 12),
    ...(nickname ? { nickname } : {}),
    report: {
      timestamp: 1_763_630_000_000 + i,
      position: { latitude: 52.5 + i / 1000, longitude: 13.4 },
      wifiAccessPoints: [
        { macAddress: `c0:25:e9:${(i % 16).toString(16)}1:22:33` },
        { macAddress: `34-31-c4-a${(i % 16).toString(16)}-bb-cc` },
      ],
      cellTowers: [
        { radioType: i % 2 ? 'lte' : 'gsm', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 1000, cellId: 100 + i },
      ],
      bluetoothBeacons: [],
    },
  };
}

describe('pipeline worker', () => {
  let app: TestApp;
  let services: Services;
  let queues: ReliableQueues;
  /** Observations the test handlers committed, by batch. */
  let applied: Map<string, AnyObs[]>;

  const registry = (withHandlers: boolean, splitter: Splitter = split): StageRegistry => {
    const r = new StageRegistry(OPTS);
    r.register(incomingStage(r, OPTS, splitter));
    if (withHandlers) {
      for (const kind of ['wifi', 'cell'] as const) {
        r.registerStationHandler(kind, async (svc, batchId, observations) => {
          await withBatchTransaction(svc.db.write, batchId, `station:${kind}`, observations.length, async () => {
            applied.set(batchId, observations);
          });
        });
      }
    }
    return r;
  };
  const appliedCount = () => [...applied.values()].reduce((n, o) => n + o.length, 0);
  const stationItems = async () => {
    let n = 0;
    for (const q of allQueues()) if (q !== INCOMING) n += await queues.length(q);
    return n;
  };

  before(async () => {
    app = await startTestApp();
    services = await createServices(app.env.config, { role: 'worker' });
    queues = new ReliableQueues(services.redis, services.redisKeys);
  });
  beforeEach(() => {
    applied = new Map();
  });
  after(async () => {
    await services.close();
    await app.close();
  });

  test('drainAll empties the incoming queue into the shard queues, counts, and contributions', async () => {
    await queues.push(INCOMING, Array.from({ length: 20 }, (_, i) => JSON.stringify(queued(i, i < 5 ? 'alice' : undefined))));
    const summary = await drainAll(services, { registry: registry(false) });
    assert.equal(summary.stages.incoming, 20);
    assert.equal(await queues.length(INCOMING), 0);
    assert.equal(await queues.inFlight(INCOMING), 0);
    assert.equal(await stationItems(), 60);
    // …:22:33 and …-bb-cc end in the hex digits 3 and c (the shard rule, queue-names.ts).
    assert.equal(await queues.length('wifi:3'), 20);
    assert.equal(await queues.length('wifi:c'), 20);
    assert.equal(await queues.length('cell:lte'), 10);
    assert.equal(await queues.length('cell:gsm'), 10);
    const item = JSON.parse((await services.redis.lindex(services.redisKeys.queue('cell:lte'), 0)) as string);
    assert.equal(item.o.key.radio, 'lte');
    assert.equal(item.o.kind, 'cell');
    assert.ok(item.o.weight > 0);
    assert.equal(typeof item.q, 'number');
    const counter = (kind: string) => services.redis.get(services.redisKeys.pipelineCounter(kind, new Date()));
    assert.equal(await counter('reports'), '20');
    assert.equal(await counter('wifi'), '40');
    assert.equal(await counter('cell'), '20');
    const [rows] = await services.db.write.query<RowDataPacket[]>('SELECT * FROM contributor_stat');
    assert.equal(rows.length, 1);
    assert.equal(rows[0].nickname, 'alice');
    assert.equal(rows[0].reports, 5);
    assert.equal(rows[0].wifi, 10);
    assert.equal(rows[0].cell, 5);
  });

  test('with handlers registered, drainAll applies every observation once and empties every queue', async () => {
    const summary = await drainAll(services, { registry: registry(true) });
    assert.equal(appliedCount(), 60);
    assert.equal(await stationItems(), 0);
    assert.equal(summary.stages['station:cell:lte'], 10);
    const [rows] = await services.db.write.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM pipeline_batch');
    assert.ok(Number(rows[0].n) >= 12);
  });

  test('a worker that committed but died before the ack: its batch comes back and is not applied twice', async () => {
    await queues.push(INCOMING, Array.from({ length: 3 }, (_, i) => JSON.stringify(queued(100 + i))));
    await drainAll(services, { registry: registry(false) });
    const { batch } = await queues.take('cell:gsm', { max: 5, leaseMs: OPTS.leaseMs, exclusive: true });
    assert.ok(batch);
    // The dead worker's transaction committed (its id is recorded) …
    await withBatchTransaction(services.db.write, batch.id, 'station:cell', batch.items.length, async () => {
      applied.set(batch.id, batch.items.map((x) => JSON.parse(x).o));
    });
    // … and its ack never came. The shard stays locked until the lease runs out, then drains.
    await drainAll(services, { registry: registry(true), pollMs: 50 });
    assert.equal(await stationItems(), 0);
    assert.equal(appliedCount(), 9, 'three reports, three observations each, each applied once');
  });

  test('a worker that died mid-incoming-batch: the batch is split once, after its lease', async () => {
    await queues.push(INCOMING, Array.from({ length: 4 }, (_, i) => JSON.stringify(queued(200 + i))));
    const { batch } = await queues.take(INCOMING, { max: 10, leaseMs: OPTS.leaseMs });
    assert.equal(batch?.items.length, 4);
    const summary = await drainAll(services, { registry: registry(false), pollMs: 50 });
    assert.equal(summary.stages.incoming, 4);
    assert.equal(await stationItems(), 12);
    assert.equal(await queues.ack(batch!), false, 'the dead worker cannot ack it any more');
    await drainAll(services, { registry: registry(true) });
    assert.equal(appliedCount(), 12);
  });

  test('a failing batch is retried after its delay and then succeeds', async () => {
    await queues.push(INCOMING, [JSON.stringify(queued(300))]);
    let calls = 0;
    const flaky: Splitter = (q, s, now) => {
      calls++;
      if (calls === 1) throw new Error('transient');
      return split(q, s, now);
    };
    const summary = await drainAll(services, { registry: registry(true, flaky), pollMs: 20 });
    assert.equal(calls, 2);
    assert.equal(summary.stages.incoming, 1);
    assert.equal(appliedCount(), 3);
    assert.equal(await queues.deadLength(INCOMING), 0);
  });

  test('the scheduled worker drains new submissions by itself and stops cleanly', async () => {
    const worker = await startWorker(services, { registry: registry(true) });
    try {
      await queues.push(INCOMING, Array.from({ length: 10 }, (_, i) => JSON.stringify(queued(400 + i))));
      const deadline = Date.now() + 15_000;
      while (appliedCount() < 30 && Date.now() < deadline) await sleep(100);
      assert.equal(appliedCount(), 30);
      assert.equal(await queues.length(INCOMING), 0);
    } finally {
      const t = Date.now();
      await worker.stop();
      assert.ok(Date.now() - t < 5000, 'stop is prompt');
    }
    const schedulers = await services.redis.keys(`${services.redisKeys.bullPrefix()}:pipeline:repeat*`);
    assert.ok(schedulers.length > 0, 'job schedulers live under the BullMQ prefix');
  });

  test('the monitor measures the queues, and lowers then restores the locate sample rate', async () => {
    const keys = services.redisKeys;
    const now = Date.now();
    await queues.push(INCOMING, [JSON.stringify({ ...queued(500), received: now - 30_000 })]);
    const snap = await queueSnapshot(services.redis, keys, now);
    const incoming = snap.find((v) => v.queue === INCOMING)!;
    assert.equal(incoming.length, 1);
    assert.equal(incoming.oldestAgeS, 30);
    assert.equal(snap.find((v) => v.queue === 'wifi:0')?.oldestAgeS, null);

    const limited = { ...services, config: { ...services.config, backlogLimit: 10 } };
    const rateKey = keys.globalLocateSampleRate();
    await services.redis.set(rateKey, '80');
    assert.equal(await applyBackPressure(limited, 40), 20, "the operator's 80 % scaled by 10/40");
    assert.equal(await services.redis.get(rateKey), '20');
    assert.equal(await applyBackPressure(limited, 100), 8);
    assert.equal(await applyBackPressure(limited, 10), 80, 'restored once back under the limit');
    assert.equal(await services.redis.get(rateKey), '80');
    assert.equal(await services.redis.get(keys.globalLocateSampleRateSaved()), null);
    await services.redis.del(rateKey);
    assert.equal(await applyBackPressure(limited, 11), 90);
    assert.equal(await applyBackPressure(limited, 0), null, 'an unset rate is unset again');
    assert.equal(await services.redis.exists(rateKey), 0);
    assert.equal(loweredRate(100, 1_000_000, 1), 0);

    // The stage sets the gauges; a web process reads them from Redis at scrape time.
    assert.equal(await monitorStage().run(limited, new Date(now)), 0);
    const text = await services.metrics.registry.metrics();
    assert.match(text, /ichnos_queue_length\{queue="incoming"\} 1/);
    services.metrics.queueSource.read = () => queueSnapshot(services.redis, keys, Date.now());
    await queues.push(INCOMING, [JSON.stringify(queued(501))]);
    assert.match(await services.metrics.registry.metrics(), /ichnos_queue_length\{queue="incoming"\} 2/);
    services.metrics.queueSource.read = null;
    await services.redis.del(keys.queue(INCOMING));
  });

  test('splitting a batch: invalid positions yield nothing, the coverage grid gets GNSS cells once', () => {
    const ocean = queued(600);
    ocean.report.position = { latitude: 0, longitude: 0 };
    const query: QueuedReport = { ...queued(601), source: 'query' };
    const items = [queued(602), queued(602), ocean, query, 'not json'].map((q) => (typeof q === 'string' ? q : JSON.stringify(q)));
    const out = splitBatch(items, (q) => split(q, services, new Date()), 1234, true);
    assert.equal(out.malformed, 1);
    assert.equal(out.counts.reports, 4);
    assert.equal(out.counts.wifi, 6, 'two each from the two Berlin reports and the query');
    const grid = (out.pushes.get(DATAMAP) ?? []).map((x) => JSON.parse(x));
    assert.deepEqual(grid, [{ q: 1234, o: { lat: 52500 + 602, lon: 13400 } }]);
    assert.equal(splitBatch(items, (q) => split(q, services, new Date()), 1234, false).pushes.has(DATAMAP), false);
  });
});
