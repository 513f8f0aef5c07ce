// A submitted (or query-derived) report, normalised to the /v2/geosubmit shape (api.md §5.2).
// The submit APIs produce these leniently (values are not range-checked yet); the pipeline
// validates them and splits them into per-station observations.
import type { RadioName } from './radio.js';
import type { StationSource } from './station.js';

export interface ReportPosition {
  latitude?: number;
  longitude?: number;
  accuracy?: number;
  altitude?: number;
  altitudeAccuracy?: number;
  heading?: number;
  pressure?: number;
  speed?: number;
  age?: number;
  source?: StationSource;
}

export interface ReportWifi {
  /** As the client sent it (case and separators kept); normalised by the pipeline. */
  macAddress: string;
  age?: number;
  channel?: number;
  frequency?: number;
  radioType?: string;
  signalStrength?: number;
  signalToNoiseRatio?: number;
  ssid?: string;
}

export interface ReportCell {
  radioType?: RadioName | 'cdma';
  mobileCountryCode?: number;
  mobileNetworkCode?: number;
  locationAreaCode?: number;
  cellId?: number;
  age?: number;
  asu?: number;
  primaryScramblingCode?: number;
  serving?: number;
  signalStrength?: number;
  timingAdvance?: number;
}

export interface ReportBlue {
  macAddress: string;
  age?: number;
  name?: string;
  signalStrength?: number;
}

export interface Report {
  /** Unix ms; always set (the server's time when the client's was missing or implausible). */
  timestamp: number;
  position: ReportPosition | null;
  carrier?: string;
  homeMobileCountryCode?: number;
  homeMobileNetworkCode?: number;
  wifiAccessPoints: ReportWifi[];
  cellTowers: ReportCell[];
  bluetoothBeacons: ReportBlue[];
}

/** What goes onto the incoming Redis list: one report with who sent it and how. */
export interface QueuedReport {
  apiKey: string | null;
  /** position.source, or 'gnss' when the client did not say; 'query' for locate-derived reports. */
  source: StationSource;
  report: Report;
  /** X-Nickname, when given. */
  nickname?: string;
  /** X-Ichnaea-Contribute-Opt-In: the contributor agreed to share query data. */
  consent?: boolean;
  /** Server receive time, Unix ms. */
  received: number;
  /** Pushed again by `ichnos replay` from the raw archive: not archived a second time. */
  replayed?: true;
}
