// api_key table access.
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { type ApiKey, FALLBACK_SCHEMAS, type FallbackSchema } from '../domain/apikey.js';

// sql-safe: column list
const COLUMNS =
  'valid_key, maxreq, allow_fallback, allow_locate, allow_region, fallback_name, fallback_schema, ' +
  'fallback_url, fallback_ratelimit, fallback_ratelimit_interval, fallback_cache_expire, ' +
  'store_sample_locate, store_sample_submit';

function nullableInt(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function rowToKey(r: RowDataPacket): ApiKey {
  const schema = r.fallback_schema as string | null;
  return {
    validKey: String(r.valid_key),
    maxreq: nullableInt(r.maxreq),
    allowFallback: r.allow_fallback === 1,
    allowLocate: r.allow_locate === 1,
    allowRegion: r.allow_region === 1,
    fallbackName: r.fallback_name ?? null,
    fallbackSchema: FALLBACK_SCHEMAS.includes(schema as FallbackSchema)
      ? (schema as FallbackSchema)
      : schema === null
        ? null
        : 'ichnaea/v1',
    fallbackUrl: r.fallback_url ?? null,
    fallbackRatelimit: nullableInt(r.fallback_ratelimit),
    fallbackRatelimitInterval: nullableInt(r.fallback_ratelimit_interval),
    fallbackCacheExpire: nullableInt(r.fallback_cache_expire),
    storeSampleLocate: nullableInt(r.store_sample_locate),
    storeSampleSubmit: nullableInt(r.store_sample_submit),
  };
}

function keyToParams(k: ApiKey): Array<string | number | null> {
  return [
    k.validKey,
    k.maxreq,
    k.allowFallback ? 1 : 0,
    k.allowLocate ? 1 : 0,
    k.allowRegion ? 1 : 0,
    k.fallbackName,
    k.fallbackSchema,
    k.fallbackUrl,
    k.fallbackRatelimit,
    k.fallbackRatelimitInterval,
    k.fallbackCacheExpire,
    k.storeSampleLocate,
    k.storeSampleSubmit,
  ];
}

export async function findKey(pool: Pool, validKey: string): Promise<ApiKey | null> {
  const [rows] = await pool.execute<RowDataPacket[]>(
    `SELECT ${COLUMNS} FROM api_key WHERE valid_key = ?`,
    [validKey],
  );
  return rows[0] ? rowToKey(rows[0]) : null;
}

export async function listKeys(pool: Pool): Promise<ApiKey[]> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM api_key ORDER BY valid_key`);
  return rows.map(rowToKey);
}

/** Insert a new key; false when it already exists. */
export async function insertKey(pool: Pool, key: ApiKey): Promise<boolean> {
  const [res] = await pool.execute<ResultSetHeader>(
    `INSERT IGNORE INTO api_key (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    keyToParams(key),
  );
  return res.affectedRows === 1;
}

/** Replace every field of an existing key; false when it does not exist. */
export async function updateKey(pool: Pool, key: ApiKey): Promise<boolean> {
  const p = keyToParams(key);
  const [res] = await pool.execute<ResultSetHeader>(
    `UPDATE api_key SET maxreq = ?, allow_fallback = ?, allow_locate = ?, allow_region = ?,
       fallback_name = ?, fallback_schema = ?, fallback_url = ?, fallback_ratelimit = ?,
       fallback_ratelimit_interval = ?, fallback_cache_expire = ?, store_sample_locate = ?,
       store_sample_submit = ?
     WHERE valid_key = ?`,
    [...p.slice(1), p[0]],
  );
  return res.affectedRows === 1;
}

export async function deleteKey(pool: Pool, validKey: string): Promise<boolean> {
  const [res] = await pool.execute<ResultSetHeader>('DELETE FROM api_key WHERE valid_key = ?', [validKey]);
  return res.affectedRows === 1;
}
