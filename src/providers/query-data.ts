// Locate queries as data (api.md §9): when the internal source found a position, the query's
// networks and that position are queued like a submission (source "query"), sampled by the
// key's store_sample_locate × the global locate sample rate. Never on the latency path, never
// failing the request. The sampled queries are gathered for FLUSH_MS and pushed in one command:
// one push per cell locate (whose area never counts as seen) was a Redis write and a third of
// the socket writes of the request. A crash loses at most FLUSH_MS of this sampled data; close()
// pushes what is gathered.
import type { QueuedReport, Report } from '../domain/report.js';
import { areaKeyString, cellKeyString } from '../domain/ids.js';
import { enqueueReports, ReliableQueues } from '../pipeline/queues.js';
import type { Services } from '../services.js';
import type { SearchRequest } from './provider.js';
import type { LocateQuery } from './query.js';
import type { PositionResult, UsedNetwork } from './result.js';

const RATE_CACHE_MS = 10_000;
const FLUSH_MS = 100;
/** Pushed at once when this many are gathered before the timer fires. */
const FLUSH_ITEMS = 500;

/**
 * Skip when every network of the query was used by the result and already seen today (§9).
 * Keys are compared per kind, as they are: building `kind:key` strings for both sides was ~4 µs
 * of every WiFi locate (node microbenchmark, ten networks).
 */
export function alreadySeenToday(q: LocateQuery, best: PositionResult): boolean {
  if (q.wifi.length + q.blue.length + q.cells.length + q.areas.length === 0) return false;
  const seen: Partial<Record<UsedNetwork['kind'], Set<string>>> = {};
  for (const n of best.usedNetworks ?? []) {
    if (!n.seenToday) continue;
    const keys = seen[n.kind] ?? new Set<string>();
    keys.add(n.key);
    seen[n.kind] = keys;
  }
  const has = (kind: UsedNetwork['kind'], key: string): boolean => seen[kind]?.has(key) === true;
  return (
    q.wifi.every((w) => has('wifi', w.mac)) &&
    q.blue.every((b) => has('blue', b.mac)) &&
    q.cells.every((c) => has('cell', cellKeyString(c))) &&
    q.areas.every((a) => has('area', areaKeyString(a)))
  );
}

export function queryReport(q: LocateQuery, best: PositionResult, now: number): Report {
  return {
    timestamp: now,
    position: { latitude: best.lat, longitude: best.lon, accuracy: best.accuracy, source: 'query' },
    wifiAccessPoints: q.wifi.map((w) => ({
      macAddress: w.mac,
      age: w.age,
      channel: w.channel,
      frequency: w.frequency,
      signalStrength: w.signal,
      signalToNoiseRatio: w.snr,
      ssid: w.ssid,
    })),
    cellTowers: q.cells.map((c) => ({
      radioType: c.radio,
      mobileCountryCode: c.mcc,
      mobileNetworkCode: c.mnc,
      locationAreaCode: c.lac,
      cellId: c.cid,
      primaryScramblingCode: c.psc,
      age: c.age,
      signalStrength: c.signal,
      timingAdvance: c.ta,
    })),
    bluetoothBeacons: q.blue.map((b) => ({ macAddress: b.mac, age: b.age, name: b.name, signalStrength: b.signal })),
  };
}

export class QueryDataRecorder {
  private readonly queues: ReliableQueues;
  private globalRate = 100;
  private rateReadAt = 0;
  private pending: QueuedReport[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly services: Services,
    private readonly random: () => number = Math.random,
    private readonly flushMs = FLUSH_MS,
  ) {
    this.queues = new ReliableQueues(services.redis, services.redisKeys);
  }

  /** Fire and forget: errors are counted and logged. */
  record(req: SearchRequest, best: PositionResult, consent: boolean): void {
    this.maybeRecord(req, best, consent).catch((err: unknown) => this.failed(err));
  }

  /** Whether the query was taken (it is pushed with the next flush). */
  async maybeRecord(req: SearchRequest, best: PositionResult, consent: boolean): Promise<boolean> {
    if (alreadySeenToday(req.query, best)) return false;
    const keyRate = req.key.storeSampleLocate ?? 0;
    if (keyRate <= 0) return false;
    const rate = (keyRate / 100) * ((await this.globalSampleRate()) / 100);
    if (rate < this.random()) return false;
    const queued: QueuedReport = {
      apiKey: req.key.validKey,
      source: 'query',
      report: queryReport(req.query, best, req.now.getTime()),
      received: req.now.getTime(),
    };
    if (consent) queued.consent = true;
    this.pending.push(queued);
    if (this.pending.length >= FLUSH_ITEMS) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
    return true;
  }

  /** Push what is gathered now (errors counted and logged, never thrown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const items = this.pending;
    if (items.length === 0) return;
    this.pending = [];
    try {
      await enqueueReports(this.queues, items);
    } catch (err) {
      this.failed(err, items.length);
    }
  }

  close(): Promise<void> {
    return this.flush();
  }

  private failed(err: unknown, items = 1): void {
    this.services.metrics.backendErrors.inc({ backend: 'redis', operation: 'query_data' }, items);
    this.services.log.debug({ err: (err as Error).message, items }, 'query data not queued');
  }

  /** global_locate_sample_rate (0..100, default 100), read at most every 10 s per process. */
  private async globalSampleRate(): Promise<number> {
    const now = Date.now();
    if (now - this.rateReadAt < RATE_CACHE_MS) return this.globalRate;
    this.rateReadAt = now;
    try {
      const raw = await this.services.redis.get(this.services.redisKeys.globalLocateSampleRate());
      const n = raw === null ? 100 : Number(raw);
      this.globalRate = Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : 100;
    } catch {
      // keep the last known rate
    }
    return this.globalRate;
  }
}
