// The incoming stage (pipeline.md "Flow" step 2): take a batch of queued reports, split each into
// per-station observations, and in one Redis script push them onto their shard queues, count the
// day's observations per kind, and acknowledge the batch — so each report reaches the station
// queues exactly once even when a worker dies mid-batch. Contributions per nickname go to MySQL
// first, in a transaction recording the batch id, so a redelivered batch does not count twice.
import type { PoolConnection } from 'mysql2/promise';
import { withBatchTransaction } from '../../db/batches.js';
import type { QueuedReport } from '../../domain/report.js';
import { isValidMcc, mccRegions } from '../../geo/mcc.js';
import type { Services } from '../../services.js';
import { archiveBatch } from '../archive/write.js';
import { DATAMAP, INCOMING, macShard, type StationKind, stationQueue } from '../queue-names.js';
import type { AckOutputs, Batch } from '../queues.js';
import type { PipelineOptions, Stage, StageRegistry } from '../stages.js';
import { type RegionLookup, type SplitReport, splitReport } from '../station/observation.js';
import { drainQueue, queueItem } from './station-queue.js';

export type Splitter = (queued: QueuedReport, services: Services, now: Date) => SplitReport;

/** The station module's region lookup, from the services' shapes and the MCC table. */
export function regionLookup(services: Services): RegionLookup {
  const regions = services.regions;
  return {
    regionFor: (lat, lon) => regions.regionFor(lat, lon),
    inRegion: (lat, lon, code) => regions.inRegion(lat, lon, code),
    mccRegions,
    isValidMcc,
  };
}

/** Validation and splitting as pipeline.md says (src/pipeline/station/observation.ts). */
export const splitQueued: Splitter = (queued, services) => splitReport(queued, regionLookup(services));

interface Contribution {
  reports: number;
  wifi: number;
  cell: number;
  blue: number;
}

/** Everything one incoming batch produces. Pure given the splitter: a redelivery produces the same. */
export interface IncomingOutputs {
  pushes: Map<string, string[]>;
  counts: Record<StationKind | 'reports', number>;
  /** nickname → UTC day (YYYY-MM-DD) → counts. */
  contributions: Map<string, Map<string, Contribution>>;
  /** Items that were not queued reports (never expected: logged and dropped). */
  malformed: number;
}

export function splitBatch(
  items: readonly string[],
  split: (q: QueuedReport) => SplitReport,
  queuedMs: number,
  feedDatamap: boolean,
): IncomingOutputs {
  const out: IncomingOutputs = {
    pushes: new Map(),
    counts: { reports: 0, wifi: 0, blue: 0, cell: 0 },
    contributions: new Map(),
    malformed: 0,
  };
  const push = (queue: string, item: string) => {
    const list = out.pushes.get(queue);
    if (list) list.push(item);
    else out.pushes.set(queue, [item]);
  };
  const grid = new Set<string>();
  for (const raw of items) {
    let queued: QueuedReport;
    try {
      queued = JSON.parse(raw) as QueuedReport;
    } catch {
      out.malformed++;
      continue;
    }
    const obs = split(queued);
    out.counts.reports++;
    for (const o of obs.wifi) push(stationQueue('wifi', macShard(o.key)), queueItem(o, queuedMs));
    for (const o of obs.blue) push(stationQueue('blue', macShard(o.key)), queueItem(o, queuedMs));
    for (const o of obs.cell) push(stationQueue('cell', o.key.radio), queueItem(o, queuedMs));
    out.counts.wifi += obs.wifi.length;
    out.counts.blue += obs.blue.length;
    out.counts.cell += obs.cell.length;
    const used = obs.wifi.length + obs.blue.length + obs.cell.length;
    if (queued.nickname && used > 0) addContribution(out.contributions, queued, obs);
    const pos = queued.report.position;
    // The coverage map shows where GNSS data was collected: not query positions (pipeline.md step 5).
    if (feedDatamap && used > 0 && queued.source !== 'query' && pos?.latitude !== undefined && pos.longitude !== undefined) {
      grid.add(`${Math.round(pos.latitude * 1000)},${Math.round(pos.longitude * 1000)}`);
    }
  }
  for (const cell of grid) {
    const [lat, lon] = cell.split(',').map(Number);
    push(DATAMAP, queueItem({ lat, lon }, queuedMs));
  }
  return out;
}

