// The archive targets behind one contract: a local directory, and S3 through HTTP against the
// small S3-compatible server of test/helpers/s3-server.ts (which checks every SigV4 signature).
// Retention and time-ordered reading are run on both.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { S3ArchiveConfig } from '../../src/config.js';
import { batchKey } from '../../src/pipeline/archive/layout.js';
import { LocalArchive } from '../../src/pipeline/archive/local.js';
import { archivedFiles, hourPartitions } from '../../src/pipeline/archive/read.js';
import { pruneArchive } from '../../src/pipeline/archive/retention.js';
import { S3Archive } from '../../src/pipeline/archive/s3.js';
import { ArchiveError, type ArchiveTarget } from '../../src/pipeline/archive/target.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';
import { encodeBatch } from '../../src/pipeline/archive/layout.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s));
const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString());
const keys = async (t: ArchiveTarget, prefix = '') => {
  const out: string[] = [];
  for await (const e of t.list(prefix)) out.push(e.key);
  return out;
};

function contract(name: string, make: () => Promise<ArchiveTarget>) {
  describe(`${name} archive target`, () => {
    let t: ArchiveTarget;
    before(async () => {
      t = await make();
    });

    test('put, get, overwrite, delete; a missing object reads as null and deletes quietly', async () => {
      assert.equal(await t.get('a/missing.gz'), null);
      await t.put('a/b/one.gz', bytes('first'));
      await t.put('a/b/one.gz', bytes('second'));
      assert.equal(text(await t.get('a/b/one.gz')), 'second');
      await t.delete('a/b/one.gz');
      await t.delete('a/b/one.gz');
      assert.equal(await t.get('a/b/one.gz'), null);
      assert.deepEqual(await keys(t, 'a/'), []);
    });

    test('list: every key under a prefix, in key order, with size and time; children: one level down', async () => {
      for (const k of ['p/2024/01/x.gz', 'p/2024/02/y.gz', 'p/2023/12/z.gz', 'p/2024/01/w.gz', 'q/other.gz']) await t.put(k, bytes(k));
      assert.deepEqual(await keys(t, 'p/'), ['p/2023/12/z.gz', 'p/2024/01/w.gz', 'p/2024/01/x.gz', 'p/2024/02/y.gz']);
      assert.deepEqual(await keys(t, 'p/2024/0'), ['p/2024/01/w.gz', 'p/2024/01/x.gz', 'p/2024/02/y.gz']);
      assert.deepEqual(await t.children('p/'), ['p/2023/', 'p/2024/']);
      assert.deepEqual(await t.children('p/2024/'), ['p/2024/01/', 'p/2024/02/']);
      assert.deepEqual(await t.children('nothing/'), []);
      for await (const e of t.list('q/')) {
        assert.equal(e.size, 'q/other.gz'.length);
        assert.ok(Math.abs(e.modified.getTime() - Date.now()) < 60_000);
      }
      for (const k of await keys(t)) await t.delete(k);
      assert.deepEqual(await keys(t), []);
    });

    test('keys that could escape the archive are refused', async () => {
      for (const bad of ['../x', 'a/../../x', '/abs', 'a//b', 'a/./b', 'sp ace']) {
        await assert.rejects(t.put(bad, bytes('x')), ArchiveError, bad);
      }
    });

    test('retention deletes the partitions that ended before the cut-off, and only those', async () => {
      const at = (iso: string) => new Date(iso);
      const files = ['2024-03-09T23:59:00Z', '2024-03-10T00:00:00Z', '2024-03-10T13:00:00Z', '2023-12-31T10:00:00Z', '2024-02-29T05:00:00Z'];
      for (const [i, iso] of files.entries()) await t.put(batchKey(`b${i}`, at(iso)), bytes(iso));
      await t.put('reports/README.txt', bytes('not a partition'));
      await t.put('other/2020/x.gz', bytes('not ours'));
      const summary = await pruneArchive(t, at('2024-03-10T00:00:00Z'));
      assert.deepEqual(await keys(t, 'reports/2024/03/'), [batchKey('b1', at(files[1])), batchKey('b2', at(files[2]))]);
      assert.deepEqual(await keys(t, 'reports/2023/'), []);
      assert.deepEqual(await keys(t, 'reports/2024/02/'), []);
      assert.equal(text(await t.get('reports/README.txt')), 'not a partition');
      assert.equal(text(await t.get('other/2020/x.gz')), 'not ours');
      assert.equal(summary.objects, 3);
      // whole years and months went in one step each where they could
      assert.deepEqual(summary.partitions, 3);
      for (const k of await keys(t)) await t.delete(k);
    });

    test('replay reading: hour partitions oldest first within the range, files with their lines', async () => {
      const put = async (id: string, iso: string, lines: string[]) => t.put(batchKey(id, new Date(iso)), await encodeBatch(lines));
      await put('c', '2024-05-02T10:20:00Z', ['{"n":3}']);
      await put('a', '2024-05-01T09:00:00Z', ['{"n":1}', '{"n":2}']);
      await put('d', '2024-05-03T00:10:00Z', ['{"n":4}']);
      const hours: string[] = [];
      for await (const h of hourPartitions(t)) hours.push(h);
      assert.deepEqual(hours, ['reports/2024/05/01/09/', 'reports/2024/05/02/10/', 'reports/2024/05/03/00/']);
      const lines: string[] = [];
      for await (const f of archivedFiles(t, { from: new Date('2024-05-02T00:00:00Z'), until: new Date('2024-05-03T00:00:00Z') })) lines.push(...f.lines);
      assert.deepEqual(lines, ['{"n":3}']);
      for (const k of await keys(t)) await t.delete(k);
    });
  });
}

