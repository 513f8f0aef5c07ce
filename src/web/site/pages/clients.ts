// Setup instructions for the clients Ichnos is known to serve (spec/clients.md), with this
// instance's own URLs filled in.
import { html, type SafeHtml } from '../html.js';

export function clientSetup(origin: string): SafeHtml {
  const locate = `${origin}/v1/geolocate?key=YOUR_KEY`;
  return html`<section class="client" id="geoclue">
<h3>GeoClue (Linux desktops)</h3>
<p>GeoClue 2.7 or newer reads drop-in files. Create <code>/etc/geoclue/conf.d/90-ichnos.conf</code>:</p>
<pre><code>[wifi]
enable=true
url=${locate}
# optional: also contribute what this computer sees (needs a GPS or a phone sharing its position)
submit-data=false
submission-url=${origin}/v1/submit?key=YOUR_KEY
submission-nick=your-nickname</code></pre>
<p>then <code>sudo systemctl restart geoclue</code>. Older versions take the same keys in the
<code>[wifi]</code> section of <code>/etc/geoclue/geoclue.conf</code>.</p>
</section>

<section class="client" id="microg">
<h3>microG (Android)</h3>
<p>microG 0.3 and newer have a configurable Ichnaea-compatible ("Mozilla Location Service") online
source: <em>microG Settings → Location</em>, enable WiFi and mobile-network location from the online
service, then set the service URL to a custom one:</p>
<dl class="settings">
<dt>Service URL</dt><dd><code>${origin}/?key=YOUR_KEY</code></dd>
<dt>Contribute</dt><dd>optional: when enabled microG also sends what it sees to <code>/v2/geosubmit</code></dd>
</dl>
<p>microG adds <code>/v1/geolocate</code> itself; a URL ending in <code>/v1/geolocate?key=…</code> is rewritten to the
form above, so either works.</p>
</section>

<section class="client" id="neostumbler">
<h3>NeoStumbler (Android, contributing)</h3>
<p><em>Settings → Endpoint</em>:</p>
<dl class="settings">
<dt>Endpoint</dt><dd><code>${origin}/</code></dd>
<dt>Path</dt><dd><code>/v2/geosubmit</code></dd>
<dt>API key (optional)</dt><dd><code>YOUR_KEY</code>, or leave empty</dd>
</dl>
</section>

<section class="client" id="towercollector">
<h3>Tower Collector (Android, cells only)</h3>
<p>In the upload settings choose the Mozilla Location Services (MLS-compatible) upload and set its URL to</p>
<pre><code>${origin}/v2/geosubmit?key=YOUR_KEY</code></pre>
<p>Tower Collector reads a 400 answer as a configuration error, 403 as an exceeded daily limit, and retries on 5xx.</p>
</section>

<section class="client" id="other">
<h3>Anything that speaks the Google Geolocation API</h3>
<p>Point it at <code>${locate}</code>; for example Firefox's <code>geo.provider.network.url</code> in
<code>about:config</code>.</p>
</section>`;
}
