import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Services } from '../../src/services.js';
import { cachedTotals, readTotals } from '../../src/web/site/totals.js';

const NOW = new Date('2026-11-23T10:30:00Z');

/** A stand-in read pool answering the three queries readTotals makes, counting them. */
function fakeDb(fail = { next: false }) {
  let queries = 0;
  const pool = {
    async query(sql: string, params?: unknown[]) {
      queries++;
      if (fail.next) throw new Error('down');
      if (sql.includes('MAX(day)')) {
        return [[{ stat_key: 'unique_wifi', day: '2026-11-23', value: 10 }, { stat_key: 'unique_cell', day: '2026-11-22', value: 7 }]];
      }
      if (sql.includes('region_stat')) return [[{ gsm: 1, wcdma: 2, lte: 3, nr: 1, blue: 0, wifi: 10 }]];
      const key = (params as unknown[])[0];
      if (key === 'wifi_observations') return [[{ day: '2026-11-23', value: 5 }]];
      if (key === 'cell_observations') return [[{ day: '2026-11-23', value: 2 }]];
      return [[]];
    },
  };
  return { services: { db: { read: pool, write: pool } } as unknown as Pick<Services, 'db'>, count: () => queries, fail };
}

test('readTotals combines the newest station counts, cells per radio and today’s observations', async () => {
  const { services } = fakeDb();
  assert.deepEqual(await readTotals(services, NOW), {
    wifi: 10,
    blue: 0,
    cells: 7,
    cellsByRadio: { gsm: 1, wcdma: 2, lte: 3, nr: 1 },
    observationsToday: 7,
    asOf: '2026-11-23',
  });
});

test('cachedTotals reads once per TTL and retries after a failure', async () => {
  const db = fakeDb();
  const totals = cachedTotals(db.services, 60_000);
  await totals(NOW);
  const perRead = db.count();
  await totals(new Date(NOW.getTime() + 59_000));
  assert.equal(db.count(), perRead, 'served from the cache');
  db.fail.next = true;
  await assert.rejects(totals(new Date(NOW.getTime() + 61_000)));
  db.fail.next = false;
  const after = db.count();
  assert.equal((await totals(new Date(NOW.getTime() + 62_000))).wifi, 10, 'a failed read is not cached');
  assert.equal(db.count(), after + perRead);
});