let dir: string;
let s3: S3TestServer;
const creds = { accessKeyId: 'ichnos-test', secretAccessKey: 'not-so-secret/key+value', region: 'eu-test-1' };
const s3Config = (over: Partial<S3ArchiveConfig> = {}): S3ArchiveConfig => ({
  kind: 's3',
  bucket: 'ichnos-archive',
  prefix: 'team/ichnos/',
  endpoint: s3.endpoint,
  ...creds,
  ...over,
});

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ichnos-archive-unit-'));
  s3 = await startS3Server({ bucket: 'ichnos-archive', ...creds, pageSize: 2 });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
  await s3.close();
});

contract('local directory', async () => new LocalArchive(join(dir, 'archive')));
contract('S3', async () => new S3Archive(s3Config()));

describe('local directory specifics', () => {
  test('writes leave no temporary files, and a deleted partition leaves no empty directories', async () => {
    const t = new LocalArchive(join(dir, 'tidy'));
    await t.put('reports/2024/01/02/03/x.ndjson.gz', bytes('x'));
    assert.deepEqual(await readdir(join(dir, 'tidy/reports/2024/01/02/03')), ['x.ndjson.gz']);
    assert.deepEqual(await readdir(join(dir, 'tidy/.tmp')), []);
    await t.delete('reports/2024/01/02/03/x.ndjson.gz');
    assert.deepEqual(await readdir(join(dir, 'tidy')), ['.tmp']);
  });

  test('a write killed midway leaves a file in .tmp only (never listed), swept once old enough', async () => {
    const t = new LocalArchive(join(dir, 'killed'));
    await t.put('reports/2024/01/02/03/x.ndjson.gz', bytes('x'));
    await writeFile(join(dir, 'killed/.tmp/0123.part'), 'half a batch');
    assert.deepEqual(await keys(t), ['reports/2024/01/02/03/x.ndjson.gz']);
    assert.deepEqual(await t.children(''), ['reports/']);
    assert.equal(await t.sweep(new Date(Date.now() - 3_600_000)), 0);
    assert.equal(await t.sweep(new Date(Date.now() + 1000)), 1);
    assert.deepEqual(await readdir(join(dir, 'killed/.tmp')), []);
  });
});

describe('S3 specifics', () => {
  test('path-style requests under the bucket and the configured prefix; listings paged', async () => {
    const t = new S3Archive(s3Config());
    s3.requests.length = 0;
    for (const k of ['x/1', 'x/2', 'x/3', 'x/4', 'x/5']) await t.put(k, bytes(k));
    assert.deepEqual([...s3.objects.keys()].filter((k) => k.startsWith('team/ichnos/x/')).length, 5);
    assert.equal(s3.requests[0], 'PUT /ichnos-archive/team/ichnos/x/1');
    s3.requests.length = 0;
    assert.deepEqual(await keys(t, 'x/'), ['x/1', 'x/2', 'x/3', 'x/4', 'x/5']);
    assert.equal(s3.requests.length, 3, 'pages of 2 keys');
    assert.match(s3.requests[0], /^GET \/ichnos-archive\/\?list-type=2&prefix=team%2Fichnos%2Fx%2F$/);
    for (const k of await keys(t, 'x/')) await t.delete(k);
  });

  test('errors carry the status and S3 code: a wrong secret, a server failure', async () => {
    const wrong = new S3Archive(s3Config({ secretAccessKey: 'wrong' }));
    await assert.rejects(wrong.put('k', bytes('x')), (err: unknown) => err instanceof ArchiveError && /HTTP 403 SignatureDoesNotMatch/.test(err.message));
    const t = new S3Archive(s3Config());
    s3.failNext(1);
    await assert.rejects(t.get('k'), /HTTP 500 InternalError: injected failure/);
    const down = new S3Archive(s3Config({ endpoint: 'http://127.0.0.1:1' }));
    await assert.rejects(down.put('k', bytes('x')), ArchiveError);
  });
});
