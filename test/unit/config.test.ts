import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config', () => {
  test('defaults', () => {
    const c = loadConfig({});
    assert.equal(c.dbUrl, 'mysql://root@127.0.0.1:3306/ichnos');
    assert.equal(c.dbReadUrl, c.dbUrl);
    assert.equal(c.redisUrl, 'redis://127.0.0.1:6379/0');
    assert.equal(c.port, 8000);
    assert.equal(c.geoipPath, undefined);
    assert.equal(c.trustProxy, true);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.maxBodyBytes, 64 * 1024 * 1024);
    assert.equal(c.exportDir, 'var/exports');
    assert.equal(c.pipelineLeaseMs, 60_000);
  });

  test('the public export directory can be moved or turned off', () => {
    assert.equal(loadConfig({ ICHNOS_EXPORT_DIR: '/srv/ichnos/exports' }).exportDir, '/srv/ichnos/exports');
    assert.equal(loadConfig({ ICHNOS_EXPORT_DIR: 'off' }).exportDir, undefined);
  });

  test('values are read and typed', () => {
    const c = loadConfig({
      ICHNOS_DB_URL: 'mysql://u:p@db:3307/geo',
      ICHNOS_DB_READ_URL: 'mysql://u:p@replica:3306/geo',
      ICHNOS_PORT: '9000',
      ICHNOS_TRUST_PROXY: 'false',
      ICHNOS_GEOIP_PATH: '/data/GeoLite2-City.mmdb',
      ICHNOS_LOG_LEVEL: 'warn',
      ICHNOS_PIPELINE_LEASE_MS: '3000',
    });
    assert.equal(c.pipelineLeaseMs, 3000);
    assert.equal(c.port, 9000);
    assert.equal(c.trustProxy, false);
    assert.equal(c.dbReadUrl, 'mysql://u:p@replica:3306/geo');
    assert.equal(c.geoipPath, '/data/GeoLite2-City.mmdb');
    assert.equal(c.logLevel, 'warn');
  });

  test('archive: var/archive under the working directory by default; paths, file URLs, s3 and off', () => {
    assert.deepEqual(loadConfig({}).archive, { kind: 'dir', path: `${process.cwd()}/var/archive` });
    assert.equal(loadConfig({}).archiveRetentionDays, 0);
    assert.deepEqual(loadConfig({ ICHNOS_ARCHIVE_URL: '/srv/archive' }).archive, { kind: 'dir', path: '/srv/archive' });
    assert.deepEqual(loadConfig({ ICHNOS_ARCHIVE_URL: 'file:///srv/a%20b' }).archive, { kind: 'dir', path: '/srv/a b' });
    assert.deepEqual(loadConfig({ ICHNOS_ARCHIVE_URL: 'off' }).archive, { kind: 'off' });
    const s3 = { ICHNOS_ARCHIVE_S3_ACCESS_KEY_ID: 'id', ICHNOS_ARCHIVE_S3_SECRET_ACCESS_KEY: 'secret' };
    assert.deepEqual(loadConfig({ ...s3, ICHNOS_ARCHIVE_URL: 's3://my-bucket/ichnos/raw/', ICHNOS_ARCHIVE_RETENTION_DAYS: '90' }).archive, {
      kind: 's3',
      bucket: 'my-bucket',
      prefix: 'ichnos/raw/',
      endpoint: 'https://s3.us-east-1.amazonaws.com',
      region: 'us-east-1',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
    });
    const minio = loadConfig({ ...s3, ICHNOS_ARCHIVE_URL: 's3://raw', ICHNOS_ARCHIVE_S3_ENDPOINT: 'http://127.0.0.1:9000/', ICHNOS_ARCHIVE_S3_REGION: 'garage' });
    assert.deepEqual([minio.archive.kind === 's3' && minio.archive.endpoint, minio.archive.kind === 's3' && minio.archive.prefix], ['http://127.0.0.1:9000', '']);
    assert.equal(loadConfig({ ICHNOS_ARCHIVE_RETENTION_DAYS: '90' }).archiveRetentionDays, 90);
  });

  const bad: Array<[string, string]> = [
    ['ICHNOS_PORT', 'eighty'],
    ['ICHNOS_PORT', '70000'],
    ['ICHNOS_DB_URL', 'postgres://x/y'],
    ['ICHNOS_DB_URL', 'mysql://root@localhost/'],
    ['ICHNOS_DB_URL', 'not a url'],
    ['ICHNOS_REDIS_URL', 'http://localhost'],
    ['ICHNOS_TRUST_PROXY', 'maybe'],
    ['ICHNOS_LOG_LEVEL', 'loud'],
    ['ICHNOS_MAX_BODY_BYTES', '-1'],
    ['ICHNOS_REDIS_PREFIX', 'a b'],
    ['ICHNOS_PIPELINE_LEASE_MS', '10'],
    ['ICHNOS_ARCHIVE_URL', 'https://example.com/archive'],
    ['ICHNOS_ARCHIVE_URL', 's3://'],
    ['ICHNOS_ARCHIVE_S3_ACCESS_KEY_ID', ''],
    ['ICHNOS_ARCHIVE_RETENTION_DAYS', '-3'],
  ];
  for (const [name, value] of bad) {
    test(`${name}=${value} is refused with the variable named`, () => {
      assert.throws(
        // An s3:// archive without credentials names the missing key id.
        () => loadConfig(name === 'ICHNOS_ARCHIVE_S3_ACCESS_KEY_ID' ? { ICHNOS_ARCHIVE_URL: 's3://bucket' } : { [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.variable === name && err.message.startsWith(name),
      );
    });
  }
});
