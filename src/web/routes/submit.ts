// The submit APIs (api.md §5): /v2/geosubmit, /v1/geosubmit, /v1/submit. Key → daily limit →
// body → parse (400 for the whole batch on a type error) → sample → queue. Reports go onto the
// incoming Redis list all at once or not at all, and a Redis failure is 503: a 200/204 means
// the data is queued (api.md §0.8). Plain handlers of the node:http listener (../fast-api.ts).
import type { IncomingMessage } from 'node:http';
import type { Report } from '../../domain/report.js';
import type { ApiKey } from '../../domain/apikey.js';
import { queueSnapshot } from '../../pipeline/monitor.js';
import { INCOMING } from '../../pipeline/queue-names.js';
import { ReliableQueues } from '../../pipeline/queues.js';
import type { ApiPath } from '../../redis/keys.js';
import type { Services } from '../../services.js';
import { resolveKey } from '../api-key.js';
import { dailyLimitExceeded, parseError, secondsUntilUtcMidnight, serviceUnavailable } from '../errors.js';
import { BackPressure, RETRY_AFTER_S } from '../submit/back-pressure.js';
import { type Sender, serialiseQueued } from '../submit/queued.js';
import { readSubmission } from '../submit/read-submission.js';
import { clientIp } from '../client-ip.js';
import { type ApiHandler, type ApiHandlers, headerOf, NO_CONTENT } from '../fast-api.js';
import type { UsageCounter } from '../usage.js';

type Flavour = 'v2' | 'v1' | 'v0';

const ROUTES: ReadonlyArray<{ path: string; flavour: Flavour; api: ApiPath }> = [
  { path: '/v2/geosubmit', flavour: 'v2', api: 'v2.geosubmit' },
  { path: '/v1/geosubmit', flavour: 'v1', api: 'v1.geosubmit' },
  { path: '/v1/submit', flavour: 'v0', api: 'v1.submit' },
];

/** Store this submission? `store_sample_submit` in percent; NULL ⇒ never; no/unknown key ⇒ always (§5.1). */
export function sampled(key: ApiKey | null, random: number): boolean {
  if (!key) return true;
  if (key.storeSampleSubmit === null) return false;
  return random * 100 < key.storeSampleSubmit;
}

/** X-Nickname: trimmed, 1..128 characters (the contributor_stat column), UTF-8 when it decodes. */
export function nicknameOf(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  // Node reads header bytes as Latin-1; clients send UTF-8.
  let value = raw;
  try {
    value = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(raw, 'latin1'));
  } catch {
    // not UTF-8: keep the Latin-1 reading
  }
  const nick = value.trim();
  return nick.length >= 1 && nick.length <= 128 ? nick : undefined;
}

/** X-Ichnaea-Contribute-Opt-In: the contributor agreed to share query data. */
export function consentOf(raw: string | undefined): boolean {
  const v = (raw ?? '').trim().toLowerCase();
  return v === '1' || v === 'true';
}

function senderOf(req: IncomingMessage, key: ApiKey | null, received: number): Sender {
  const sender: Sender = { apiKey: key?.validKey ?? null, received };
  const nickname = nicknameOf(headerOf(req, 'x-nickname'));
  if (nickname) sender.nickname = nickname;
  if (consentOf(headerOf(req, 'x-ichnaea-contribute-opt-in'))) sender.consent = true;
  return sender;
}

/** Redis failed while the submission was being queued: 503, never 200 (api.md §0.8). */
class NotQueued extends Error {}

export function submitHandlers(services: Services, usage: UsageCounter): ApiHandlers {
  const queues = new ReliableQueues(services.redis, services.redisKeys);
  const { submitBacklogLimit, submitBacklogPolicy } = services.config;
  const backPressure = new BackPressure(services.redis, services.redisKeys, submitBacklogLimit, submitBacklogPolicy, () =>
    services.metrics.backendErrors.inc({ backend: 'redis', operation: 'backlog' }),
  );
  // Worker processes serve no /metrics: the web process reads the queue gauges at scrape time.
  services.metrics.queueSource.read = () => queueSnapshot(services.redis, services.redisKeys, Date.now());

  const handler = (flavour: Flavour, api: ApiPath): ApiHandler =>
    async ({ req, key: rawKey }) => {
      const key = await resolveKey(services, rawKey, 'submit');
      if (key && (await usage.count(key.validKey, key.maxreq, api, 'submit', clientIp(req, services.config.trustProxy)))) {
        throw dailyLimitExceeded(secondsUntilUtcMidnight(new Date()));
      }
      // GET and HEAD have no body: parseError without details (§5.1 [T]).
      if (req.method === 'GET' || req.method === 'HEAD') throw parseError();
      if (!(await backPressure.admit(Math.random()))) {
        services.metrics.submitRefused.inc({ api });
        throw serviceUnavailable({ 'Retry-After': String(RETRY_AFTER_S) });
      }
      const received = Date.now();
      const store = sampled(key, Math.random());
      const sender = senderOf(req, key, received);
      const staged = queues.staged(INCOMING);
      const guard = async (step: () => Promise<unknown>) => {
        try {
          await step();
        } catch (err) {
          throw new NotQueued((err as Error).message);
        }
      };
      // Reports reach Redis in groups while the body is still arriving, into a staging list
      // that becomes visible only at commit: a bad item later in the body leaves no trace.
      const sink = {
        add: (reports: Report[]) => (store ? guard(() => staged.add(serialiseQueued(reports, sender))) : Promise.resolve()),
        reset: () => staged.abort(),
      };
      let count = 0;
      try {
        const read = await readSubmission(
          req,
          { maxBytes: services.config.maxBodyBytes, contentType: headerOf(req, 'content-type'), flavour, now: received },
          sink,
        );
        if (!read.ok) throw parseError(read.validation ? { validation: read.validation } : undefined);
        if (store) await guard(async () => (count = await staged.commit()));
      } catch (err) {
        await staged.abort();
        if (!(err instanceof NotQueued)) throw err;
        services.metrics.backendErrors.inc({ backend: 'redis', operation: 'submit' });
        services.log.warn({ err: err.message, reports: staged.size }, 'submission not queued');
        throw serviceUnavailable();
      }
      if (count > 0) services.metrics.submittedReports.inc({ api }, count);
      // /v1/submit answers 204 without a body, the geosubmits 200 {} (api.md §10.12).
      return flavour === 'v0' ? NO_CONTENT : {};
    };
  return Object.fromEntries(ROUTES.map(({ path, flavour, api }) => [path, handler(flavour, api)]));
}
