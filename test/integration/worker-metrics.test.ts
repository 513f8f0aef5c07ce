// `ichnos worker --metrics-port N`: a separate worker process serves its own /metrics, so the
// pipeline throughput of split web/worker deployments reaches Prometheus.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { postJson, startTestApp, type TestApp } from '../helpers/app.js';

const BIN = fileURLToPath(new URL('../../bin/ichnos', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('worker metrics', () => {
  let app: TestApp;
  let worker: ChildProcess;
  let port: number;
  before(async () => {
    app = await startTestApp();
    port = await freePort();
    worker = spawn(BIN, ['worker', '--metrics-port', String(port)], {
      env: { ...process.env, ...app.env.env, ICHNOS_HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
  });
  after(async () => {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
    await app.close();
  });

  test('the worker counts the batches it processed on its own /metrics', async () => {
    const res = await postJson(`${app.url}/v2/geosubmit`, {
      items: [{ position: { latitude: 52.52, longitude: 13.4, accuracy: 10 }, wifiAccessPoints: [{ macAddress: '3c22fb000001' }, { macAddress: '3c22fb000002' }] }],
    });
    assert.equal(res.status, 200);
    let text = '';
    for (let i = 0; i < 120 && !/ichnos_pipeline_items_total\{[^}]*stage="incoming"[^}]*\} [1-9]/.test(text); i++) {
      await sleep(250);
      text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
    }
    assert.match(text, /ichnos_pipeline_items_total\{[^}]*stage="incoming"[^}]*\} 1\b/);
    const other = await fetch(`http://127.0.0.1:${port}/v1/geolocate`);
    assert.equal(other.status, 404);
  });

  test('bin/ichnos replaces itself with node, given the heap settings of a serving command', async () => {
    // exec: the launched pid is node itself, so signals and exit codes need no forwarding.
    const argv = (await readFile(`/proc/${worker.pid}/cmdline`, 'utf8')).split('\0');
    assert.match(argv[0], /node$/);
    assert.ok(argv.includes('--max-semi-space-size=8') && argv.includes('--max-old-space-size=1024'), argv.join(' '));
    assert.match(argv[argv.indexOf('--max-old-space-size=1024') + 1], /bin\/ichnos\.mjs$/);
  });
});
