// Region display names: GENC short names (python `genc` 0.2, as used by the reference's
// /v1/country and GeoIP answers, api.md §4), generated into data/countries.json.
import table from '../../data/countries.json' with { type: 'json' };

const NAMES: ReadonlyMap<string, string> = new Map(Object.entries(table as Record<string, string>));

/** GENC short name of a region code from the bundled shapes, e.g. KR → "Korea, South". */
export function countryName(code: string): string | undefined {
  return NAMES.get(code);
}
