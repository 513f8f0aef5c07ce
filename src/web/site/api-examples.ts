// Request bodies shown on /api (as curl commands) and in /openapi.json (as examples); the
// OpenAPI test sends each of them to a running service, so none can drift from what works.

export interface ApiExample {
  /** Stable id (used for anchors and OpenAPI example names). */
  id: string;
  path: '/v1/geolocate' | '/v1/country' | '/v2/geosubmit' | '/v1/geosubmit' | '/v1/submit';
  summary: string;
  body: unknown;
  headers?: Record<string, string>;
}

export const API_EXAMPLES: readonly ApiExample[] = [
  {
    id: 'wifi',
    path: '/v1/geolocate',
    summary: 'WiFi access points (at least two are needed)',
    body: {
      considerIp: false,
      wifiAccessPoints: [
        { macAddress: 'c0:25:e9:11:22:33', signalStrength: -58, frequency: 2437, ssid: 'FRITZ!Box 7590' },
        { macAddress: '34:31:c4:aa:bb:cc', signalStrength: -71, frequency: 5180 },
      ],
    },
  },
  {
    id: 'cell',
    path: '/v1/geolocate',
    summary: 'A cell tower (LTE; 5G cells use radioType "nr")',
    body: {
      cellTowers: [
        { radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, cellId: 27469582, signalStrength: -97 },
      ],
    },
  },
  { id: 'ip', path: '/v1/geolocate', summary: 'IP address only (an empty object, or no body)', body: {} },
  { id: 'region', path: '/v1/country', summary: 'Country of the caller (by IP address, or by the networks sent)', body: {} },
  {
    id: 'geosubmit-v2',
    path: '/v2/geosubmit',
    summary: 'Submit what was seen at a GPS position (the stations of the locate examples)',
    headers: { 'X-Nickname': 'your-nickname' },
    body: {
      items: [
        {
          timestamp: 1763630102000,
          position: { latitude: 52.5163, longitude: 13.3777, accuracy: 4.5, altitude: 41.2, source: 'gps' },
          wifiAccessPoints: [
            { macAddress: 'c0:25:e9:11:22:33', signalStrength: -61, frequency: 2437, ssid: 'FRITZ!Box 7590' },
            { macAddress: '34:31:c4:aa:bb:cc', signalStrength: -70, frequency: 5180 },
          ],
          cellTowers: [
            { radioType: 'lte', mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 46213, cellId: 27469582, signalStrength: -95, serving: 1 },
          ],
          bluetoothBeacons: [{ macAddress: 'f4:5e:ab:01:02:03', signalStrength: -80 }],
        },
      ],
    },
  },
  {
    id: 'geosubmit-v1',
    path: '/v1/geosubmit',
    summary: 'Deprecated: position fields flat on the item',
    body: {
      items: [
        {
          latitude: 48.8566,
          longitude: 2.3522,
          accuracy: 8,
          timestamp: 1763630102000,
          wifiAccessPoints: [{ macAddress: '001122334455', frequency: 2412, signalStrength: -66 }],
        },
      ],
    },
  },
  {
    id: 'submit-v0',
    path: '/v1/submit',
    summary: 'Legacy field names (GeoClue); answers 204',
    body: {
      items: [
        {
          lat: 52.5163,
          lon: 13.3777,
          accuracy: 12,
          time: '2026-11-20T09:15:02Z',
          wifi: [{ key: 'c0:25:e9:11:22:33', signal: -58, frequency: 2437 }],
          cell: [{ radio: 'umts', cid: 31522, mcc: 262, mnc: 2, lac: 8031 }],
        },
      ],
    },
  },
];

/** A shell-quoted curl command sending an example to `origin`. */
export function curlCommand(origin: string, ex: ApiExample, key = 'YOUR_KEY'): string {
  const headers = Object.entries(ex.headers ?? {}).map(([k, v]) => ` \\\n  -H '${k}: ${v}'`).join('');
  const body = JSON.stringify(ex.body, null, 1).replace(/\n\s*/g, ' ');
  return `curl -sS '${origin}${ex.path}?key=${key}' \\\n  -H 'Content-Type: application/json'${headers} \\\n  -d '${body.replace(/'/g, "'\\''")}'`;
}
