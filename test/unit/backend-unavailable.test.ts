import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlineError } from '../../src/db/pool.js';
import { isBackendUnavailable } from '../../src/web/middleware/errors.js';

test('MySQL out of reach is told apart from bugs (503, not 500)', () => {
  const coded = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(code), { code, ...extra });
  assert.ok(isBackendUnavailable(coded('ECONNREFUSED')));
  assert.ok(isBackendUnavailable(coded('PROTOCOL_CONNECTION_LOST', { fatal: true })));
  assert.ok(isBackendUnavailable(coded('ETIMEDOUT')));
  assert.ok(isBackendUnavailable(new DeadlineError(1000)));
  assert.ok(isBackendUnavailable(new Error('Queue limit reached.')));
  assert.ok(!isBackendUnavailable(coded('ER_PARSE_ERROR')));
  assert.ok(!isBackendUnavailable(new TypeError('x is undefined')));
  assert.ok(!isBackendUnavailable(null));
});
