import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyParam } from '../../src/web/fast-api.js';

test('keyParam: the first key parameter, decoded as a query string', () => {
  assert.equal(keyParam(''), undefined);
  assert.equal(keyParam('a=1'), undefined);
  assert.equal(keyParam('key=abc'), 'abc');
  assert.equal(keyParam('x=1&key=abc&key=def'), 'abc');
  assert.equal(keyParam('key=a%2Db+c'), 'a-b c');
  assert.equal(keyParam('key='), '');
  assert.equal(keyParam('monkey=1'), undefined);
});
