// JSON Schemas (OpenAPI 3.1 dialect) of Ichnos' request and response bodies (api.md §3–§6).
// Responses are described exactly (additionalProperties: false): the OpenAPI test checks real
// answers against them. Requests list the fields the service reads; unknown fields are ignored.

type Schema = Record<string, unknown>;

const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const str: Schema = { type: 'string' };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

const radio: Schema = { type: 'string', description: 'gsm, wcdma (or umts), lte, nr; any case. cdma cells are ignored.' };

const CellTower: Schema = {
  type: 'object',
  properties: {
    radioType: radio,
    mobileCountryCode: int,
    mobileNetworkCode: int,
    locationAreaCode: { type: 'integer', description: 'LAC or TAC (24-bit for NR)' },
    cellId: { type: 'integer', description: 'up to 2^28−1, NR cell identity up to 2^36−1' },
    newRadioCellId: { type: 'integer', description: "Google's field for the NR cell identity" },
    age: { type: 'integer', description: 'milliseconds since the cell was seen' },
    psc: { type: 'integer', description: 'primary scrambling code / physical cell id' },
    primaryScramblingCode: int,
    signalStrength: { type: 'integer', description: 'dBm' },
    timingAdvance: int,
    serving: { type: 'integer', enum: [0, 1] },
  },
};

const WifiAccessPoint: Schema = {
  type: 'object',
  required: ['macAddress'],
  properties: {
    macAddress: { type: 'string', description: 'any case; ":", "-" or no separator' },
    ssid: { type: 'string', description: 'networks whose SSID ends in _nomap or _optout are ignored' },
    age: int,
    channel: int,
    frequency: { type: 'integer', description: 'MHz' },
    signalStrength: { type: 'integer', description: 'dBm' },
    signalToNoiseRatio: int,
  },
};

const BluetoothBeacon: Schema = {
  type: 'object',
  required: ['macAddress'],
  properties: { macAddress: str, name: str, age: int, signalStrength: { type: 'integer', description: 'dBm' } },
};

const LocateRequest: Schema = {
  type: 'object',
  description: 'Every field is optional; an empty object (or no body) asks for a lookup by IP address.',
  properties: {
    carrier: str,
    considerIp: { type: 'boolean', description: 'default true; may the answer come from the IP address?' },
    homeMobileCountryCode: int,
    homeMobileNetworkCode: int,
    radioType: { ...radio, description: 'default radio for cells without their own' },
    cellTowers: { type: 'array', items: ref('CellTower') },
    wifiAccessPoints: { type: 'array', items: ref('WifiAccessPoint'), description: 'at least two usable networks are needed' },
    bluetoothBeacons: { type: 'array', items: ref('BluetoothBeacon') },
    fallbacks: {
      type: 'object',
      properties: {
        lacf: { type: 'boolean', description: 'allow an answer from a cell area (default true)' },
        ipf: { type: 'boolean', description: 'allow an answer from the IP address (default true when fallbacks is sent)' },
      },
    },
  },
};

const Position: Schema = {
  type: 'object',
  required: ['latitude', 'longitude'],
  properties: {
    latitude: num,
    longitude: num,
    accuracy: { type: 'number', description: 'metres' },
    altitude: num,
    altitudeAccuracy: num,
    age: int,
    heading: num,
    speed: num,
    pressure: num,
    source: { type: 'string', enum: ['gnss', 'gps', 'fused', 'fixed', 'manual', 'query'] },
  },
};

const stations = {
  cellTowers: { type: 'array', items: ref('CellTower') },
  wifiAccessPoints: { type: 'array', items: ref('WifiAccessPoint') },
  bluetoothBeacons: { type: 'array', items: ref('BluetoothBeacon') },
};

const GeosubmitV2Request: Schema = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: { timestamp: { type: 'integer', description: 'ms since 1970' }, position: ref('Position'), radioType: radio, ...stations },
      },
    },
  },
};

const GeosubmitV1Request: Schema = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        description: 'the Position fields sit directly on the item',
        properties: { timestamp: int, ...(Position.properties as Schema), radioType: radio, ...stations },
      },
    },
  },
};

const SubmitV0Request: Schema = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          lat: num,
          lon: num,
          time: { type: 'string', format: 'date-time' },
          accuracy: num,
          altitude: num,
          altitude_accuracy: num,
          heading: num,
          speed: num,
          radio,
          wifi: { type: 'array', items: { type: 'object', properties: { key: str, ssid: str, signal: int, frequency: int, channel: int } } },
          cell: { type: 'array', items: { type: 'object', properties: { radio, mcc: int, mnc: int, lac: int, cid: int, psc: int, signal: int, ta: int } } },
          blue: { type: 'array', items: { type: 'object', properties: { key: str, name: str, signal: int } } },
        },
      },
    },
  },
};

const GeolocateResponse: Schema = {
  type: 'object',
  required: ['location', 'accuracy'],
  additionalProperties: false,
  properties: {
    location: { type: 'object', required: ['lat', 'lng'], additionalProperties: false, properties: { lat: num, lng: num } },
    accuracy: { type: 'number', description: 'metres' },
    fallback: { type: 'string', enum: ['ipf', 'lacf'], description: 'present when a fallback answered' },
  },
};

const RegionResponse: Schema = {
  type: 'object',
  required: ['country_code', 'country_name'],
  additionalProperties: false,
  properties: { country_code: { type: 'string', description: 'ISO 3166-1 alpha-2' }, country_name: str, fallback: { type: 'string', enum: ['ipf'] } },
};

const ErrorBody: Schema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['errors', 'code', 'message'],
      additionalProperties: false,
      properties: {
        errors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['domain', 'reason', 'message'],
            additionalProperties: false,
            properties: {
              domain: { type: 'string', enum: ['usageLimits', 'geolocation', 'global'] },
              reason: { type: 'string', enum: ['keyInvalid', 'dailyLimitExceeded', 'notFound', 'parseError', 'payloadTooLarge', 'serviceUnavailable', 'internalError'] },
              message: str,
            },
          },
        },
        code: int,
        message: str,
      },
    },
    details: {
      type: 'object',
      description: 'parse errors only: why decoding failed, or which fields were invalid',
      additionalProperties: false,
      properties: { decode: str, validation: { type: 'object', additionalProperties: str } },
    },
  },
};

const check = (extra: Schema = {}): Schema => ({
  type: 'object',
  required: ['up', 'time'],
  additionalProperties: false,
  properties: { up: { type: ['boolean', 'null'] }, time: { type: 'integer', description: 'milliseconds' }, ...extra },
});

const Heartbeat: Schema = {
  type: 'object',
  required: ['database', 'geoip', 'redis'],
  additionalProperties: false,
  properties: { database: check({ schema_version: { type: 'string', description: 'newest applied migration' } }), geoip: check({ age_in_days: int, version: str }), redis: check() },
};

const Version: Schema = {
  type: 'object',
  required: ['source', 'version', 'commit', 'build'],
  properties: { source: str, version: str, commit: str, build: str },
};

export const SCHEMAS: Record<string, Schema> = {
  LocateRequest,
  CellTower,
  WifiAccessPoint,
  BluetoothBeacon,
  Position,
  GeosubmitV2Request,
  GeosubmitV1Request,
  SubmitV0Request,
  GeolocateResponse,
  RegionResponse,
  Empty: { type: 'object', additionalProperties: false, description: 'the empty object {}' },
  Error: ErrorBody,
  Heartbeat,
  LbHeartbeat: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: ['OK'] } } },
  Version,
};
