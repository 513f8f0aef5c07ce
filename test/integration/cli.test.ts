// The ichnos command as an operator runs it: migrate, keys, startup failures.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cleanup, testEnv } from '../helpers/app.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/ichnos', import.meta.url));

async function ichnos(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(BIN, args, { env: { ...process.env, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ichnos CLI', () => {
  const t = testEnv();
  after(() => cleanup(t));

  test('--help lists the commands, each command has --help', async () => {
    const top = await ichnos(['--help'], t.env);
    assert.equal(top.code, 0);
    for (const c of ['migrate', 'serve', 'worker', 'start', 'keys', 'drain']) {
      assert.match(top.stdout, new RegExp(`\\b${c}\\b`));
      const sub = await ichnos([c, '--help'], t.env);
      assert.equal(sub.code, 0, c);
      assert.match(sub.stdout, /Usage: ichnos/);
    }
  });

  test('migrate creates the database and is idempotent', async () => {
    const first = await ichnos(['migrate'], t.env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied: 001_init\.sql/);
    const second = await ichnos(['migrate'], t.env);
    assert.equal(second.code, 0);
    assert.match(second.stdout, /up to date/);
  });

  test('keys add, show, update, list, remove', async () => {
    const add = await ichnos(['keys', 'add', 'cli-key-1', '--maxreq', '5', '--no-region'], t.env);
    assert.equal(add.code, 0, add.stderr);
    assert.deepEqual(JSON.parse(add.stdout), {
      key: 'cli-key-1',
      maxreq: 5,
      locate: true,
      region: false,
      fallback: false,
      sampleLocate: 100,
      sampleSubmit: 100,
    });
    const dup = await ichnos(['keys', 'add', 'cli-key-1'], t.env);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /already exists/);
    const upd = await ichnos(
      ['keys', 'update', 'cli-key-1', '--region', '--allow-fallback', '--fallback-name', 'prov', '--fallback-url', 'https://example.invalid/v1/geolocate', '--fallback-schema', 'googlemaps/v1'],
      t.env,
    );
    assert.equal(upd.code, 0, upd.stderr);
    const shown = JSON.parse((await ichnos(['keys', 'show', 'cli-key-1'], t.env)).stdout);
    assert.equal(shown.region, true);
    assert.equal(shown.maxreq, 5);
    assert.equal(shown.fallback.schema, 'googlemaps/v1');
    assert.equal(shown.usageToday['v1.geolocate'], 0);
    const list = await ichnos(['keys', 'list'], t.env);
    assert.match(list.stdout, /cli-key-1/);
    assert.equal((await ichnos(['keys', 'remove', 'cli-key-1'], t.env)).code, 0);
    assert.equal((await ichnos(['keys', 'show', 'cli-key-1'], t.env)).code, 2);
  });

  test('bad flags and bad keys are usage errors', async () => {
    assert.equal((await ichnos(['keys', 'add', 'bad_key'], t.env)).code, 2);
    assert.equal((await ichnos(['keys', 'add', 'okkey', '--maxreq', 'many'], t.env)).code, 2);
    assert.equal((await ichnos(['keys', 'add', 'okkey', '--fallback-schema', 'nope/v1'], t.env)).code, 2);
    assert.equal((await ichnos(['nosuchcommand'], t.env)).code, 2);
  });

  test('unreachable MySQL or Redis: which URL, how to start it, no stack trace, exit 1', async () => {
    const db = await ichnos(['serve'], { ...t.env, ICHNOS_DB_URL: 'mysql://root@127.0.0.1:1/nothing' });
    assert.equal(db.code, 1);
    assert.match(db.stderr, /Cannot reach MySQL at mysql:\/\/root@127\.0\.0\.1:1\/nothing/);
    assert.match(db.stderr, /docker compose -f deploy\/docker-compose.yml up -d mysql redis/);
    assert.doesNotMatch(db.stderr, /\n\s+at /);
    const redis = await ichnos(['serve'], { ...t.env, ICHNOS_REDIS_URL: 'redis://127.0.0.1:1/0' });
    assert.equal(redis.code, 1);
    assert.match(redis.stderr, /Cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0/);
    assert.doesNotMatch(redis.stderr, /\n\s+at /);
  });

  test('a bad variable is named', async () => {
    const res = await ichnos(['serve'], { ...t.env, ICHNOS_PORT: 'eighty' });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /ICHNOS_PORT/);
  });
});
