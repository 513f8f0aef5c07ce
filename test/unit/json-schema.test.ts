import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validate } from '../helpers/json-schema.js';

const root = {
  components: {
    schemas: {
      Point: { type: 'object', required: ['lat'], additionalProperties: false, properties: { lat: { type: 'number' }, tag: { type: 'string', enum: ['a', 'b'] } } },
    },
  },
};

test('the schema checker accepts valid values and reports each violation with its path', () => {
  const list = { type: 'array', items: { $ref: '#/components/schemas/Point' } };
  assert.deepEqual(validate([{ lat: 1.5 }, { lat: 2, tag: 'a' }], list, root), []);
  assert.deepEqual(validate([{ tag: 'c', x: 1 }, 'no'], list, root), [
    '$[0]: missing required "lat"',
    '$[0].tag: "c" is not one of ["a","b"]',
    '$[0]: unexpected property "x"',
    '$[1]: expected object, got string',
  ]);
  assert.deepEqual(validate(1.5, { type: 'integer' }), ['$: expected integer, got number']);
  assert.deepEqual(validate(null, { type: ['boolean', 'null'] }), []);
  assert.deepEqual(validate({ a: 'x', b: 2 }, { type: 'object', additionalProperties: { type: 'string' } }), ['$.b: expected string, got number']);
  assert.throws(() => validate(1, { oneOf: [] }), /not supported/);
});
