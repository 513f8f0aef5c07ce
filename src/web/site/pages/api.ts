// `/api`: the API reference, with copy-paste curl examples pointing at this very instance;
// `/openapi.json`: the same API as an OpenAPI 3.1 document.
import type Router from '@koa/router';
import type { Services } from '../../../services.js';
import { versionInfo } from '../../routes/monitor.js';
import { API_EXAMPLES, type ApiExample, curlCommand } from '../api-examples.js';
import { html, type SafeHtml } from '../html.js';
import { openApiDocument } from '../openapi.js';
import { PAGE_CACHE_CONTROL, sendPage, siteOrigin } from '../page.js';

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function seconds(ms: number): string {
  const s = Math.round(ms / 100) / 10;
  return `${s} second${s === 1 ? '' : 's'}`;
}

function examples(origin: string, path: ApiExample['path']): SafeHtml[] {
  return API_EXAMPLES.filter((e) => e.path === path).map(
    (e) => html`<h4 id="example-${e.id}">${e.summary}</h4>
<pre class="curl"><code>${curlCommand(origin, e)}</code></pre>`,
  );
}

const ERROR_ROWS: ReadonlyArray<[number, string, string, string]> = [
  [400, 'usageLimits', 'keyInvalid', 'no key, an unknown key, or a key not allowed for this API (locate, region)'],
  [400, 'global', 'parseError', 'the body is not gzip/JSON, or a field has the wrong type; details says which'],
  [403, 'usageLimits', 'dailyLimitExceeded', 'the key used up its daily requests on this path; Retry-After gives the seconds to UTC midnight'],
  [404, 'geolocation', 'notFound', 'locate or region found nothing'],
  [413, 'global', 'payloadTooLarge', 'the decompressed body is above the limit below'],
  [503, 'global', 'serviceUnavailable', 'a submission could not be queued; nothing was stored, retry later'],
];

