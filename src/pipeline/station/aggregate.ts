// A station batch's aggregate and the merge of a batch into a known position
// (pipeline.md "Station state machine"; the reference's StationState.aggregate_obs and
// aggregate_station_obs). Like the reference, boxes and means ignore the antimeridian.
import type { StationKind, StationRecord } from '../../domain/station.js';
import { type BBox, bboxDiagonal, bboxOf, radiusToBBox } from '../../geo/distance.js';

/** A batch whose box diagonal exceeds this (metres) is inconsistent, as is an observation this far from the station. */
export const MAX_STATION_DISTANCE: Readonly<Record<StationKind, number>> = { wifi: 5000, blue: 100, cell: 100_000 };
/** Column limits (INT UNSIGNED samples; the reference caps weight at 10⁹). */
export const MAX_SAMPLES = 2 ** 32 - 1;
export const MAX_WEIGHT = 1e9;
/** A known position counts with at most this weight in a merge, so new data can still move it. */
export const MAX_OLD_WEIGHT = 10_000;

export interface PositionedWeight {
  lat: number;
  lon: number;
  weight: number;
}

/** A position with its box, radius (whole metres) and evidence, as stored on a station. */
export interface PositionSummary extends BBox {
  lat: number;
  lon: number;
  radius: number;
  samples: number;
  weight: number;
}

export interface BatchAggregate extends PositionSummary {
  /** The box diagonal is within the kind's maximum distance. */
  consistent: boolean;
}

export const capSamples = (n: number): number => Math.min(n, MAX_SAMPLES);
export const capWeight = (w: number): number => Math.min(w, MAX_WEIGHT);

/**
 * A position in its box: the mean clamped into the box, the radius of the circle around it that
 * holds the box. Field by field: `{ ...box, ...mean, radius }` (a spread followed by more
 * properties) cost about 1 µs per spread on Node 20, the drain's largest CPU cost (bench:
 * --cpu-prof of `ichnos drain`).
 */
function positionSummary(box: BBox, lat: number, lon: number, samples: number, weight: number): PositionSummary {
  const mean = clampToBox(lat, lon, box);
  return {
    minLat: box.minLat,
    maxLat: box.maxLat,
    minLon: box.minLon,
    maxLon: box.maxLon,
    lat: mean.lat,
    lon: mean.lon,
    radius: circleRadius(mean.lat, mean.lon, box),
    samples,
    weight,
  };
}

/** Guards the float rounding of a weighted mean, which can land a hair outside its inputs. */
export function clampToBox(lat: number, lon: number, box: BBox): { lat: number; lon: number } {
  return {
    lat: Math.min(Math.max(lat, box.minLat), box.maxLat),
    lon: Math.min(Math.max(lon, box.minLon), box.maxLon),
  };
}

/** Distance from the point to its box's farthest corner, rounded like the reference's circle_radius. */
export function circleRadius(lat: number, lon: number, box: BBox): number {
  return Math.round(radiusToBBox(lat, lon, box));
}

const usableWeight = (w: number): number => (Number.isFinite(w) && w > 0 ? w : 0);

/**
 * Weighted mean position, box, radius, count and weight sum of a non-empty batch. Weights that are
 * not positive and finite count as 0; if none is left, every observation counts equally.
 */
export function aggregate(kind: StationKind, obs: readonly PositionedWeight[]): BatchAggregate {
  const box = bboxOf(obs);
  let sum = 0;
  for (const o of obs) sum += usableWeight(o.weight);
  let lat = 0;
  let lon = 0;
  for (const o of obs) {
    const w = sum > 0 ? usableWeight(o.weight) / sum : 1 / obs.length;
    lat += o.lat * w;
    lon += o.lon * w;
  }
  const summary = positionSummary(box, lat, lon, capSamples(obs.length), capWeight(sum)) as BatchAggregate;
  summary.consistent = bboxDiagonal(box) <= MAX_STATION_DISTANCE[kind];
  return summary;
}

type StationPosition = Pick<
  StationRecord,
  'lat' | 'lon' | 'maxLat' | 'minLat' | 'maxLon' | 'minLon' | 'samples' | 'weight'
>;

/** Smallest box holding the batch's box and whatever the station still has of a box and a position. */
export function unionBox(batch: BBox, station: StationPosition): BBox {
  const points = [
    { lat: batch.minLat, lon: batch.minLon },
    { lat: batch.maxLat, lon: batch.maxLon },
  ];
  const add = (lat: number | null, lon: number | null) => {
    if (lat !== null && lon !== null) points.push({ lat, lon });
  };
  add(station.lat, station.lon);
  add(station.maxLat, station.maxLon);
  add(station.minLat, station.minLon);
  return bboxOf(points);
}

/**
 * The "change" merge: the old position weighs min(weight, 10 000) (0 without a position), the
 * batch its weight sum; the box is the union; samples and weights add up, capped.
 */
export function mergeIntoStation(station: StationPosition, batch: PositionSummary): PositionSummary {
  const box = unionBox(batch, station);
  const hasPosition = station.lat !== null && station.lon !== null;
  const oldWeight = hasPosition ? Math.min(usableWeight(station.weight ?? 0), MAX_OLD_WEIGHT) : 0;
  const total = batch.weight + oldWeight;
  let { lat, lon } = batch;
  if (hasPosition && total > 0) {
    lat = (batch.lat * batch.weight + (station.lat as number) * oldWeight) / total;
    lon = (batch.lon * batch.weight + (station.lon as number) * oldWeight) / total;
  }
  return positionSummary(
    box,
    lat,
    lon,
    capSamples((station.samples ?? 0) + batch.samples),
    capWeight(usableWeight(station.weight ?? 0) + batch.weight),
  );
}
