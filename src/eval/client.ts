// HTTP calls to the service under evaluation: geosubmit, geolocate, country, and the
// answers-by-source counter of /metrics (the locate response itself does not say which source
// answered).
import { gzipSync } from 'node:zlib';

export interface LocateAnswer {
  lat: number;
  lng: number;
  accuracy: number;
  fallback?: string;
}

export class ServiceClient {
  constructor(
    readonly url: string,
    readonly key: string,
  ) {}

  /** POST /v2/geosubmit; throws unless the service answers 200. */
  async geosubmit(items: unknown[], headers: Record<string, string>, gzip: boolean): Promise<void> {
    const json = JSON.stringify({ items });
    const body = gzip ? gzipSync(json) : json;
    const res = await fetch(`${this.url}/v2/geosubmit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}), ...headers },
      body,
    });
    if (res.status !== 200) throw new Error(`geosubmit answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    await res.arrayBuffer();
  }

  /** POST /v1/geolocate: the answer, or null on 404 (not found). */
  async locate(body: unknown): Promise<LocateAnswer | null> {
    const res = await fetch(`${this.url}/v1/geolocate?key=${encodeURIComponent(this.key)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'ichnos-eval' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`geolocate answered ${res.status}: ${text.slice(0, 200)}`);
    const j = JSON.parse(text) as { location: { lat: number; lng: number }; accuracy: number; fallback?: string };
    return { lat: j.location.lat, lng: j.location.lng, accuracy: j.accuracy, fallback: j.fallback };
  }

  /** POST /v1/country: the region code, or null on 404. */
  async country(body: unknown): Promise<string | null> {
    const res = await fetch(`${this.url}/v1/country?key=${encodeURIComponent(this.key)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`country answered ${res.status}: ${text.slice(0, 200)}`);
    return (JSON.parse(text) as { country_code: string }).country_code;
  }

  /** Locate answers counted so far, by source label (ichnos_locate_answers_total, api="locate"). */
  async answerCounts(): Promise<Map<string, number>> {
    const res = await fetch(`${this.url}/metrics`);
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    return parseAnswerCounts(await res.text());
  }
}

/** Sum ichnos_locate_answers_total{api="locate"} per source from Prometheus text. */
export function parseAnswerCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('ichnos_locate_answers_total{')) continue;
    const labels = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'));
    if (!/(^|,)api="locate"/.test(labels)) continue;
    const source = /(^|,)source="([^"]*)"/.exec(labels)?.[2] ?? '?';
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    counts.set(source, (counts.get(source) ?? 0) + value);
  }
  return counts;
}

/** The one source whose count grew between two snapshots (null if none or several did). */
export function answeringSource(before: Map<string, number>, after: Map<string, number>): string | null {
  const grown = [...after].filter(([s, v]) => v > (before.get(s) ?? 0)).map(([s]) => s);
  return grown.length === 1 ? grown[0] : null;
}
