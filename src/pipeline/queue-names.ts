// Names of the pipeline's Redis lists (pipeline.md "Flow"): one incoming list, then station
// lists per kind and shard. A shard's batches are applied by one worker at a time (exclusive
// takes, queues.ts) while different shards run in parallel on any number of workers.
import type { RadioName } from '../domain/radio.js';

export type StationKind = 'wifi' | 'blue' | 'cell';

/** Submitted and query-derived reports (api.md §5.5, §9). */
export const INCOMING = 'incoming';
/** Grid cells that saw a GNSS position, for the coverage map stage. */
export const DATAMAP = 'datamap';

const HEX = '0123456789abcdef'.split('');
const RADIOS: readonly RadioName[] = ['gsm', 'wcdma', 'lte', 'nr'];

/** Shard ids per kind: 16 MAC shards (last hex digit) for WiFi and Bluetooth, one per radio for cells. */
export const STATION_SHARDS: Readonly<Record<StationKind, readonly string[]>> = {
  wifi: HEX,
  blue: HEX,
  cell: RADIOS,
};

export const STATION_KINDS: readonly StationKind[] = ['wifi', 'blue', 'cell'];

export function stationQueue(kind: StationKind, shard: string): string {
  return `${kind}:${shard}`;
}

/**
 * Shard of a normalised MAC (12 lowercase hex digits): its last hex digit. The reference used the
 * fifth, which lies in the vendor prefix (OUI): a town full of one ISP's routers, or a test batch
 * of one vendor's access points, then lands in one or two shards and one worker does all the work.
 * The last digit is device-specific and spreads any population evenly over the 16 shards.
 */
export function macShard(mac: string): string {
  return mac.charAt(11);
}

/** Every list the monitor reports on. */
export function allQueues(): string[] {
  const names = [INCOMING, DATAMAP];
  for (const kind of STATION_KINDS) for (const shard of STATION_SHARDS[kind]) names.push(stationQueue(kind, shard));
  return names;
}
