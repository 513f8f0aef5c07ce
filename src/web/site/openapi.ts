// The OpenAPI 3.1 description of Ichnos' HTTP API, served at /openapi.json with this instance's
// own URL as the server. Hand-written; test/integration/openapi.test.ts checks real responses
// of every path against it.
import { API_EXAMPLES, type ApiExample } from './api-examples.js';
import { SCHEMAS } from './openapi-schemas.js';

type Obj = Record<string, unknown>;

const json = (schema: string, description: string): Obj => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});

const ERRORS = {
  keyInvalid: json('Error', 'keyInvalid: the key is missing, unknown or not allowed here; or parseError: the body is not valid'),
  parseError: json('Error', 'parseError: the body could not be decoded or has a wrong type'),
  limit: {
    ...json('Error', 'dailyLimitExceeded: this key used up its daily requests on this path'),
    headers: { 'Retry-After': { description: 'seconds until the next UTC midnight', schema: { type: 'integer' } } },
  },
  tooLarge: json('Error', 'payloadTooLarge: the (decompressed) body is above the configured limit'),
  unavailable: json('Error', 'serviceUnavailable: the submission could not be queued; retry later'),
};

function keyParam(required: boolean): Obj {
  return {
    name: 'key',
    in: 'query',
    required,
    description: required ? 'API key allowed for this API' : 'optional API key; submissions without one are stored anonymously',
    schema: { type: 'string', pattern: '^[-0-9a-zA-Z]{4,40}$' },
  };
}

function requestBody(schema: string, path: ApiExample['path'], required: boolean): Obj {
  const examples = Object.fromEntries(API_EXAMPLES.filter((e) => e.path === path).map((e) => [e.id, { summary: e.summary, value: e.body }]));
  return {
    required,
    description: 'JSON, optionally gzip-compressed with Content-Encoding: gzip',
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` }, examples } },
  };
}

const SUBMIT_HEADERS = [
  { name: 'X-Nickname', in: 'header', required: false, description: 'contributor name, 1–128 characters', schema: { type: 'string' } },
  { name: 'X-Ichnaea-Contribute-Opt-In', in: 'header', required: false, description: '1 or true: the contributor agreed to share', schema: { type: 'string' } },
];

function locatePath(summary: string, ok: string, path: ApiExample['path'], description: string, limited: boolean): Obj {
  const op = (method: 'get' | 'post'): Obj => ({
    summary: method === 'get' ? `${summary} (by IP address)` : summary,
    description,
    tags: ['locate'],
    operationId: `${path.replace(/\W+/g, '_')}_${method}`,
    parameters: [keyParam(true)],
    ...(method === 'post' ? { requestBody: requestBody('LocateRequest', path, false) } : {}),
    responses: {
      200: json(ok, 'the position or region found'),
      400: ERRORS.keyInvalid,
      ...(limited ? { 403: ERRORS.limit } : {}),
      404: json('Error', 'notFound: nothing matched (and no fallback was allowed or possible)'),
      ...(method === 'post' ? { 413: ERRORS.tooLarge } : {}),
    },
  });
  return { get: op('get'), post: op('post') };
}

function submitPath(path: ApiExample['path'], schema: string, summary: string, deprecated: boolean): Obj {
  const ok = path === '/v1/submit' ? { 204: { description: 'queued (no body)' } } : { 200: json('Empty', 'queued') };
  return {
    post: {
      summary,
      tags: ['submit'],
      deprecated,
      operationId: `${path.replace(/\W+/g, '_')}_post`,
      parameters: [keyParam(false), ...SUBMIT_HEADERS],
      requestBody: requestBody(schema, path, true),
      responses: { ...ok, 400: ERRORS.parseError, 403: ERRORS.limit, 413: ERRORS.tooLarge, 503: ERRORS.unavailable },
    },
  };
}

function monitor(summary: string, schema: string, extra: Obj = {}): Obj {
  return { get: { summary, tags: ['monitoring'], operationId: `${schema.toLowerCase()}_get`, responses: { 200: json(schema, 'ok'), ...extra } } };
}

export function openApiDocument(origin: string, version: string): Obj {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ichnos',
      version,
      summary: 'Self-hosted geolocation: the Ichnaea (Mozilla Location Service) and Google Geolocation APIs.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: origin }],
    tags: [
      { name: 'locate', description: 'Position and region lookups' },
      { name: 'submit', description: 'Contributing observations' },
      { name: 'monitoring', description: 'Health and version' },
    ],
    paths: {
      '/v1/geolocate': locatePath(
        'Locate a device',
        'GeolocateResponse',
        '/v1/geolocate',
        'Google Geolocation API compatible. Counts towards the key’s daily limit.',
        true,
      ),
      '/v1/country': locatePath('Find the country (region) of a device', 'RegionResponse', '/v1/country', 'No daily limit.', false),
      '/v2/geosubmit': submitPath('/v2/geosubmit', 'GeosubmitV2Request', 'Submit observations', false),
      '/v1/geosubmit': submitPath('/v1/geosubmit', 'GeosubmitV1Request', 'Submit observations (flat position fields)', true),
      '/v1/submit': submitPath('/v1/submit', 'SubmitV0Request', 'Submit observations (legacy field names)', true),
      '/__heartbeat__': monitor('Backends reachable?', 'Heartbeat', { 503: json('Heartbeat', 'a backend is down') }),
      '/__lbheartbeat__': monitor('Process alive?', 'LbHeartbeat'),
      '/__version__': monitor('Version of the running code', 'Version'),
    },
    components: { schemas: SCHEMAS },
  };
}
