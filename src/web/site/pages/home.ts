// `/`: what Ichnos is, the live totals, and how to point each known client at this instance.
import type Router from '@koa/router';
import type { Services } from '../../../services.js';
import { html, type SafeHtml } from '../html.js';
import { sendPage, siteOrigin } from '../page.js';
import { cachedTotals, type SiteTotals } from '../totals.js';
import { clientSetup } from './clients.js';

const fmt = new Intl.NumberFormat('en-US');

function card(label: string, value: number, detail?: SafeHtml | string): SafeHtml {
  return html`<li class="card"><span class="value" data-total="${label}">${fmt.format(value)}</span><span class="label">${label}</span>${
    detail ? html`<span class="detail">${detail}</span>` : ''
  }</li>`;
}

function totalsSection(t: SiteTotals | null): SafeHtml {
  if (!t) return html`<p class="note">The totals are unavailable right now (the database did not answer).</p>`;
  const r = t.cellsByRadio;
  return html`<ul class="cards" id="totals">
${card('WiFi access points', t.wifi)}
${card('Cells', t.cells, `GSM ${fmt.format(r.gsm)} · UMTS ${fmt.format(r.wcdma)} · LTE ${fmt.format(r.lte)} · NR ${fmt.format(r.nr)}`)}
${card('Bluetooth beacons', t.blue)}
${card('Observations today', t.observationsToday, 'WiFi, cell and Bluetooth, UTC day')}
</ul>
<p class="muted">${t.asOf ? `Station counts as of ${t.asOf}; updated hourly.` : 'No statistics yet: they appear after the worker’s first hourly run.'}
Details on <a href="/stats">the statistics page</a> and <a href="/map">the coverage map</a>.</p>`;
}

export function homeRoutes(router: Router, services: Services): void {
  const totals = cachedTotals(services);
  router.register('/', ['GET', 'HEAD'], async (ctx) => {
    let t: SiteTotals | null = null;
    try {
      t = await totals();
    } catch (err) {
      services.log.warn({ err: (err as Error).message }, 'home page totals unavailable');
    }
    const origin = siteOrigin(ctx);
    sendPage(ctx, services, {
      title: 'Ichnos — a self-hosted location service',
      body: html`<h1>Ichnos</h1>
<p class="lead">A self-hosted location service: it tells a device where it is from the WiFi access points,
cell towers and Bluetooth beacons it can see, and learns where those stations are from what contributors submit.
It speaks the Mozilla Location Service (Ichnaea) API, which is the Google Geolocation API with additions,
so existing clients work by changing one URL.</p>

<h2>Known stations</h2>
${totalsSection(t)}

<h2>Use it</h2>
<p>Every request names an API key in the <code>key</code> query parameter. Looking a position up
needs a key the operator of this instance created (<code>ichnos keys add</code>); submissions are
accepted with any key or none. Below, replace <code>YOUR_KEY</code> with your key.
The full reference is on <a href="/api">the API page</a>.</p>
${clientSetup(origin)}

<h2>Contribute</h2>
<p>Stumbling apps record which stations they see together with a GPS position and send them to
<code>${origin}/v2/geosubmit</code>. Ichnos queues every submission, and a worker turns it into station
positions within minutes. What is kept, and for how long, is on <a href="/privacy">the privacy page</a>;
WiFi owners can <a href="/optout">opt their network out</a>.</p>`,
    });
  });
}
