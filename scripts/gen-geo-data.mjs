#!/usr/bin/env node
// Regenerates data/mcc.json and data/countries.json from the same tables the reference
// (mozilla/ichnaea) uses at run time: its vendored `mobile_codes` package and `genc==0.2`.
// See data/README.md for sources and licences.
//
// Usage: node scripts/gen-geo-data.mjs [--mobile-codes <path|url>] [--genc <path|url>]
// Without options the pinned GitHub raw URLs below are fetched.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const MOBILE_CODES_URL =
  'https://raw.githubusercontent.com/mozilla/ichnaea/efe73300296436f1b6a8d10db9739ffc3711ba94/mobile_codes/json/countries.json';
const GENC_URL =
  'https://raw.githubusercontent.com/hannosch/genc/7730de9e22b5aad27f84395b94c4afbfd0b83762/data/regions.json';

// ichnaea/geocode.py MCC_TO_GENC_MAP: Palestine only exists as West Bank/Gaza in GENC.
const MCC_TO_GENC = { PS: 'XW' };
// ichnaea/models/constants.py ALL_VALID_MCCS: 1..999, Tuvalu (553) excluded.
const MIN_MCC = 1;
const MAX_MCC = 999;
const EXCLUDED_MCCS = new Set([553]);

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function readJson(source) {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`${source}: HTTP ${res.status}`);
    return res.json();
  }
  return JSON.parse(readFileSync(source, 'utf8'));
}

function regionCodes() {
  const gz = readFileSync(join(dataDir, 'regions.geojson.gz'));
  const collection = JSON.parse(gunzipSync(gz).toString('utf8'));
  return new Set(collection.features.map((f) => f.properties.alpha2));
}

// mobile_codes rows are [name, alpha2, alpha3, numeric, mcc], mcc being null, a string or a list.
function buildMcc(rows, known) {
  const byMcc = new Map();
  for (const [, alpha2, , , mcc] of rows) {
    const list = typeof mcc === 'string' ? [mcc] : Array.isArray(mcc) ? mcc : [];
    for (const code of list) {
      if (!code) continue;
      const n = Number.parseInt(code, 10);
      if (n < MIN_MCC || n > MAX_MCC || EXCLUDED_MCCS.has(n)) continue;
      const region = MCC_TO_GENC[alpha2] ?? alpha2;
      if (!byMcc.has(n)) byMcc.set(n, new Set());
      // regions_for_mcc() intersects with the regions known to the geocoder.
      if (known.has(region)) byMcc.get(n).add(region);
    }
  }
  const out = {};
  for (const n of [...byMcc.keys()].sort((a, b) => a - b)) {
    out[String(n)] = [...byMcc.get(n)].sort();
  }
  return out;
}

function buildCountries(genc, known) {
  const names = new Map(genc.map((r) => [r.char2Code, r.shortName]));
  const out = {};
  for (const code of [...known].sort()) {
    const name = names.get(code);
    if (!name) throw new Error(`no GENC name for region ${code}`);
    out[code] = name;
  }
  return out;
}

const known = regionCodes();
const mcc = buildMcc(await readJson(option('--mobile-codes', MOBILE_CODES_URL)), known);
const countries = buildCountries(await readJson(option('--genc', GENC_URL)), known);

const mccLines = Object.entries(mcc).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
writeFileSync(join(dataDir, 'mcc.json'), `{\n${mccLines.join(',\n')}\n}\n`);
writeFileSync(join(dataDir, 'countries.json'), `${JSON.stringify(countries, null, 2)}\n`);
const empty = Object.entries(mcc).filter(([, v]) => v.length === 0).map(([k]) => k);
console.log(
  `mcc.json: ${Object.keys(mcc).length} MCCs (without regions: ${empty.join(', ') || 'none'}); ` +
    `countries.json: ${Object.keys(countries).length} names`,
);
