// `/privacy` and `/optout`: what Ichnos keeps, for how long (from this instance's configuration),
// and how a WiFi owner keeps a network out (the `_nomap` suffix, handled in domain/mac.ts
// isOptOutSsid: dropped by submit parsing, the worker's observation step and locate queries).
import type Router from '@koa/router';
import { DATAMAP_DAYS } from '../../../pipeline/jobs/cleanup.js';
import type { Services } from '../../../services.js';
import { html, type SafeHtml } from '../html.js';
import { sendPage } from '../page.js';

function days(n: number): string {
  return n % 365 === 0 && n >= 365 ? `${n} days (${n / 365} year${n === 365 ? '' : 's'})` : `${n} days`;
}

/** The raw archive (ICHNOS_ARCHIVE_URL, ICHNOS_ARCHIVE_RETENTION_DAYS; src/pipeline/archive/). */
function archiveRow(services: Services): SafeHtml {
  const { archive, archiveRetentionDays } = services.config;
  if (archive.kind === 'off') {
    return html`<tr><td class="inline">Raw submission archive</td><td>switched off on this instance: submissions are not kept
once they are processed</td><td data-label="Kept">—</td></tr>`;
  }
  return html`<tr><td class="inline">Raw submission archive</td><td>every accepted submission as it was queued: positions, the
stations seen, times, the API key and nickname if given (kept so the stations can be rebuilt when the algorithm
improves)</td><td data-label="Kept">${archiveRetentionDays === 0 ? 'indefinitely (no retention configured)' : days(archiveRetentionDays)}</td></tr>`;
}

function privacyBody(services: Services): SafeHtml {
  const keep = days(services.config.retentionDays);
  return html`<h1>Privacy</h1>
<p class="lead">Ichnos learns where radio stations are, not where people are. This page lists everything this
instance keeps and for how long; the durations come from its running configuration.</p>

<h2 id="stored">What is stored</h2>
<div class="table-wrap"><table class="stack">
<thead><tr><th>What</th><th>Contents</th><th>Kept</th></tr></thead>
<tbody>
<tr><td class="inline">Stations</td><td>per WiFi access point and Bluetooth beacon: its MAC address; per cell: radio, MCC, MNC,
area code and cell id. With each: the estimated position and range, the number of observations, the country,
and the days it was first and last seen. No network names (SSIDs), no signal traces, nothing about who saw it.</td>
<td data-label="Kept">until not observed for <strong>${keep}</strong></td></tr>
<tr><td class="inline">Coverage grid</td><td>squares of about 100 m where positioned observations were made, with the first and
last day (drawn on <a href="/map">the map</a>)</td><td data-label="Kept">${days(DATAMAP_DAYS)} after last use</td></tr>
<tr><td class="inline">Statistics</td><td>daily counts of stations and observations, per country and radio</td><td data-label="Kept">indefinitely (no personal data)</td></tr>
<tr><td class="inline">Contributor counts</td><td>if a client sends an <code>X-Nickname</code> header: that nickname and how many reports
and stations it contributed per day</td><td data-label="Kept">indefinitely; ask the operator to remove a nickname</td></tr>
<tr><td class="inline">Queued submissions</td><td>what a client submitted (positions, stations seen, time), waiting for the worker</td>
<td data-label="Kept">until processed, normally minutes</td></tr>
${archiveRow(services)}
<tr><td class="inline">API usage</td><td>per API key and day: the number of requests, and an estimate of how many distinct IP
addresses used it (a HyperLogLog sketch; the addresses cannot be read back)</td><td data-label="Kept">25 hours (counts), 8 days (estimates)</td></tr>
<tr><td class="inline">Request logs</td><td>path, status, duration and the last four characters of the API key. No IP addresses,
no request bodies.</td><td data-label="Kept">as the operator's log rotation keeps them</td></tr>
</tbody></table></div>

<h2 id="locate">Looking up a position</h2>
<p>A lookup's position is computed and answered; neither it nor your IP address is stored. If the API key's settings
allow it, the stations in a lookup that was answered from known stations are fed back, with the answered position,
as an observation tagged with the API key (not your IP address) and kept like a submission, raw archive included;
this is how stations keep up with reality. If the operator configured an external
fallback provider for a key, lookups Ichnos cannot answer itself are forwarded to that provider, and its answers are
cached for a short time.</p>

<h2 id="published">What is published</h2>
<p>Cell stations (never WiFi or Bluetooth) may be published as <a href="/downloads">downloadable exports</a> in the
OpenCellID/MLS format; the <a href="/map">coverage map</a> and <a href="/stats">statistics</a> show aggregates only.</p>

<h2 id="optout">Opting a WiFi network out</h2>
<p>Append <code>_nomap</code> to your network's name (SSID); see <a href="/optout">opting out</a> for what Ichnos
then does.</p>`;
}

function optoutBody(services: Services): SafeHtml {
  return html`<h1>Opt out</h1>
<p class="lead">If you own a WiFi access point and do not want it used for locating devices, rename the network so
that its name (SSID) ends in <code>_nomap</code>, for example <code>MyHome_nomap</code>.</p>
<p>This is the convention Google and Mozilla introduced; most location services honour it. Ichnos also accepts the
older <code>_optout</code> suffix.</p>

<h2>What Ichnos does with such a network</h2>
<ul>
<li><strong>Submissions:</strong> the network is removed from every report as it arrives, before anything is queued,
and again when the worker turns reports into observations. It never becomes or updates a station.</li>
<li><strong>Lookups:</strong> the network is ignored, and so is any other entry with the same MAC address in the same
request, so it cannot contribute to locating anyone.</li>
<li><strong>Existing records:</strong> a station Ichnos learned before the rename receives no further observations from
clients that report network names, and is deleted once it has not been observed for
<strong>${days(services.config.retentionDays)}</strong>. To have it removed sooner, ask the operator of this instance.</li>
</ul>

<h2>Limits</h2>
<ul>
<li>The suffix works only where a client sends network names. The common clients (microG, NeoStumbler, GeoClue) do;
a few older ones send MAC addresses alone.</li>
<li>There is no equivalent for Bluetooth beacons or cell towers.</li>
<li>Hidden networks (no SSID) cannot carry the suffix.</li>
</ul>
<p>More on what is stored: <a href="/privacy">privacy</a>.</p>`;
}

export function privacyRoutes(router: Router, services: Services): void {
  router.register('/privacy', ['GET', 'HEAD'], (ctx) => {
    sendPage(ctx, services, { title: 'Privacy', body: privacyBody(services), description: 'What Ichnos stores, for how long, and how to opt out.' });
  });
  router.register('/optout', ['GET', 'HEAD'], (ctx) => {
    sendPage(ctx, services, { title: 'Opt out', body: optoutBody(services), description: 'How a WiFi owner keeps a network out of Ichnos: the _nomap suffix.' });
  });
}
