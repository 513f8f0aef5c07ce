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
  ];
  for (const [name, value] of bad) {
    test(`${name}=${value} is refused with the variable named`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.variable === name && err.message.startsWith(name),
      );
    });
  }
});