function body(origin: string, services: Services): SafeHtml {
  const cfg = services.config;
  return html`<h1>API</h1>
<p class="lead">Ichnos speaks the Mozilla Location Service (Ichnaea) API: the Google Geolocation API for
lookups plus the geosubmit APIs for contributions. The same description as a machine-readable
OpenAPI 3.1 document: <a href="/openapi.json"><code>/openapi.json</code></a>.</p>
<ul class="toc">
<li><a href="#basics">Basics</a></li><li><a href="#geolocate">Locate: /v1/geolocate</a></li>
<li><a href="#country">Region: /v1/country</a></li><li><a href="#submit">Submit: /v2/geosubmit, /v1/geosubmit, /v1/submit</a></li>
<li><a href="#errors">Errors</a></li><li><a href="#limits">Limits</a></li><li><a href="#monitoring">Monitoring</a></li>
</ul>

<h2 id="basics">Basics</h2>
<ul>
<li>Base URL: <code>${origin}</code>. Requests are <code>POST</code> with a JSON body; it may be gzip-compressed
(<code>Content-Encoding: gzip</code>). <code>GET</code> on the lookup APIs is a lookup by IP address.</li>
<li>The API key goes in the query string: <code>?key=YOUR_KEY</code> (4–40 letters, digits or <code>-</code>).
Lookups need a key the operator created; submissions work with any key or none.</li>
<li>Unknown fields are ignored. MAC addresses may use any case and <code>:</code>, <code>-</code> or no separator.
WiFi networks whose SSID ends in <code>_nomap</code> or <code>_optout</code> are ignored (<a href="/optout">why</a>).</li>
<li>API responses allow any origin (CORS <code>Access-Control-Allow-Origin: *</code>), so web pages can call them.</li>
</ul>

<h2 id="geolocate"><span class="method">POST</span><span class="endpoint">/v1/geolocate</span></h2>
<p>Where is the device that sees these stations? Send any of <code>wifiAccessPoints</code>, <code>cellTowers</code>
and <code>bluetoothBeacons</code>. At least two WiFi networks (or two beacons) are needed for a WiFi (Bluetooth) answer;
one cell is enough. Without usable networks, or when they are unknown, the answer comes from the IP address
unless <code>considerIp</code> is <code>false</code> (or <code>fallbacks.ipf</code> is <code>false</code>).</p>
<div class="table-wrap"><table class="stack">
<thead><tr><th>Field</th><th>Meaning</th></tr></thead>
<tbody>
<tr><td class="inline"><code>wifiAccessPoints[]</code></td><td><code>macAddress</code> (required), <code>signalStrength</code> dBm, <code>frequency</code> MHz or <code>channel</code>, <code>age</code> ms, <code>ssid</code></td></tr>
<tr><td class="inline"><code>cellTowers[]</code></td><td><code>radioType</code> (gsm, wcdma/umts, lte, nr), <code>mobileCountryCode</code>, <code>mobileNetworkCode</code>, <code>locationAreaCode</code>, <code>cellId</code>, <code>psc</code>, <code>signalStrength</code>, <code>timingAdvance</code>, <code>age</code></td></tr>
<tr><td class="inline"><code>bluetoothBeacons[]</code></td><td><code>macAddress</code> (required), <code>signalStrength</code>, <code>name</code>, <code>age</code></td></tr>
<tr><td class="inline"><code>radioType</code></td><td>default radio for cells that do not name one</td></tr>
<tr><td class="inline"><code>considerIp</code></td><td>default <code>true</code>: may the IP address answer?</td></tr>
<tr><td class="inline"><code>fallbacks</code></td><td><code>{"lacf": true, "ipf": true}</code>: allow answers from a cell's area (<code>lacf</code>) or the IP address (<code>ipf</code>)</td></tr>
</tbody></table></div>
<p>Answer, <code>200</code>:</p>
<pre><code>{"location": {"lat": 52.5163, "lng": 13.3777}, "accuracy": 25.0}</code></pre>
<p><code>accuracy</code> is a radius in metres. A <code>"fallback": "ipf"</code> or <code>"lacf"</code> member says the answer
came from the IP address or a cell area although stations were sent. Nothing found: <code>404 notFound</code>.</p>
${examples(origin, '/v1/geolocate')}

<h2 id="country"><span class="method">POST</span><span class="endpoint">/v1/country</span></h2>
<p>Which country is the device in? Same request as locate (an empty body looks the IP address up); no daily limit.</p>
<pre><code>{"country_code": "DE", "country_name": "Germany"}</code></pre>
${examples(origin, '/v1/country')}

<h2 id="submit"><span class="method">POST</span><span class="endpoint">/v2/geosubmit</span></h2>
<p>Contribute what a device saw at a known position: a body <code>{"items": [...]}</code>, each item with a
<code>position</code> (<code>latitude</code>, <code>longitude</code>, <code>accuracy</code>, <code>altitude</code>,
<code>heading</code>, <code>speed</code>, <code>source</code> gps/fused/…), a <code>timestamp</code> in ms, and the
<code>wifiAccessPoints</code>, <code>cellTowers</code> and <code>bluetoothBeacons</code> seen there. Answer
<code>200 {}</code> once every item is queued; a worker learns the stations from it within minutes.
Optional headers: <code>X-Nickname</code> (your contributor name) and <code>X-Ichnaea-Contribute-Opt-In: 1</code>.</p>
${examples(origin, '/v2/geosubmit')}
<h3 id="geosubmit-v1"><span class="method">POST</span><span class="endpoint">/v1/geosubmit</span> (deprecated)</h3>
<p>As above with the position fields directly on the item. Answer <code>200 {}</code>.</p>
${examples(origin, '/v1/geosubmit')}
<h3 id="submit-v0"><span class="method">POST</span><span class="endpoint">/v1/submit</span> (legacy)</h3>
<p>Old field names: <code>lat</code>, <code>lon</code>, <code>time</code> (ISO 8601), <code>wifi[{key, signal}]</code>,
<code>cell[{radio, mcc, mnc, lac, cid}]</code>. Answer <code>204</code> with no body.</p>
${examples(origin, '/v1/submit')}

<h2 id="errors">Errors</h2>
<p>Errors use Google's envelope; <code>details</code> (beside <code>error</code>) appears on parse errors:</p>
<pre><code>{"error": {"errors": [{"domain": "global", "reason": "parseError", "message": "Parse Error"}],
           "code": 400, "message": "Parse Error"},
 "details": {"validation": {"items": "Required"}}}</code></pre>
<div class="table-wrap"><table class="stack">
<thead><tr><th class="num">HTTP</th><th>domain</th><th>reason</th><th>when</th></tr></thead>
<tbody>${ERROR_ROWS.map(([code, domain, reason, when]) => html`<tr><td class="num inline">${code}</td><td class="inline"><code>${domain}</code></td><td class="inline"><code>${reason}</code></td><td>${when}</td></tr>`)}</tbody>
</table></div>

<h2 id="limits">Limits</h2>
<ul>
<li>Body size after decompression: locate and region <strong>${mib(Math.min(cfg.maxLocateBodyBytes, cfg.maxBodyBytes))}</strong>,
submit <strong>${mib(cfg.maxBodyBytes)}</strong>; above that, <code>413</code>.</li>
<li>Daily requests: each key may have a limit per path per UTC day (set by the operator); over it, <code>403</code> with
<code>Retry-After</code>. Region lookups and anonymous submissions are not limited.</li>
<li>A whole request must arrive within ${seconds(cfg.requestTimeoutMs)}, its headers within ${seconds(cfg.headersTimeoutMs)}.</li>
</ul>

<h2 id="monitoring">Monitoring</h2>
<ul>
<li><code>GET /__lbheartbeat__</code>: <code>{"status": "OK"}</code> while the process runs.</li>
<li><code>GET /__heartbeat__</code>: MySQL, Redis and GeoIP status; <code>503</code> when one is down.</li>
<li><code>GET /__version__</code>: the running version; <code>GET /metrics</code>: Prometheus metrics.</li>
</ul>`;
}

export function apiRoutes(router: Router, services: Services): void {
  const version = versionInfo().version ?? '0';
  router.register('/api', ['GET', 'HEAD'], (ctx) => {
    sendPage(ctx, services, {
      title: 'API reference',
      description: 'The Ichnos HTTP API: locate, region and submit, with curl examples.',
      body: body(siteOrigin(ctx), services),
    });
  });
  router.register('/openapi.json', ['GET', 'HEAD'], (ctx) => {
    ctx.set('Cache-Control', PAGE_CACHE_CONTROL);
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.body = openApiDocument(siteOrigin(ctx), version);
  });
}
