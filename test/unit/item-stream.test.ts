import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type ItemEvent, ItemStream, JsonSyntaxError, startsWithObject } from '../../src/web/submit/item-stream.js';

/** Feed `text` cut at `cuts` (byte offsets); the items of the last "items" key, or the error. */
function run(bytes: Buffer, cuts: number[] = []): { items: unknown[] | null; value?: unknown } | JsonSyntaxError {
  const stream = new ItemStream();
  const events: ItemEvent[] = [];
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  try {
    for (const c of [...at, bytes.length]) {
      stream.push(bytes.subarray(prev, c), events);
      prev = c;
    }
    stream.end();
  } catch (err) {
    if (err instanceof JsonSyntaxError) return err;
    throw err;
  }
  let items: unknown[] | null = null;
  let value: unknown;
  for (const e of events) {
    if (e.type === 'items-start') items = [];
    else if (e.type === 'item') items?.push(e.value);
    else {
      items = null;
      value = e.value;
    }
  }
  return { items, value };
}

describe('ItemStream: the items of a submit body, streamed', () => {
  test('every element of "items", whatever the chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.jsonValue(), fc.array(fc.nat(), { maxLength: 6 }), (items, other, cuts) => {
        const body = Buffer.from(JSON.stringify({ before: other, items, after: [other, '}]"'] }));
        const got = run(body, cuts);
        assert.ok(!(got instanceof JsonSyntaxError), String(got));
        assert.deepEqual(got.items, JSON.parse(JSON.stringify(items)));
      }),
      { numRuns: 500 },
    );
  });

  test('accepts a body exactly when JSON.parse accepts it (objects with random damage)', () => {
    const damaged = fc
      .tuple(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.nat(), fc.nat(), fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', 'x', ' ', '1', 'null'))
      .map(([items, at, len, insert]) => {
        const s = JSON.stringify({ items, k: 'v' });
        const i = at % (s.length + 1);
        return s.slice(0, i) + insert + s.slice(i + (len % 3));
      });
    fc.assert(
      fc.property(damaged, fc.array(fc.nat(), { maxLength: 4 }), (text, cuts) => {
        let whole: unknown;
        try {
          whole = JSON.parse(text);
        } catch {
          whole = undefined;
        }
        const isObject = typeof whole === 'object' && whole !== null && !Array.isArray(whole);
        if (startsWithObject(Buffer.from(text)) !== true) return; // read whole by the caller
        const got = run(Buffer.from(text), cuts);
        assert.equal(got instanceof JsonSyntaxError, !isObject, text);
        if (isObject && !(got instanceof JsonSyntaxError)) {
          const items = (whole as Record<string, unknown>).items;
          if (Array.isArray(items)) assert.deepEqual(got.items, items, text);
          else assert.deepEqual(got.value, items, text);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('a repeated "items" key: the last one counts, as in JSON.parse', () => {
    const got = run(Buffer.from('{"items":[1,2],"x":0,"items":[{"a":"]"}]}'));
    assert.ok(!(got instanceof JsonSyntaxError));
    assert.deepEqual(got.items, [{ a: ']' }]);
    const scalar = run(Buffer.from('{"items":[1],"items":null}'));
    assert.ok(!(scalar instanceof JsonSyntaxError));
    assert.equal(scalar.items, null);
    assert.equal(scalar.value, null);
  });

  test('escaped key names, a BOM, UTF-8 split across chunks', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' {"\\u0069tems" : [ {"ssid":"café \\" ]}"} ] }\n')]);
    for (let cut = 0; cut <= body.length; cut++) {
      const got = run(body, [cut]);
      assert.ok(!(got instanceof JsonSyntaxError), `cut ${cut}: ${got}`);
      assert.deepEqual(got.items, [{ ssid: 'café " ]}' }]);
    }
  });

  test('bad UTF-8 inside an item, trailing garbage, a truncated body: errors', () => {
    const bad = Buffer.concat([Buffer.from('{"items":[{"ssid":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
    assert.ok(run(bad) instanceof JsonSyntaxError);
    assert.ok(run(Buffer.from('{"items":[]} x')) instanceof JsonSyntaxError);
    assert.ok(run(Buffer.from('{"items":[{"a":1}')) instanceof JsonSyntaxError);
    assert.ok(run(Buffer.from('{"items":[1,]}')) instanceof JsonSyntaxError);
    assert.ok(run(Buffer.from('{"items":[NaN]}')) instanceof JsonSyntaxError);
    assert.ok(run(Buffer.from('')) instanceof JsonSyntaxError);
  });

  test('startsWithObject looks past whitespace and a BOM', () => {
    assert.equal(startsWithObject(Buffer.from('  \n{')), true);
    assert.equal(startsWithObject(Buffer.from('[{}]')), false);
    assert.equal(startsWithObject(Buffer.from('   ')), undefined);
    assert.equal(startsWithObject(Buffer.from([0xef, 0xbb, 0xbf, 0x7b])), true);
  });
});
