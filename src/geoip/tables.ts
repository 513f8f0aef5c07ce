// Constant tables for GeoIP radius and score guesses (api.md §8.7). Every number is copied from the
// reference, mozilla/ichnaea `ichnaea/geoip.py` (REGION_SCORE, SUB_RADII, SUB_RADIUS, REGION_RADIUS,
// CITY_RADII, CITY_RADIUS, GEOIP_GENC_MAP). Radii are in metres.

/** MaxMind/DB-IP country codes that GENC (the reference's region list) spells differently. */
export const GENC_REMAP: Readonly<Record<string, string>> = {
  AX: 'FI', // Aland Islands -> Finland
  PS: 'XW', // Palestine -> West Bank
  SJ: 'XR', // Svalbard and Jan Mayen -> Svalbard
  UM: 'US', // US Minor Outlying Islands -> US
};

/** Worst-case region radius when the region shapes do not know the code (based on Russia). */
export const DEFAULT_REGION_RADIUS = 5_000_000;

/** Largest subdivision radius per country; countries not listed use DEFAULT_SUBDIVISION_RADIUS. */
export const SUBDIVISION_RADII: Readonly<Record<string, number>> = {
  AU: 1_200_000,
  BR: 1_000_000,
  CA: 1_400_000,
  CD: 500_000,
  CL: 500_000,
  CN: 1_000_000,
  DZ: 600_000,
  EG: 500_000,
  GL: 1_600_000,
  ID: 550_000,
  KZ: 550_000,
  LY: 500_000,
  ML: 600_000,
  NE: 600_000,
  RU: 1_200_000,
  SA: 650_000,
  SD: 450_000,
  SO: 500_000,
  US: 1_200_000,
};
export const DEFAULT_SUBDIVISION_RADIUS = 400_000;

/**
 * The reference's 34 big cities (keyed by GeoNames id, radius of the inner circle of the GeoNames
 * bounding box). `country` and `name` are ours: DB-IP records carry no GeoNames id, so they are
 * matched by country and English name (see `normaliseCityName`). Names are spelled as DB-IP does.
 */
export interface BigCity {
  readonly geonameId: number;
  readonly country: string;
  readonly name: string;
  readonly radius: number;
}

export const BIG_CITIES: readonly BigCity[] = [
  { geonameId: 98182, country: 'IQ', name: 'Baghdad', radius: 39_000 },
  { geonameId: 108410, country: 'SA', name: 'Riyadh', radius: 30_000 },
  { geonameId: 112931, country: 'IR', name: 'Tehran', radius: 39_000 },
  { geonameId: 323786, country: 'TR', name: 'Ankara', radius: 27_000 },
  { geonameId: 360630, country: 'EG', name: 'Cairo', radius: 40_000 },
  { geonameId: 524901, country: 'RU', name: 'Moscow', radius: 47_000 },
  { geonameId: 745044, country: 'TR', name: 'Istanbul', radius: 48_000 },
  { geonameId: 1172451, country: 'PK', name: 'Lahore', radius: 36_000 },
  { geonameId: 1185241, country: 'BD', name: 'Dhaka', radius: 46_000 },
  { geonameId: 1275339, country: 'IN', name: 'Mumbai', radius: 50_000 },
  { geonameId: 1277333, country: 'IN', name: 'Bengaluru', radius: 33_000 },
  { geonameId: 1279233, country: 'IN', name: 'Ahmedabad', radius: 28_000 },
  { geonameId: 1566083, country: 'VN', name: 'Ho Chi Minh City', radius: 27_000 },
  { geonameId: 1609350, country: 'TH', name: 'Bangkok', radius: 33_000 },
  { geonameId: 1642911, country: 'ID', name: 'Jakarta', radius: 42_000 },
  { geonameId: 1668341, country: 'TW', name: 'Taipei', radius: 40_000 },
  { geonameId: 1701668, country: 'PH', name: 'Manila', radius: 47_000 },
  { geonameId: 1792947, country: 'CN', name: 'Tianjin', radius: 48_000 },
  { geonameId: 1796236, country: 'CN', name: 'Shanghai', radius: 68_000 },
  { geonameId: 1816670, country: 'CN', name: 'Beijing', radius: 49_000 },
  { geonameId: 1835848, country: 'KR', name: 'Seoul', radius: 46_000 },
  { geonameId: 1850147, country: 'JP', name: 'Tokyo', radius: 42_000 },
  { geonameId: 1871859, country: 'KP', name: 'Pyongyang', radius: 26_000 },
  { geonameId: 2314302, country: 'CD', name: 'Kinshasa', radius: 40_000 },
  { geonameId: 2643743, country: 'GB', name: 'London', radius: 40_000 },
  { geonameId: 2950159, country: 'DE', name: 'Berlin', radius: 27_000 },
  { geonameId: 3117735, country: 'ES', name: 'Madrid', radius: 26_000 },
  { geonameId: 3435910, country: 'AR', name: 'Buenos Aires', radius: 50_000 },
  { geonameId: 3448439, country: 'BR', name: 'Sao Paulo', radius: 46_000 },
  { geonameId: 3530597, country: 'MX', name: 'Mexico City', radius: 50_000 },
  { geonameId: 3688689, country: 'CO', name: 'Bogota', radius: 40_000 },
  { geonameId: 3871336, country: 'CL', name: 'Santiago', radius: 32_000 },
  { geonameId: 3936456, country: 'PE', name: 'Lima', radius: 40_000 },
  { geonameId: 5128581, country: 'US', name: 'New York', radius: 41_000 },
];

