// Archive key layout, partition dates and the retention cut-off (src/pipeline/archive/layout.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  batchIdOf,
  batchKey,
  batchTime,
  decodeBatch,
  encodeBatch,
  hourPrefix,
  isReplayed,
  markReplayed,
  partitionEnd,
  partitionStart,
  retentionCutoff,
} from '../../src/pipeline/archive/layout.js';
import { checkKey } from '../../src/pipeline/archive/target.js';

const at = (iso: string) => new Date(iso);

describe('archive layout', () => {
  test('a batch is filed under reports/YYYY/MM/DD/HH/<batchId>.ndjson.gz, UTC', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    assert.equal(batchKey(id, at('2024-03-05T07:59:59.999Z')), `reports/2024/03/05/07/${id}.ndjson.gz`);
    assert.equal(batchKey(id, at('2024-03-05T23:30:00-02:00')), `reports/2024/03/06/01/${id}.ndjson.gz`);
    assert.equal(hourPrefix(at('1999-12-31T00:00:00Z')), 'reports/1999/12/31/00/');
    assert.equal(batchIdOf(batchKey(id, at('2024-03-05T07:00:00Z'))), id);
    assert.equal(batchIdOf('reports/2024/03/05/07/notes.txt'), null);
    assert.equal(checkKey(batchKey(id, new Date())), batchKey(id, new Date()));
  });

  test('partitions: start and end at every depth; malformed or impossible dates are not partitions', () => {
    assert.deepEqual(partitionStart('reports/2024/'), at('2024-01-01T00:00:00Z'));
    assert.deepEqual(partitionEnd('reports/2024/'), at('2025-01-01T00:00:00Z'));
    assert.deepEqual(partitionEnd('reports/2024/02/'), at('2024-03-01T00:00:00Z'));
    assert.deepEqual(partitionEnd('reports/2024/02/29/'), at('2024-03-01T00:00:00Z'));
    assert.deepEqual(partitionStart('reports/2024/12/31/23/'), at('2024-12-31T23:00:00Z'));
    assert.deepEqual(partitionEnd('reports/2024/12/31/23/'), at('2025-01-01T00:00:00Z'));
    for (const bad of ['reports/', 'reports/24/', 'reports/2024/13/', 'reports/2023/02/29/', 'reports/2024/01/01/24/', 'other/2024/', 'reports/2024']) {
      assert.equal(partitionStart(bad), null, bad);
      assert.equal(partitionEnd(bad), null, bad);
    }
  });

  test('retention cut-off: midnight UTC `days` days before today; 0 keeps everything', () => {
    assert.equal(retentionCutoff(at('2024-03-10T15:00:00Z'), 0), null);
    assert.deepEqual(retentionCutoff(at('2024-03-10T15:00:00Z'), 1), at('2024-03-09T00:00:00Z'));
    assert.deepEqual(retentionCutoff(at('2024-03-10T00:00:00Z'), 10), at('2024-02-29T00:00:00Z'));
    assert.deepEqual(retentionCutoff(at('2025-01-01T23:59:59Z'), 365), at('2024-01-02T00:00:00Z'));
    // a partition goes when it ended at or before the cut-off
    const cutoff = retentionCutoff(at('2024-03-10T15:00:00Z'), 1) as Date;
    assert.ok((partitionEnd('reports/2024/03/08/') as Date) <= cutoff);
    assert.ok((partitionEnd('reports/2024/03/08/23/') as Date) <= cutoff);
    assert.ok(!((partitionEnd('reports/2024/03/09/00/') as Date) <= cutoff));
    assert.ok(!((partitionEnd('reports/2024/03/') as Date) <= cutoff));
  });

  test('a batch is filed by its oldest report receive time (the same on every delivery), else now', () => {
    const now = at('2024-03-10T15:00:00Z');
    const items = [{ received: Date.parse('2024-03-10T14:59:59Z') }, { received: Date.parse('2024-03-10T13:10:00Z') }].map((r) => JSON.stringify(r));
    assert.deepEqual(batchTime(items, now), at('2024-03-10T13:10:00Z'));
    assert.deepEqual(batchTime(['not json', '{"received":"x"}'], now), now);
  });

  test('replayed reports are marked by their first property; the rest of the report is unchanged', () => {
    const line = JSON.stringify({ apiKey: null, source: 'gnss', report: { timestamp: 1 }, received: 2 });
    const marked = markReplayed(line);
    assert.ok(isReplayed(marked));
    assert.ok(!isReplayed(line));
    const { replayed, ...rest } = JSON.parse(marked);
    assert.equal(replayed, true);
    assert.deepEqual(rest, JSON.parse(line));
    assert.ok(isReplayed(markReplayed(marked)));
  });

  test('gzip NDJSON round trip, one line per report', async () => {
    const lines = ['{"a":1}', '{"b":"x\\ny"}'];
    const gz = await encodeBatch(lines);
    assert.deepEqual([gz[0], gz[1]], [0x1f, 0x8b]);
    assert.deepEqual(await decodeBatch(gz), lines);
    assert.deepEqual(await decodeBatch(await encodeBatch([])), []);
  });
});

describe('ichnos replay --since/--until', () => {
  test('UTC days, both inclusive: [since 00:00, the day after until 00:00)', async () => {
    const { replayRange } = await import('../../src/cli/replay.js');
    assert.deepEqual(replayRange('2024-02-28', '2024-02-29'), { from: at('2024-02-28T00:00:00Z'), until: at('2024-03-01T00:00:00Z') });
    assert.deepEqual(replayRange(undefined, undefined), { from: undefined, until: undefined });
    assert.throws(() => replayRange('2024-02-30'), /--since takes a date/);
    assert.throws(() => replayRange(undefined, '24-01-01'), /--until takes a date/);
    assert.throws(() => replayRange('2024-03-02', '2024-03-01'), /--until is before --since/);
  });
});
