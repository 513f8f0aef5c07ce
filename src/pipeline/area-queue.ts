// Cell areas waiting for a recompute (pipeline.md "Flow" step 4). A set, not a list: a busy area
// is touched by every cell batch, and one recompute covers all of those touches. Each mark gets
// a fresh sequence number; the area stage removes an entry only while it still carries the number
// it read, so a cell change committed during a recompute is never lost, and a stage that dies
// leaves its entries for the next run.
import { type AreaKey, areaIdFromBinary, areaIdToBinary } from '../domain/ids.js';
import type { RedisClient } from '../redis/client.js';
import type { RedisKeys } from '../redis/keys.js';
import { LuaScript } from './queue-scripts.js';

const MARK = new LuaScript(`
local seq = redis.call('INCR', KEYS[2])
for i = 1, #ARGV do redis.call('ZADD', KEYS[1], seq, ARGV[i]) end
return seq
`);

// ARGV: member, score, member, score, … as read by take().
const DONE = new LuaScript(`
local removed = 0
for i = 1, #ARGV, 2 do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return removed
`);

export interface PendingAreas {
  keys: AreaKey[];
  /** Opaque: pass back to done(). */
  token: string[];
}

export class AreaQueue {
  constructor(
    readonly redis: RedisClient,
    readonly keys: RedisKeys,
  ) {}

  /** Mark areas for a recompute (after their cells' transaction committed, or on a retry of it). */
  async mark(areas: Iterable<AreaKey>): Promise<number> {
    const ids = new Set<string>();
    for (const a of areas) ids.add(areaIdToBinary(a).toString('hex'));
    if (ids.size === 0) return 0;
    const all = [...ids];
    for (let i = 0; i < all.length; i += 1000) {
      await MARK.run(this.redis, [this.keys.areasPending(), this.keys.areasPendingSeq()], all.slice(i, i + 1000));
    }
    return ids.size;
  }

  /** Up to `max` of the oldest marked areas (nothing is removed until done()). */
  async take(max: number): Promise<PendingAreas> {
    const flat = await this.redis.zrange(this.keys.areasPending(), '0', String(max - 1), 'WITHSCORES');
    const keys: AreaKey[] = [];
    for (let i = 0; i < flat.length; i += 2) keys.push(areaIdFromBinary(Buffer.from(flat[i], 'hex')));
    return { keys, token: flat };
  }

  /** Remove the taken entries that were not marked again since take(). */
  async done(taken: PendingAreas): Promise<number> {
    if (taken.token.length === 0) return 0;
    return Number(await DONE.run(this.redis, [this.keys.areasPending()], taken.token));
  }

  async length(): Promise<number> {
    return this.redis.zcard(this.keys.areasPending());
  }
}
