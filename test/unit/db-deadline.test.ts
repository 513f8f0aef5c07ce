import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlineError, withDeadline } from '../../src/db/pool.js';

test('withDeadline passes answers and errors through, and gives up on a query that never answers', async () => {
  assert.equal(await withDeadline(Promise.resolve(7), 50), 7);
  await assert.rejects(withDeadline(Promise.reject(new Error('ECONNREFUSED')), 50), /ECONNREFUSED/);
  await assert.rejects(withDeadline(new Promise(() => {}), 20), DeadlineError);
  // A query failing after its deadline is not an unhandled rejection.
  let fail: (e: Error) => void = () => {};
  await assert.rejects(withDeadline(new Promise((_, reject) => (fail = reject)), 10), DeadlineError);
  fail(new Error('late'));
  await new Promise((r) => setTimeout(r, 10));
});
