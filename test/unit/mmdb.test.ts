// The positioned-read .mmdb reader: its decoder on hand-made bytes (every type the format has,
// pointers, extended sizes) and address parsing; whole-file behaviour is in geoip.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isIPv4 } from 'node:net';
import fc from 'fast-check';
import { addressBytes, Decoder, ipv4Bytes, MmdbFormatError } from '../../src/geoip/mmdb.js';

const decoderOf = (hex: string) => {
  const buf = Buffer.from(hex.replace(/\s/g, ''), 'hex');
  return new Decoder((off, len) => {
    if (off + len > buf.length) throw new RangeError('past the end');
    return [buf, off];
  });
};

describe('mmdb decoder', () => {
  test('scalars: string, double, uint16/32/64, int32, boolean, float, bytes', () => {
    assert.equal(decoderOf('43 616263').decode(0), 'abc');
    assert.equal(decoderOf('68 400921fb54442d18').decode(0), Math.PI);
    assert.equal(decoderOf('a2 0102').decode(0), 258);
    assert.equal(decoderOf('c4 01020304').decode(0), 0x01020304);
    assert.equal(decoderOf('05 02 0100000000').decode(0), 2 ** 32);
    assert.equal(decoderOf('04 01 ffffffff').decode(0), -1);
    assert.equal(decoderOf('01 07').decode(0), true);
    assert.equal(decoderOf('04 08 3fc00000').decode(0), 1.5);
    assert.deepEqual(decoderOf('82 beef').decode(0), Buffer.from('beef', 'hex'));
  });

  test('maps, arrays, pointers and a 29+ size', () => {
    // map {a: [1, "x"], b: <pointer to offset 0 of the string "hi">}
    const d = decoderOf('42 6869  e2 41 61 02 04 a1 01 41 78 41 62 20 00');
    assert.deepEqual(d.decode(3), { a: [1, 'x'], b: 'hi' });
    const long = 'y'.repeat(40);
    assert.equal(decoderOf(`5d 0b ${Buffer.from(long).toString('hex')}`).decode(0), long);
  });

  test('an unknown type is a format error', () => {
    assert.throws(() => decoderOf('00 0a').decode(0), MmdbFormatError);
  });
});

describe('addressBytes', () => {
  test('IPv4 and canonical IPv6', () => {
    assert.deepEqual([...(addressBytes('81.2.69.192', 4) ?? [])], [81, 2, 69, 192]);
    assert.deepEqual([...(addressBytes('2001:db8::1', 6) ?? [])], [0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual([...(addressBytes('::', 6) ?? [])], new Array(16).fill(0));
  });
  test('malformed text gives null', () => {
    for (const [t, f] of [['1.2.3', 4], ['1.2.3.256', 4], ['1..2.3', 4], ['1::2::3', 6], ['1:2:3', 6], ['g::1', 6]] as const) {
      assert.equal(addressBytes(t, f), null, t);
    }
  });
});

describe('ipv4Bytes', () => {
  test('accepts exactly what net.isIPv4 accepts', () => {
    for (const t of ['1.2.3.4', '01.2.3.4', '1.2.3.04', '1.2.3', '1.2.3.4.5', '256.1.1.1', ' 1.2.3.4', '1.2.3.4 ', '1..2.3', '0.0.0.0', '']) {
      assert.equal(ipv4Bytes(t) !== null, isIPv4(t), JSON.stringify(t));
    }
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9.]{0,16}$/), (t) => (ipv4Bytes(t) !== null) === isIPv4(t)),
      { numRuns: 2000 },
    );
  });
});
