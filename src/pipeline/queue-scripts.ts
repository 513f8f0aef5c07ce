// The Lua scripts behind the reliable queues (queues.ts). Every key a script touches carries
// the {queue} hash tag (RedisKeys), so each script runs on one Redis Cluster slot. In-flight
// list names are built inside TAKE from a prefix argument (the batch to re-offer is only known
// there); they share the tag, so they live in the same slot.
// Lease deadlines use the Redis clock (TIME): workers on several machines need not agree.
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/client.js';

export class LuaScript {
  readonly sha: string;
  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** EVALSHA, loading the script on NOSCRIPT (first use, or after a Redis restart). */
  async run(redis: RedisClient, keys: string[], args: Array<string | number>): Promise<unknown> {
    const tail = [keys.length, ...keys, ...args];
    try {
      return await redis.call('EVALSHA', [this.sha, ...tail]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.call('EVAL', [this.lua, ...tail]);
    }
  }
}

// Lua's unpack() is limited to a few thousand values: lists are pushed 1000 at a time.
const PUSH = `
local function push(key, items, first, last)
  for i = first, last, 1000 do
    redis.call('RPUSH', key, unpack(items, i, math.min(i + 999, last)))
  end
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * KEYS: list, leases, attempts, dead list. ARGV: max items, lease ms, new batch id,
 * exclusive (1/0), in-flight key prefix, max attempts.
 * An expired batch is re-offered first, whole and under its own id, so a consumer that
 * committed it but died before the ack recognises it (pipeline_batch). A batch over its
 * attempts goes to the dead list. Exclusive takes refuse while the queue has a live batch:
 * the lease is then the queue's lock. Returns {id or '', attempts, items, dead id or ''}.
 */
export const TAKE = new LuaScript(`${PUSH}
local now = now_ms()
local lease = tonumber(ARGV[2])
local dead = ''
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1)
if #expired > 0 then
  local id = expired[1]
  local attempts = redis.call('HINCRBY', KEYS[3], id, 1)
  local items = redis.call('LRANGE', ARGV[5] .. id, 0, -1)
  if attempts <= tonumber(ARGV[6]) and #items > 0 then
    redis.call('ZADD', KEYS[2], now + lease, id)
    return {id, attempts, items, dead}
  end
  push(KEYS[4], items, 1, #items)
  redis.call('DEL', ARGV[5] .. id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  dead = id
end
if ARGV[4] == '1' and redis.call('ZCARD', KEYS[2]) > 0 then return {'', 0, {}, dead} end
local items = redis.call('LPOP', KEYS[1], tonumber(ARGV[1]))
if not items then return {'', 0, {}, dead} end
push(ARGV[5] .. ARGV[3], items, 1, #items)
redis.call('ZADD', KEYS[2], now + lease, ARGV[3])
redis.call('HSET', KEYS[3], ARGV[3], 1)
return {ARGV[3], 1, items, dead}
`);

/**
 * Acknowledge a batch and, in the same step, push its outputs and count its statistics.
 * KEYS: leases, attempts, in-flight list, output lists…, counters…
 * ARGV: batch id, #outputs, #counters, counter TTL s, item count per output…, increment per
 * counter…, then the output items in order. A batch no longer leased (acknowledged before,
 * or dead-lettered) is left alone: its outputs were pushed then, or never will be. Returns 1/0.
 */
export const ACK = new LuaScript(`${PUSH}
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('DEL', KEYS[3])
redis.call('HDEL', KEYS[2], ARGV[1])
local nOut = tonumber(ARGV[2])
local nCnt = tonumber(ARGV[3])
local pos = 5 + nOut + nCnt
for o = 1, nOut do
  local last = pos + tonumber(ARGV[4 + o]) - 1
  push(KEYS[3 + o], ARGV, pos, last)
  pos = last + 1
end
for c = 1, nCnt do
  local key = KEYS[3 + nOut + c]
  redis.call('INCRBY', key, ARGV[4 + nOut + c])
  redis.call('EXPIRE', key, ARGV[4])
end
return 1
`);

/** KEYS: leases. ARGV: batch id, ms. Moves a live batch's deadline to now + ms (extend, or release for a retry). */
export const SET_LEASE = new LuaScript(`${PUSH}
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', now_ms() + tonumber(ARGV[2]), ARGV[1])
return 1
`);

/**
 * KEYS: source list, destination list. Appends the whole source to the destination and deletes
 * it, atomically (a staged submission appears at once or not at all). Returns the item count.
 */
export const APPEND = new LuaScript(`
local n = redis.call('LLEN', KEYS[1])
if n == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('PERSIST', KEYS[2])
  return n
end
for i = 0, n - 1, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(redis.call('LRANGE', KEYS[1], i, i + 999)))
end
redis.call('DEL', KEYS[1])
return n
`);
