// deploy/grafana/ichnos.json queries only what /metrics really exports: every metric name in a
// panel's PromQL is a series family (or a histogram's _bucket/_sum/_count) of a running app, and
// every label it groups or filters by is a label of that family. Also: well-formed dashboard JSON.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { insertKey } from '../../src/db/keys.js';
import { defaultKey } from '../../src/domain/apikey.js';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';

interface Target {
  expr: string;
  datasource?: { uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string }> };
}

const dashboard = JSON.parse(readFileSync(new URL('../../deploy/grafana/ichnos.json', import.meta.url), 'utf8')) as Dashboard;
/** Labels Prometheus adds at scrape time, and the histogram bucket bound. */
const SCRAPE_LABELS = new Set(['instance', 'job', 'le']);

let app: TestApp;
let exposition = '';

before(async () => {
  app = await startTestApp();
  await insertKey(app.services.db.write, defaultKey('dash-key'));
  // Exercise the labelled series the dashboard groups by: locate, region, submit, a 4xx.
  await postJson(`${app.url}/v1/geolocate?key=dash-key`, { wifiAccessPoints: [{ macAddress: 'a0b1c2d30001' }, { macAddress: 'a0b1c2d30002' }] });
  await postJson(`${app.url}/v1/country?key=dash-key`, {}, { 'x-forwarded-for': '81.2.69.192' });
  await postJson(`${app.url}/v2/geosubmit`, { items: [{ position: { latitude: 52.5, longitude: 13.4 }, wifiAccessPoints: [{ macAddress: 'a0b1c2d30001' }] }] });
  await postJson(`${app.url}/v1/geolocate`, {});
  exposition = await (await fetch(`${app.url}/metrics`)).text();
});

after(async () => {
  await app?.close();
});

/** Family name → its type and the label names seen on its samples. */
function families(text: string): Map<string, { type: string; labels: Set<string> }> {
  const out = new Map<string, { type: string; labels: Set<string> }>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) out.set(type[1], { type: type[2], labels: new Set() });
  }
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/.exec(line);
    if (!sample) continue;
    const family = out.get(sample[1]) ?? out.get(sample[1].replace(/_(bucket|sum|count)$/, ''));
    for (const m of sample[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) family?.labels.add(m[1]);
  }
  return out;
}

/** The family a queried series name belongs to (histograms are queried through _bucket etc.). */
function familyOf(name: string, known: Map<string, { type: string }>): string | undefined {
  if (known.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return known.get(base)?.type === 'histogram' ? base : undefined;
}

const targets = () => dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

test('every metric the dashboard queries is exported by /metrics', () => {
  const known = families(exposition);
  assert.ok(known.size > 10);
  const queried = new Set<string>();
  for (const { panel, expr } of targets()) {
    const names = [...expr.matchAll(/\b(ichnos_[a-z0-9_]+)\b/g)].map((m) => m[1]);
    assert.ok(names.length > 0, `${panel}: queries no ichnos metric`);
    for (const name of names) {
      assert.ok(familyOf(name, known), `${panel}: ${name} is not in /metrics`);
      queried.add(familyOf(name, known) as string);
    }
  }
  // The list: requests, latency, answers by source, queue backlog and age, throughput, errors.
  for (const family of [
    'ichnos_http_requests_total',
    'ichnos_http_request_duration_seconds',
    'ichnos_locate_answers_total',
    'ichnos_queue_length',
    'ichnos_queue_oldest_age_seconds',
    'ichnos_pipeline_items_total',
    'ichnos_pipeline_failures_total',
    'ichnos_backend_errors_total',
  ]) {
    assert.ok(queried.has(family), `the dashboard shows ${family}`);
  }
});

test('every label the dashboard groups or filters by exists on its metric', () => {
  const known = families(exposition);
  // Series never observed in this run (fallback calls) have no samples: add the declared labels.
  for (const [name, family] of known) {
    const declared = (app.services.metrics.registry.getSingleMetric(name) as unknown as { labelNames?: string[] } | undefined)?.labelNames ?? [];
    for (const label of declared) family.labels.add(label);
  }
  for (const { panel, expr } of targets()) {
    const grouped = [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((s) => s.trim()));
    const matched = [...expr.matchAll(/[{,]\s*([a-z_]+)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]);
    const names = [...new Set([...expr.matchAll(/\b(ichnos_[a-z0-9_]+)\b/g)].map((m) => familyOf(m[1], known) as string))];
    for (const label of new Set([...grouped, ...matched])) {
      if (SCRAPE_LABELS.has(label)) continue;
      assert.ok(
        names.some((n) => known.get(n)?.labels.has(label)),
        `${panel}: label "${label}" is on none of ${names.join(', ')} (${names.map((n) => [...(known.get(n)?.labels ?? [])].join('/')).join('; ')})`,
      );
    }
  }
});

test('the dashboard is well formed: unique panel ids, a data-source variable, variables defined', () => {
  assert.equal(dashboard.uid, 'ichnos-overview');
  const ids = dashboard.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  const variables = new Set(dashboard.templating.list.map((v) => v.name));
  for (const p of dashboard.panels) {
    assert.ok(p.gridPos.w > 0 && p.gridPos.x + p.gridPos.w <= 24, `${p.title}: fits the 24-column grid`);
    if (p.type === 'row') continue;
    assert.equal(p.datasource?.uid, '$' + '{datasource}', `${p.title}: uses the data-source variable`);
    for (const t of p.targets ?? []) {
      for (const v of t.expr.matchAll(/\$([a-z_]+)/g)) {
        if (!v[1].startsWith('_')) assert.ok(variables.has(v[1]), `${p.title}: $${v[1]} is defined`);
      }
    }
  }
});
