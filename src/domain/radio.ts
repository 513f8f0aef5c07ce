// Radio kinds and their numeric codes as stored in MySQL (the reference's Radio enum, plus NR).

export type RadioName = 'gsm' | 'wcdma' | 'lte' | 'nr';

export const RADIO_CODE: Readonly<Record<RadioName, number>> = { gsm: 0, wcdma: 2, lte: 3, nr: 4 };

const BY_CODE: ReadonlyMap<number, RadioName> = new Map(
  Object.entries(RADIO_CODE).map(([name, code]) => [code, name as RadioName]),
);

export function radioFromCode(code: number): RadioName | undefined {
  return BY_CODE.get(code);
}

/**
 * Parse a client's radio name, case-insensitively. `umts` means `wcdma` (api.md §0.1).
 * Returns 'cdma' separately so callers can ignore such cells; anything else is undefined.
 */
export function parseRadio(value: unknown): RadioName | 'cdma' | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  switch (v) {
    case 'gsm':
    case 'wcdma':
    case 'lte':
    case 'nr':
    case 'cdma':
      return v;
    case 'umts':
      return 'wcdma';
    default:
      return undefined;
  }
}

/** Export name of a radio in the OpenCellID / MLS CSV format. */
export const EXPORT_RADIO_NAME: Readonly<Record<RadioName, string>> = {
  gsm: 'GSM',
  wcdma: 'UMTS',
  lte: 'LTE',
  nr: 'NR',
};