function addContribution(all: IncomingOutputs['contributions'], q: QueuedReport, obs: SplitReport): void {
  const nickname = q.nickname as string;
  const day = new Date(q.received).toISOString().slice(0, 10);
  const days = all.get(nickname) ?? new Map<string, Contribution>();
  all.set(nickname, days);
  const c = days.get(day) ?? { reports: 0, wifi: 0, cell: 0, blue: 0 };
  c.reports++;
  c.wifi += obs.wifi.length;
  c.cell += obs.cell.length;
  c.blue += obs.blue.length;
  days.set(day, c);
}

async function saveContributions(conn: PoolConnection, contributions: IncomingOutputs['contributions']): Promise<void> {
  const rows: Array<string | number> = [];
  for (const [nickname, days] of contributions) {
    for (const [day, c] of days) rows.push(nickname, day, c.reports, c.wifi, c.cell, c.blue);
  }
  for (let i = 0; i < rows.length; i += 6 * 500) {
    const chunk = rows.slice(i, i + 6 * 500);
    await conn.query(
      `INSERT INTO contributor_stat (nickname, day, reports, wifi, cell, blue) VALUES ${/* sql-safe: placeholders */ Array(chunk.length / 6)
        .fill('(?, ?, ?, ?, ?, ?)')
        .join(', ')}
       ON DUPLICATE KEY UPDATE reports = reports + VALUES(reports), wifi = wifi + VALUES(wifi),
         cell = cell + VALUES(cell), blue = blue + VALUES(blue)`,
      chunk,
    );
  }
}

/**
 * Write the batch to the raw archive before anything else of it is committed: a failed write
 * throws, so the batch is released for a retry instead of acknowledged — never applied unarchived.
 */
async function archive(services: Services, batch: Batch, now: Date): Promise<void> {
  if (!services.archive) return;
  try {
    const written = await archiveBatch(services.archive, batch, now);
    if (written) services.metrics.archiveBatches.inc({ outcome: 'ok' });
  } catch (err) {
    services.metrics.archiveBatches.inc({ outcome: 'error' });
    services.log.error(
      { stage: 'incoming', batchId: batch.id, archive: services.archive.location, err: (err as Error).message },
      'archive write failed: the batch stays queued and is retried',
    );
    throw err;
  }
}

async function processBatch(services: Services, batch: Batch, outputs: IncomingOutputs, now: Date): Promise<AckOutputs> {
  if (outputs.malformed > 0) {
    services.log.warn({ batchId: batch.id, malformed: outputs.malformed }, 'incoming items that are not reports dropped');
  }
  if (outputs.contributions.size > 0) {
    await withBatchTransaction(services.db.write, batch.id, 'incoming', batch.items.length, (conn) =>
      saveContributions(conn, outputs.contributions),
    );
  }
  const keys = services.redisKeys;
  const counters = new Map<string, number>();
  for (const [kind, n] of Object.entries(outputs.counts)) counters.set(keys.pipelineCounter(kind, now), n);
  return { pushes: outputs.pushes, counters };
}

export function incomingStage(registry: StageRegistry, opts: PipelineOptions, splitter: Splitter): Stage {
  const name = 'incoming';
  return {
    name,
    intervalMs: opts.incomingIntervalMs,
    queues: [INCOMING],
    async run(services, now, signal) {
      return drainQueue(services, { name, queue: INCOMING, opts, signal, max: opts.incomingBatch }, async (batch, at) => {
        await archive(services, batch, at);
        const outputs = splitBatch(batch.items, (q) => splitter(q, services, at), at.getTime(), registry.has('datamap'));
        return processBatch(services, batch, outputs, at);
      }, now);
    },
  };
}
