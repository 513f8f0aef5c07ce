import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admitShare } from '../../src/web/submit/back-pressure.js';

test('submit back-pressure share: all under the limit; reject ⇒ none over it; sample ⇒ falling to none at twice it', () => {
  assert.equal(admitShare(0, 100, 'reject'), 1);
  assert.equal(admitShare(99, 100, 'reject'), 1);
  assert.equal(admitShare(100, 100, 'reject'), 0);
  assert.equal(admitShare(10_000, 100, 'reject'), 0);
  assert.equal(admitShare(99, 100, 'sample'), 1);
  assert.equal(admitShare(100, 100, 'sample'), 1);
  assert.equal(admitShare(150, 100, 'sample'), 0.5);
  assert.equal(admitShare(200, 100, 'sample'), 0);
  assert.equal(admitShare(1e9, 100, 'sample'), 0);
  // 0 turns it off.
  assert.equal(admitShare(1e9, 0, 'reject'), 1);
});