/** "25km is pure guesswork but should cover most cities" (reference CITY_RADIUS). */
export const DEFAULT_CITY_RADIUS = 25_000;

/** Score of a country-level answer (no city in the record). */
export const NO_CITY_SCORE = 0.9;

/**
 * Score of a city-level answer: MaxMind's published city accuracy per country (October 2015).
 * Only the entries that differ from the default are listed; the reference's other 179 codes
 * (including AX, PS, SJ, UM) all carry DEFAULT_CITY_SCORE.
 */
export const CITY_SCORES: Readonly<Record<string, number>> = {
  AE: 0.9, AR: 0.7, AT: 0.7, AU: 0.7, BE: 0.8, BG: 0.7, BR: 0.7, CA: 0.8, CH: 0.7, CL: 0.8,
  CN: 0.6, CO: 0.6, CR: 0.9, CZ: 0.8, DE: 0.8, DK: 0.8, EC: 0.8, EE: 0.8, EG: 0.7, ES: 0.8,
  FI: 0.5, FR: 0.7, GB: 0.8, GR: 0.6, HK: 0.9, HR: 0.6, HU: 0.8, ID: 0.7, IE: 0.5, IL: 0.7,
  IN: 0.6, IS: 0.8, IT: 0.6, JP: 0.8, KR: 0.7, LT: 0.7, LU: 0.9, LV: 0.8, MT: 0.9, MX: 0.6,
  MY: 0.7, NL: 0.8, NO: 0.8, NZ: 0.6, PE: 0.8, PH: 0.5, PK: 0.8, PL: 0.6, PR: 0.9, PT: 0.7,
  QA: 0.9, RO: 0.7, RS: 0.7, RU: 0.8, SA: 0.7, SE: 0.7, SG: 0.9, SI: 0.8, SK: 0.7, TH: 0.8,
  TR: 0.7, TW: 0.8, UA: 0.7, US: 0.8, UY: 0.8, VE: 0.6, VN: 0.7, ZA: 0.7,
};
export const DEFAULT_CITY_SCORE = 0.3;

/** City-name key for the big-city match: "London (South Bank)" and "São Paulo" → "london", "sao paulo". */
export function normaliseCityName(name: string): string {
  return name
    .replace(/\s*\(.*\)\s*$/, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .toLowerCase();
}

const BIG_CITY_BY_ID: ReadonlyMap<number, number> = new Map(BIG_CITIES.map((c) => [c.geonameId, c.radius]));
const BIG_CITY_BY_NAME: ReadonlyMap<string, number> = new Map(
  BIG_CITIES.map((c) => [`${c.country}|${normaliseCityName(c.name)}`, c.radius]),
);

/** Radius of a city known by GeoNames id (MaxMind records). */
export function cityRadiusById(geonameId: number): number {
  return BIG_CITY_BY_ID.get(geonameId) ?? DEFAULT_CITY_RADIUS;
}

/** Radius of a city known only by country and English name (DB-IP records). */
export function cityRadiusByName(country: string, name: string): number {
  return BIG_CITY_BY_NAME.get(`${country}|${normaliseCityName(name)}`) ?? DEFAULT_CITY_RADIUS;
}
