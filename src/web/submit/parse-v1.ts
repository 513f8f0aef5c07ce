// Where each submit API puts each field (api.md §5.2–§5.4): the /v2/geosubmit names are the base
// (they are the Report's names); /v1/geosubmit has the position flat on the item and `psc`;
// /v1/submit has the legacy short names. parse.ts reads any of them with the same code.
import type { RadioName } from '../../domain/radio.js';
import type { ReportBlue, ReportCell, ReportPosition, ReportWifi } from '../../domain/report.js';
import type { FieldSpec } from './coerce.js';
import type { SubmitFlavour } from './parse.js';

/** Item-level fields besides the position, the time, the radio and the station lists. */
export interface ItemTop {
  carrier?: string;
  homeMobileCountryCode?: number;
  homeMobileNetworkCode?: number;
}

/** The item's radio: the default for cells without their own (api.md §5.1); not kept in the Report. */
export interface ItemRadio {
  radioType?: RadioName | 'cdma';
}

export interface ListSpec<T> {
  key: string;
  fields: FieldSpec<T>;
  /** Read only where `fields` left the output field absent. */
  fallbacks?: FieldSpec<T>;
}

export interface FlavourSpec {
  top: FieldSpec<ItemTop>;
  /** Read after `top`. */
  radio: FieldSpec<ItemRadio>;
  /** The report time: integer Unix ms, or an ISO-8601 string. */
  time: readonly [input: string, kind: 'int' | 'iso'];
  /** Key of the nested position object; absent when the position fields are flat on the item. */
  positionKey?: string;
  position: FieldSpec<ReportPosition>;
  wifi: ListSpec<ReportWifi>;
  cell: ListSpec<ReportCell>;
  blue: ListSpec<ReportBlue>;
}

const POSITION: FieldSpec<ReportPosition> = {
  latitude: ['latitude', 'float'],
  longitude: ['longitude', 'float'],
  accuracy: ['accuracy', 'float'],
  altitude: ['altitude', 'float'],
  altitudeAccuracy: ['altitudeAccuracy', 'float'],
  heading: ['heading', 'float'],
  pressure: ['pressure', 'float'],
  speed: ['speed', 'float'],
  age: ['age', 'int'],
  source: ['source', 'source'],
};

const WIFI: FieldSpec<ReportWifi> = {
  macAddress: ['macAddress', 'string'],
  age: ['age', 'int'],
  channel: ['channel', 'int'],
  frequency: ['frequency', 'int'],
  radioType: ['radioType', 'string'],
  signalStrength: ['signalStrength', 'int'],
  signalToNoiseRatio: ['signalToNoiseRatio', 'int'],
  ssid: ['ssid', 'string'],
};

const BLUE: FieldSpec<ReportBlue> = {
  macAddress: ['macAddress', 'string'],
  age: ['age', 'int'],
  name: ['name', 'string'],
  signalStrength: ['signalStrength', 'int'],
};

const CELL: FieldSpec<ReportCell> = {
  radioType: ['radioType', 'radio'],
  mobileCountryCode: ['mobileCountryCode', 'int'],
  mobileNetworkCode: ['mobileNetworkCode', 'int'],
  locationAreaCode: ['locationAreaCode', 'int'],
  cellId: ['cellId', 'int'],
  age: ['age', 'int'],
  asu: ['asu', 'int'],
  primaryScramblingCode: ['primaryScramblingCode', 'int'],
  serving: ['serving', 'int'],
  signalStrength: ['signalStrength', 'int'],
  timingAdvance: ['timingAdvance', 'int'],
};

// api.md §0.2: Google's name for the 36-bit NR cell identity.
const CELL_FALLBACKS: FieldSpec<ReportCell> = { cellId: ['newRadioCellId', 'int'] };

const TOP: FieldSpec<ItemTop> = {
  carrier: ['carrier', 'string'],
  homeMobileCountryCode: ['homeMobileCountryCode', 'int'],
  homeMobileNetworkCode: ['homeMobileNetworkCode', 'int'],
};

const V2: FlavourSpec = {
  top: TOP,
  radio: { radioType: ['radioType', 'radio'] },
  time: ['timestamp', 'int'],
  positionKey: 'position',
  position: POSITION,
  wifi: { key: 'wifiAccessPoints', fields: WIFI },
  cell: { key: 'cellTowers', fields: CELL, fallbacks: CELL_FALLBACKS },
  blue: { key: 'bluetoothBeacons', fields: BLUE },
};

// §5.3: flat position (a nested `position` is ignored); `psc`, and a `primaryScramblingCode` key ignored.
const V1: FlavourSpec = {
  ...V2,
  positionKey: undefined,
  cell: {
    key: 'cellTowers',
    fields: { ...CELL, primaryScramblingCode: ['psc', 'int'] },
    fallbacks: CELL_FALLBACKS,
  },
};

// §5.4: the legacy /v1/submit names.
const V0: FlavourSpec = {
  top: {},
  radio: { radioType: ['radio', 'radio'] },
  time: ['time', 'iso'],
  position: {
    ...POSITION,
    latitude: ['lat', 'float'],
    longitude: ['lon', 'float'],
    altitudeAccuracy: ['altitude_accuracy', 'float'],
  },
  wifi: {
    key: 'wifi',
    fields: { ...WIFI, macAddress: ['key', 'string'], radioType: ['radio', 'string'], signalStrength: ['signal', 'int'] },
  },
  cell: {
    key: 'cell',
    fields: {
      radioType: ['radio', 'radio'],
      mobileCountryCode: ['mcc', 'int'],
      mobileNetworkCode: ['mnc', 'int'],
      locationAreaCode: ['lac', 'int'],
      cellId: ['cid', 'int'],
      age: ['age', 'int'],
      asu: ['asu', 'int'],
      primaryScramblingCode: ['psc', 'int'],
      serving: ['serving', 'int'],
      signalStrength: ['signal', 'int'],
      timingAdvance: ['ta', 'int'],
    },
  },
  blue: { key: 'blue', fields: { ...BLUE, macAddress: ['key', 'string'], signalStrength: ['signal', 'int'] } },
};

export const FLAVOURS: Readonly<Record<SubmitFlavour, FlavourSpec>> = { v2: V2, v1: V1, v0: V0 };
