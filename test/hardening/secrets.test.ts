// API keys never appear in full in logs or metrics (issue 7, "Hostile input"): the web service's
// pino output at trace level is captured for requests with a valid key, an unknown key, a
// malformed key and an over-limit key on every API path, then for the pipeline draining what was
// submitted; /metrics is scanned too. Only the redacted form (last four characters) may show.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { startWeb } from '../../src/cli/lifecycle.js';
import { insertKey } from '../../src/db/keys.js';
import { migrate } from '../../src/db/migrate.js';
import { defaultKey } from '../../src/domain/apikey.js';
import { drainAll } from '../../src/pipeline/worker.js';
import { createServices, type Services } from '../../src/services.js';
import { cleanup, postJson, type TestEnv, testEnv } from '../helpers/app.js';

const VALID = 'ValidSecretKey-0123456789';
const LIMITED = 'LimitedSecretKey-5555';
const UNKNOWN = 'UnknownSecretKey-987654';
// Not well-formed (underscore): treated as no key, but it is still in the request URL.
const MALFORMED = 'Malformed_Secret_Key_42';
const SECRETS = [VALID, LIMITED, UNKNOWN, MALFORMED];

const lines: string[] = [];
let env: TestEnv;
let services: Services;
let web: Awaited<ReturnType<typeof startWeb>>;
let url: string;

before(async () => {
  env = testEnv();
  await migrate(env.config.dbUrl);
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const log = pino({ name: 'ichnos', level: 'trace' }, sink);
  services = await createServices(env.config, { role: 'web', log });
  await insertKey(services.db.write, { ...defaultKey(VALID), maxreq: null });
  await insertKey(services.db.write, { ...defaultKey(LIMITED), maxreq: 1 });
  web = await startWeb(services, 0);
  const address = web.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

after(async () => {
  await web?.stop();
  await services?.close();
  if (env) await cleanup(env);
});

const submission = {
  items: [
    {
      position: { latitude: 52.52, longitude: 13.4, accuracy: 10 },
      wifiAccessPoints: [{ macAddress: '02:00:00:00:02:01' }, { macAddress: '02:00:00:00:02:02' }],
    },
  ],
};

test('API keys are redacted in request logs, pipeline logs and metrics', async (t) => {
  const paths = ['/v1/geolocate', '/v1/country', '/v2/geosubmit', '/v1/geosubmit', '/v1/submit'];
  for (const key of SECRETS) {
    for (const path of paths) {
      // Twice: the limited key is over its limit (403) the second time.
      for (let i = 0; i < 2; i++) {
        const body = path.includes('submit') ? (path === '/v1/submit' ? { items: [{ lat: 52.52, lon: 13.4, wifi: [{ key: '02:00:00:00:02:01' }] }] } : submission) : {};
        const res = await postJson(`${url}${path}?key=${key}`, body, { 'X-Forwarded-For': '81.2.69.192', 'X-Nickname': 'secret-tester' });
        await res.text();
      }
    }
    // A bad body and a GET too: error paths log differently.
    await (await postJson(`${url}/v1/geolocate?key=${key}`, '{"broken')).text();
    await (await fetch(`${url}/v2/geosubmit?key=${key}`)).text();
  }
  await drainAll(services);
  const metrics = await (await fetch(`${url}/metrics`)).text();

  const logged = lines.join('\n');
  t.diagnostic(`secrets: ${lines.length} log lines and ${metrics.split('\n').length} metrics lines scanned`);
  for (const secret of SECRETS) {
    assert.ok(!logged.includes(secret), `${secret} in the logs:\n${lines.filter((l) => l.includes(secret)).slice(0, 3).join('\n')}`);
    assert.ok(!metrics.includes(secret), `${secret} in /metrics`);
    // Nor any long piece of it (a prefix or a differently cut fragment).
    for (let i = 0; i + 8 <= secret.length; i++) {
      const piece = secret.slice(i, i + 8);
      assert.ok(!logged.includes(piece) && !metrics.includes(piece), `"${piece}" of ${secret} shows`);
    }
  }
  // The capture works: the request lines are there, with the redacted key.
  assert.ok(lines.some((l) => l.includes('"msg":"request"') && l.includes(`***${VALID.slice(-4)}`)), 'redacted key in the request log');
  assert.ok(lines.some((l) => l.includes('"status":403')), 'the over-limit request is logged');
});
