// Mobile country code → regions, from the reference's vendored `mobile_codes` ITU table
// (generated into data/mcc.json by scripts/gen-geo-data.mjs; see data/README.md).
import table from '../../data/mcc.json' with { type: 'json' };

const EMPTY: readonly string[] = Object.freeze([]);

// Keys are exactly the reference's ALL_VALID_MCCS (234 codes in 202..995, Tuvalu 553 left out);
// values are the MCC's regions restricted to the bundled region shapes, PS mapped to XW (api.md §3.1, §8.6).
const REGIONS: ReadonlyMap<number, readonly string[]> = new Map(
  Object.entries(table as Record<string, string[]>).map(([mcc, codes]) => [
    Number(mcc),
    Object.freeze([...codes]),
  ]),
);

/** Regions (alpha2, sorted) sharing this MCC; empty for an unknown or invalid MCC. */
export function mccRegions(mcc: number): readonly string[] {
  return REGIONS.get(mcc) ?? EMPTY;
}

/** Is this one of the known MCCs a cell key must carry (api.md §3.1)? */
export function isValidMcc(mcc: number): boolean {
  return REGIONS.has(mcc);
}
