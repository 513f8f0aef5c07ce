// Mixed traffic for the load and soak test: locates of every kind (WiFi, cell, Bluetooth, mixed,
// IP only, unknown networks), region lookups, submissions on all three submit APIs, monitoring.
// The stations of PLACES are learned first (seedReports), so locates find them. Every submitted
// report carries one WiFi network never seen before: after the pipeline has drained, the WiFi
// station count tells whether any accepted observation was lost.

export interface SoakRequest {
  kind: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The never-seen MACs this submission carries (one per report). */
  fresh?: string[];
}

const PLACES = 24;
const APS = 5;
const BLUES = 2;
// An address of the MaxMind test GeoIP database (London).
const GEOIP_IP = '81.2.69.192';

const hex2 = (n: number) => (n & 255).toString(16).padStart(2, '0');
const apMac = (place: number, i: number) => `0a:00:00:${hex2(place)}:01:${hex2(i)}`;
const blueMac = (place: number, i: number) => `0a:00:00:${hex2(place)}:02:${hex2(i)}`;
const cellOf = (place: number) => ({ radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 100 + place, cellId: 5000 + place });
const placeAt = (place: number) => ({ lat: 52.3 + (place % 6) * 0.05, lon: 13.1 + Math.floor(place / 6) * 0.08 });

export class Traffic {
  private n = 0;
  private freshCount = 0;

  constructor(
    /** Key for locate and region (query data off, so locates add no stations). */
    private readonly locateKey: string,
    /** Key for submissions. */
    private readonly submitKey: string,
    private readonly random: () => number = Math.random,
  ) {}

  /** Reports that make every station of every place known (two observations each). */
  seedReports(): unknown {
    const items = [];
    for (let p = 0; p < PLACES; p++) {
      for (let round = 0; round < 2; round++) items.push(this.report(p, []));
    }
    return v2(items);
  }

  next(): SoakRequest {
    const r = this.random();
    this.n++;
    if (r < 0.4) return this.locate();
    if (r < 0.5) return this.region();
    if (r < 0.95) return this.submit();
    return this.monitor();
  }

  private place(): number {
    return Math.floor(this.random() * PLACES);
  }

  private json(kind: string, path: string, body: unknown, ip?: string, fresh?: string[]): SoakRequest {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (ip) headers['x-forwarded-for'] = ip;
    return { kind, method: 'POST', path, headers, body: JSON.stringify(body), fresh };
  }

  private locate(): SoakRequest {
    const p = this.place();
    const path = `/v1/geolocate?key=${this.locateKey}`;
    const wifi = [0, 1, 2].map((i) => ({ macAddress: apMac(p, (i + this.n) % APS), signalStrength: -60 - i * 5 }));
    const blue = [0, 1].map((i) => ({ macAddress: blueMac(p, i), signalStrength: -70 }));
    switch (this.n % 6) {
      case 0:
        return this.json('locate-wifi', path, { wifiAccessPoints: wifi });
      case 1:
        return this.json('locate-cell', path, { cellTowers: [cellOf(p)] });
      case 2:
        return this.json('locate-blue', path, { bluetoothBeacons: blue });
      case 3:
        return this.json('locate-mixed', path, { wifiAccessPoints: wifi, cellTowers: [cellOf(p)], bluetoothBeacons: blue }, GEOIP_IP);
      case 4:
        return this.json('locate-ip', path, {}, GEOIP_IP);
      default:
        return this.json('locate-unknown', path, { wifiAccessPoints: [{ macAddress: '0c:00:00:00:00:01' }, { macAddress: '0c:00:00:00:00:02' }] });
    }
  }

  private region(): SoakRequest {
    const path = `/v1/country?key=${this.locateKey}`;
    return this.n % 2 === 0 ? this.json('region-ip', path, {}, GEOIP_IP) : this.json('region-cell', path, { cellTowers: [cellOf(this.place())] });
  }

  /** One report at place p: its known stations, plus the given never-seen WiFi MACs. */
  private report(p: number, fresh: string[]): { lat: number; lon: number; wifi: string[]; blue: string[]; cell: ReturnType<typeof cellOf> } {
    const at = placeAt(p);
    const jitter = () => (this.random() - 0.5) * 2e-4;
    return {
      lat: at.lat + jitter(),
      lon: at.lon + jitter(),
      wifi: [...Array.from({ length: APS }, (_, i) => apMac(p, i)), ...fresh],
      blue: Array.from({ length: BLUES }, (_, i) => blueMac(p, i)),
      cell: cellOf(p),
    };
  }

  private freshMac(): string {
    const n = this.freshCount++;
    return `0e:00:${hex2(n >> 24)}:${hex2(n >> 16)}:${hex2(n >> 8)}:${hex2(n)}`;
  }

  private submit(): SoakRequest {
    const count = 1 + Math.floor(this.random() * 5);
    const fresh = Array.from({ length: count }, () => this.freshMac());
    const reports = fresh.map((mac) => this.report(this.place(), [mac]));
    const flavour = this.n % 3;
    const key = `?key=${this.submitKey}`;
    if (flavour === 0) return this.json('submit-v2', `/v2/geosubmit${key}`, v2(reports), undefined, fresh);
    if (flavour === 1) {
      const items = reports.map((r) => ({ latitude: r.lat, longitude: r.lon, accuracy: 10, wifiAccessPoints: r.wifi.map((macAddress) => ({ macAddress })), cellTowers: [r.cell] }));
      return this.json('submit-v1', `/v1/geosubmit${key}`, { items }, undefined, fresh);
    }
    const items = reports.map((r) => ({
      lat: r.lat,
      lon: r.lon,
      accuracy: 10,
      wifi: r.wifi.map((k) => ({ key: k })),
      blue: r.blue.map((k) => ({ key: k })),
      cell: [{ radio: 'lte', mcc: r.cell.mobileCountryCode, mnc: r.cell.mobileNetworkCode, lac: r.cell.locationAreaCode, cid: r.cell.cellId }],
    }));
    return this.json('submit-v0', `/v1/submit${key}`, { items }, undefined, fresh);
  }

  private monitor(): SoakRequest {
    const path = ['/__heartbeat__', '/__lbheartbeat__', '/__version__', '/metrics'][this.n % 4];
    return { kind: 'monitor', method: 'GET', path, headers: {} };
  }
}

function v2(reports: Array<{ lat: number; lon: number; wifi: string[]; blue: string[]; cell: unknown }>): unknown {
  return {
    items: reports.map((r) => ({
      position: { latitude: r.lat, longitude: r.lon, accuracy: 10, source: 'gnss' },
      wifiAccessPoints: r.wifi.map((macAddress) => ({ macAddress, signalStrength: -70 })),
      bluetoothBeacons: r.blue.map((macAddress) => ({ macAddress })),
      cellTowers: [r.cell],
    })),
  };
}

/** WiFi stations the seed creates. */
export const SEEDED_WIFI = PLACES * APS;
