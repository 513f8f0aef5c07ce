// /v1/geolocate and /v1/country (api.md §3, §4): key → usage → body → search → answer.
// Plain functions of the Node request, without Koa: these two APIs are served by the node:http
// listener in ../fast-api.ts, where the framework's own cost was half of an IP-only locate
// (bench/README). Errors are thrown as ApiError and become responses there.
import type { IncomingMessage } from 'node:http';
import { labelled } from '../../metrics.js';
import type { Services } from '../../services.js';
import { resolveKey } from '../api-key.js';
import { parseJsonBody, readRawBody } from '../body.js';
import { clientIp } from '../client-ip.js';
import { dailyLimitExceeded, notFound, parseError, secondsUntilUtcMidnight } from '../errors.js';
import type { UsageCounter } from '../usage.js';
import { consentOf } from './submit.js';
import type { Searcher } from '../../providers/searcher.js';
import { type ApiHandlers, headerOf } from '../fast-api.js';


/** The request's JSON body; `undefined` when it is empty (or the method has none). */
async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const raw = await readRawBody(req, { maxBytes });
  return parseJsonBody(raw, req.headers['content-type']);
}

export function locateHandlers(services: Services, searcher: Searcher, usage: UsageCounter): ApiHandlers {
  const { config, metrics } = services;
  const maxBytes = Math.min(config.maxLocateBodyBytes, config.maxBodyBytes);
  const answered = labelled(([api, source, fallback]) => metrics.answers.labels({ api, source, fallback }));

  return {
    async '/v1/geolocate'({ req, key: rawKey }) {
      const key = await resolveKey(services, rawKey, 'locate');
      if (!key) throw new Error('unreachable: locate keys are required');
      const ip = clientIp(req, config.trustProxy);
      if (await usage.count(key.validKey, key.maxreq, 'v1.geolocate', 'locate', ip)) {
        throw dailyLimitExceeded(secondsUntilUtcMidnight(new Date()));
      }
      const parsed = searcher.parse((await readJson(req, maxBytes)) ?? {});
      if (!parsed.ok) throw parseError({ validation: parsed.validation });
      const consent = consentOf(headerOf(req, 'x-ichnaea-contribute-opt-in'));
      const answer = await searcher.locate(parsed.query, ip, key, { consent });
      answered('locate', answer?.answeredBy ?? 'none', answer?.fallback ?? '').inc();
      if (!answer) throw notFound();
      const body: Record<string, unknown> = { location: { lat: answer.lat, lng: answer.lon }, accuracy: answer.accuracy };
      if (answer.fallback) body.fallback = answer.fallback;
      return body;
    },

    async '/v1/country'({ req, key: rawKey }) {
      const key = await resolveKey(services, rawKey, 'region');
      if (!key) throw new Error('unreachable: region keys are required');
      const ip = clientIp(req, config.trustProxy);
      const parsed = searcher.parse((await readJson(req, maxBytes)) ?? {});
      if (!parsed.ok) throw parseError({ validation: parsed.validation });
      const answer = await searcher.region(parsed.query, ip, key);
      answered('region', answer?.source ?? 'none', answer?.fallback ?? '').inc();
      if (!answer) throw notFound();
      const body: Record<string, unknown> = { country_code: answer.code, country_name: answer.name };
      if (answer.fallback) body.fallback = answer.fallback;
      return body;
    },
  };
}
