// The station handlers (pipeline.md "Flow" step 3): one batch of a shard's observations →
// group by station → load them with one locking SELECT … IN (…) → applyBatch per station (the
// pure state machine of src/pipeline/station/) → one multi-row upsert, all in the READ COMMITTED
// transaction that records the batch id (withBatchTransaction), so a redelivered batch changes nothing.
import type { Counter, Registry } from 'prom-client';
import { Counter as PromCounter } from 'prom-client';
import { withBatchTransaction } from '../../db/batches.js';
import type { CellStation, MacStation } from '../../db/stations.js';
import { lockCells, lockMacStations, type MacKind, upsertCells, upsertMacStations } from '../../db/stations-write.js';
import { type AreaKey, type CellKey, cellKeyString, type Mac } from '../../domain/ids.js';
import type { StationKind, StationRecord } from '../../domain/station.js';
import type { Services } from '../../services.js';
import { AreaQueue } from '../area-queue.js';
import type { StationHandler } from '../stages.js';
import type { BlueObservation, CellObservation, WifiObservation } from '../station/observation.js';
import { applyBatch, type StationChange } from '../station/transition.js';
import { regionLookup } from './incoming.js';

/** Attempts of a batch transaction that InnoDB chose as a deadlock victim (concurrent shards, other writers). */
const DEADLOCK_ATTEMPTS = 4;

const counters = new WeakMap<Registry, Counter<'kind' | 'change'>>();

/** ichnos_station_changes_total{kind, change}: new stations, changes, blocks, confirms per kind. */
export function stationChanges(services: Services): Counter<'kind' | 'change'> {
  const registry = services.metrics.registry;
  let c = counters.get(registry);
  if (!c) {
    c = new PromCounter({
      name: 'ichnos_station_changes_total',
      help: 'Station rows written by the pipeline, by station kind and change (new, new_blocked, change, replace, confirm, block)',
      labelNames: ['kind', 'change'],
      registers: [registry],
    });
    counters.set(registry, c);
  }
  return c;
}

/** Observations grouped by station key, in batch order. */
export function groupBy<O, K>(observations: readonly O[], keyOf: (o: O) => string, idOf: (o: O) => K): Map<string, { id: K; obs: O[] }> {
  const groups = new Map<string, { id: K; obs: O[] }>();
  for (const o of observations) {
    const k = keyOf(o);
    const g = groups.get(k);
    if (g) g.obs.push(o);
    else groups.set(k, { id: idOf(o), obs: [o] });
  }
  return groups;
}

async function retryDeadlocks<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if ((err as { code?: string }).code !== 'ER_LOCK_DEADLOCK' || attempt >= DEADLOCK_ATTEMPTS) throw err;
    }
  }
}

function count(services: Services, kind: StationKind, changes: Map<StationChange, number>): void {
  const metric = stationChanges(services);
  for (const [change, n] of changes) metric.inc({ kind, change }, n);
}

/** The handler of WiFi or Bluetooth shards. */
export function macStationHandler<K extends MacKind>(kind: K): StationHandler<K> {
  return async (services, batchId, observations, now) => {
    const obs = observations as ReadonlyArray<WifiObservation | BlueObservation>;
    const groups = groupBy(obs, (o) => o.key, (o): Mac => o.key);
    const regions = regionLookup(services);
    const changes = new Map<StationChange, number>();
    const applied = await retryDeadlocks(() => {
      changes.clear();
      return withBatchTransaction(services.db.write, batchId, `station:${kind}`, obs.length, async (conn) => {
        const stored = await lockMacStations(conn, kind, [...groups.keys()]);
        const rows: MacStation[] = [];
        for (const [mac, g] of groups) {
          const result = applyBatch(kind, stored.get(mac) ?? null, g.obs, regions, now);
          if (!result.changed || !result.record) continue;
          // the record is this batch's own object (applyBatch builds it): it takes its key in
          // place, as a `{ mac, ...record }` copy would cost a spread per row
          rows.push(Object.assign(result.record, { mac }));
          changes.set(result.change, (changes.get(result.change) ?? 0) + 1);
        }
        await upsertMacStations(conn, kind, rows);
      }, true);
    });
    if (applied) count(services, kind, changes);
  };
}

const areaOf = (k: CellKey): AreaKey => ({ radio: k.radio, mcc: k.mcc, mnc: k.mnc, lac: k.lac });

/**
 * The handler of the cell shards. The changed cells' areas are marked for the area stage after
 * the commit; a redelivered batch (already applied) marks all its areas again, in case the worker
 * died between its commit and its mark.
 */
export const cellStationHandler: StationHandler<'cell'> = async (services, batchId, observations, now) => {
  const obs = observations as readonly CellObservation[];
  const groups = groupBy(obs, (o) => cellKeyString(o.key), (o) => o.key);
  const regions = regionLookup(services);
  const changes = new Map<StationChange, number>();
  const touched: AreaKey[] = [];
  const applied = await retryDeadlocks(() => {
    changes.clear();
    touched.length = 0;
    return withBatchTransaction(services.db.write, batchId, 'station:cell', obs.length, async (conn) => {
      const stored = await lockCells(conn, [...groups.values()].map((g) => g.id));
      const rows: CellStation[] = [];
      for (const [key, g] of groups) {
        const result = applyBatch('cell', stored.get(key) ?? null, g.obs, regions, now);
        if (!result.changed || !result.record) continue;
        rows.push(Object.assign(result.record as StationRecord, g.id, { psc: result.psc }));
        changes.set(result.change, (changes.get(result.change) ?? 0) + 1);
        if (result.touchesArea) touched.push(areaOf(g.id));
      }
      await upsertCells(conn, rows);
    }, true);
  });
  const areas = new AreaQueue(services.redis, services.redisKeys);
  if (applied) {
    await areas.mark(touched);
    count(services, 'cell', changes);
  } else {
    await areas.mark([...groups.values()].map((g) => areaOf(g.id)));
  }
};
