// Emptying what the pipeline learned (`ichnos replay --reset`), so the stations can be rebuilt
// from the raw archive alone. Kept: api_key, export_config, pipeline_batch (ids stay unique),
// report_archive and the schema itself.
import type { Pool } from 'mysql2/promise';

/** Every table the pipeline derives from reports (migrations/001_init.sql). */
export const LEARNED_TABLES = [
  'wifi_station',
  'blue_station',
  'cell_station',
  'cell_area',
  'datamap',
  'region_stat',
  'stat',
  'contributor_stat',
] as const;

/** TRUNCATE (not DELETE): constant time on tables of millions of rows, and the space is returned. */
export async function truncateLearnedTables(pool: Pool): Promise<void> {
  for (const table of LEARNED_TABLES) await pool.query(`TRUNCATE TABLE ${/* sql-safe: LEARNED_TABLES */ table}`);
}
