// pipeline_batch: the ids of batches whose MySQL effects are committed. The queues deliver a
// batch at least once (pipeline.md, reliability); recording its id in the transaction that
// applies it makes the effect exactly-once: a redelivered batch finds its id and is only acked.
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

type Queryable = Pool | PoolConnection;

export async function alreadyApplied(conn: Queryable, batchId: string): Promise<boolean> {
  const [rows] = await conn.execute<RowDataPacket[]>('SELECT 1 FROM pipeline_batch WHERE batch_id = ?', [batchId]);
  return rows.length > 0;
}

/**
 * Record the batch inside the caller's transaction; false when it was already recorded.
 * A plain INSERT (not IGNORE): a second transaction applying the same batch at the same time
 * waits on the first one's row lock and then fails here, so it cannot apply the batch again.
 * Call it first in the transaction, so that wait happens before any other work.
 */
export async function recordBatch(conn: PoolConnection, batchId: string, stage: string, items: number): Promise<boolean> {
  try {
    await conn.execute<ResultSetHeader>(
      'INSERT INTO pipeline_batch (batch_id, stage, applied, items) VALUES (?, ?, UTC_TIMESTAMP(), ?)',
      [batchId, stage.slice(0, 32), items],
    );
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'ER_DUP_ENTRY') return false;
    throw err;
  }
}

/**
 * Run `apply` in a transaction that records the batch first. Resolves false (rolled back,
 * nothing applied) when the batch was applied before; rethrows apply's errors after a rollback.
 * `readCommitted`: this one transaction runs at READ COMMITTED (the pooled session keeps its
 * level), where locking reads take no gap locks (see lockMacStations).
 */
export async function withBatchTransaction(
  pool: Pool,
  batchId: string,
  stage: string,
  items: number,
  apply: (conn: PoolConnection) => Promise<void>,
  readCommitted = false,
): Promise<boolean> {
  const conn = await pool.getConnection();
  try {
    if (readCommitted) await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await conn.beginTransaction();
    if (!(await recordBatch(conn, batchId, stage, items))) {
      await conn.rollback();
      return false;
    }
    await apply(conn);
    await conn.commit();
    return true;
  } catch (err) {
    await conn.rollback().catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}

/** Forget batch ids older than the longest a batch can wait for a retry (daily clean-up). */
export async function deleteBatchesBefore(pool: Pool, before: Date): Promise<number> {
  const [res] = await pool.execute<ResultSetHeader>('DELETE FROM pipeline_batch WHERE applied < ? LIMIT 10000', [before]);
  return res.affectedRows;
}
