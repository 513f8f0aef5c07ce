import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDrain } from '../../src/cli/drain.js';

test('drain summary names only the stages that did something', () => {
  assert.equal(describeDrain({ incoming: 2, 'station:wifi:0': 0, 'station:wifi:f': 4200, area: 1 }, 1.84), 'drained in 1.8 s: incoming 2, station:wifi:f 4,200, area 1');
  assert.equal(describeDrain({ incoming: 0 }, 0.2), 'drained in 0.2 s: nothing was queued');
});
