import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

test('server timeouts: defaults, overrides, headers within the request deadline', () => {
  const c = loadConfig({});
  assert.equal(c.requestTimeoutMs, 60_000);
  assert.equal(c.headersTimeoutMs, 10_000);
  const o = loadConfig({ ICHNOS_REQUEST_TIMEOUT_MS: '5000', ICHNOS_HEADERS_TIMEOUT_MS: '2000' });
  assert.equal(o.requestTimeoutMs, 5000);
  assert.equal(o.headersTimeoutMs, 2000);
  // A short request deadline pulls the default headers deadline down with it.
  assert.equal(loadConfig({ ICHNOS_REQUEST_TIMEOUT_MS: '3000' }).headersTimeoutMs, 3000);
  assert.throws(() => loadConfig({ ICHNOS_REQUEST_TIMEOUT_MS: '5000', ICHNOS_HEADERS_TIMEOUT_MS: '6000' }), ConfigError);
  assert.throws(() => loadConfig({ ICHNOS_REQUEST_TIMEOUT_MS: '10' }), /ICHNOS_REQUEST_TIMEOUT_MS/);
});

test('submit back-pressure: limit and policy', () => {
  const c = loadConfig({});
  assert.equal(c.submitBacklogLimit, 2_000_000);
  assert.equal(c.submitBacklogPolicy, 'reject');
  const o = loadConfig({ ICHNOS_SUBMIT_BACKLOG_LIMIT: '0', ICHNOS_SUBMIT_BACKLOG_POLICY: 'Sample' });
  assert.equal(o.submitBacklogLimit, 0);
  assert.equal(o.submitBacklogPolicy, 'sample');
  assert.throws(() => loadConfig({ ICHNOS_SUBMIT_BACKLOG_POLICY: 'drop' }), /ICHNOS_SUBMIT_BACKLOG_POLICY/);
  assert.throws(() => loadConfig({ ICHNOS_SUBMIT_BACKLOG_LIMIT: '-1' }), ConfigError);
});
