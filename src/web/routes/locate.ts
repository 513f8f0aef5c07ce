// /v1/geolocate and /v1/country (api.md §3, §4): key → usage → body → search → answer.
import type Router from '@koa/router';
import type { Services } from '../../services.js';
import { resolveKey } from '../api-key.js';
import { dailyLimitExceeded, notFound, parseError, secondsUntilUtcMidnight } from '../errors.js';
import { type UsageCounter, usageCounter } from '../usage.js';
import { apiRoute, readJson, requestIp } from './api.js';
import { consentOf } from './submit.js';
import { type Searcher, createSearcher } from '../../providers/searcher.js';

export function locateRoutes(
  router: Router,
  services: Services,
  searcher: Searcher = createSearcher(services),
  usage: UsageCounter = usageCounter(services),
): void {

  apiRoute(router, '/v1/geolocate', async (ctx) => {
    const key = await resolveKey(services, ctx.query.key, 'locate');
    if (!key) throw new Error('unreachable: locate keys are required');
    const ip = requestIp(ctx, services);
    if (await usage.count(key.validKey, key.maxreq, 'v1.geolocate', 'locate', ip)) {
      throw dailyLimitExceeded(secondsUntilUtcMidnight(new Date()));
    }
    const body = await readJson(ctx, services, Math.min(services.config.maxLocateBodyBytes, services.config.maxBodyBytes));
    const parsed = searcher.parse(body ?? {});
    if (!parsed.ok) throw parseError({ validation: parsed.validation });
    const consent = consentOf(ctx.get('x-ichnaea-contribute-opt-in') || undefined);
    const answer = await searcher.locate(parsed.query, ip, key, { consent });
    services.metrics.answers.inc({ api: 'locate', source: answer?.answeredBy ?? 'none', fallback: answer?.fallback ?? '' });
    if (!answer) throw notFound();
    const body2: Record<string, unknown> = {
      location: { lat: answer.lat, lng: answer.lon },
      accuracy: answer.accuracy,
    };
    if (answer.fallback) body2.fallback = answer.fallback;
    ctx.body = body2;
  });

  apiRoute(router, '/v1/country', async (ctx) => {
    const key = await resolveKey(services, ctx.query.key, 'region');
    if (!key) throw new Error('unreachable: region keys are required');
    const ip = requestIp(ctx, services);
    const body = await readJson(ctx, services, Math.min(services.config.maxLocateBodyBytes, services.config.maxBodyBytes));
    const parsed = searcher.parse(body ?? {});
    if (!parsed.ok) throw parseError({ validation: parsed.validation });
    const answer = await searcher.region(parsed.query, ip, key);
    services.metrics.answers.inc({ api: 'region', source: answer?.source ?? 'none', fallback: answer?.fallback ?? '' });
    if (!answer) throw notFound();
    const out: Record<string, unknown> = { country_code: answer.code, country_name: answer.name };
    if (answer.fallback) out.fallback = answer.fallback;
    ctx.body = out;
  });
}
