-- Ichnos schema, version 1: the whole data model (spec/pipeline.md "Tables", api.md §7).
-- Physical design for 10M+ stations: one table per station kind, binary primary keys
-- (6-byte MAC; 14-byte packed cell id), so every locate request needs exactly one
-- `SELECT ... WHERE id IN (...)` per kind, answered from the clustered primary key.

CREATE TABLE api_key (
  valid_key VARCHAR(40) NOT NULL PRIMARY KEY,
  maxreq INT UNSIGNED NULL,
  allow_fallback TINYINT(1) NOT NULL DEFAULT 0,
  allow_locate TINYINT(1) NOT NULL DEFAULT 1,
  allow_region TINYINT(1) NOT NULL DEFAULT 1,
  fallback_name VARCHAR(40) NULL,
  fallback_schema VARCHAR(64) NULL,
  fallback_url VARCHAR(256) NULL,
  fallback_ratelimit INT UNSIGNED NULL,
  fallback_ratelimit_interval INT UNSIGNED NULL,
  fallback_cache_expire INT UNSIGNED NULL,
  store_sample_locate TINYINT UNSIGNED NULL DEFAULT 100,
  store_sample_submit TINYINT UNSIGNED NULL DEFAULT 100,
  created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  modified DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- WiFi access points, keyed by the 6-byte MAC.
CREATE TABLE wifi_station (
  mac BINARY(6) NOT NULL PRIMARY KEY,
  lat DOUBLE NULL,
  lon DOUBLE NULL,
  max_lat DOUBLE NULL,
  min_lat DOUBLE NULL,
  max_lon DOUBLE NULL,
  min_lon DOUBLE NULL,
  radius INT UNSIGNED NULL,
  region CHAR(2) NULL,
  samples INT UNSIGNED NULL,
  source TINYINT UNSIGNED NULL,
  weight DOUBLE NULL,
  created DATETIME NULL,
  modified DATETIME NULL,
  last_seen DATE NULL,
  block_first DATE NULL,
  block_last DATE NULL,
  block_count SMALLINT UNSIGNED NULL,
  KEY wifi_region_idx (region),
  KEY wifi_modified_idx (modified),
  KEY wifi_last_seen_idx (last_seen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Bluetooth beacons: same shape as WiFi.
CREATE TABLE blue_station (
  mac BINARY(6) NOT NULL PRIMARY KEY,
  lat DOUBLE NULL,
  lon DOUBLE NULL,
  max_lat DOUBLE NULL,
  min_lat DOUBLE NULL,
  max_lon DOUBLE NULL,
  min_lon DOUBLE NULL,
  radius INT UNSIGNED NULL,
  region CHAR(2) NULL,
  samples INT UNSIGNED NULL,
  source TINYINT UNSIGNED NULL,
  weight DOUBLE NULL,
  created DATETIME NULL,
  modified DATETIME NULL,
  last_seen DATE NULL,
  block_first DATE NULL,
  block_last DATE NULL,
  block_count SMALLINT UNSIGNED NULL,
  KEY blue_region_idx (region),
  KEY blue_modified_idx (modified),
  KEY blue_last_seen_idx (last_seen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Cells of every radio (GSM 0, WCDMA 2, LTE 3, NR 4). cellid packs
-- radio(1) mcc(2) mnc(2) lac(4) cid(5) big-endian: NR needs a 36-bit cell id and a 24-bit TAC.
CREATE TABLE cell_station (
  cellid BINARY(14) NOT NULL PRIMARY KEY,
  radio TINYINT UNSIGNED NOT NULL,
  mcc SMALLINT UNSIGNED NOT NULL,
  mnc SMALLINT UNSIGNED NOT NULL,
  lac INT UNSIGNED NOT NULL,
  cid BIGINT UNSIGNED NOT NULL,
  psc SMALLINT UNSIGNED NULL,
  lat DOUBLE NULL,
  lon DOUBLE NULL,
  max_lat DOUBLE NULL,
  min_lat DOUBLE NULL,
  max_lon DOUBLE NULL,
  min_lon DOUBLE NULL,
  radius INT UNSIGNED NULL,
  region CHAR(2) NULL,
  samples INT UNSIGNED NULL,
  source TINYINT UNSIGNED NULL,
  weight DOUBLE NULL,
  created DATETIME NULL,
  modified DATETIME NULL,
  last_seen DATE NULL,
  block_first DATE NULL,
  block_last DATE NULL,
  block_count SMALLINT UNSIGNED NULL,
  KEY cell_area_idx (radio, mcc, mnc, lac),
  KEY cell_region_idx (region),
  KEY cell_modified_idx (modified),
  KEY cell_last_seen_idx (last_seen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Location areas / tracking areas; areaid packs radio(1) mcc(2) mnc(2) lac(4).
CREATE TABLE cell_area (
  areaid BINARY(9) NOT NULL PRIMARY KEY,
  radio TINYINT UNSIGNED NOT NULL,
  mcc SMALLINT UNSIGNED NOT NULL,
  mnc SMALLINT UNSIGNED NOT NULL,
  lac INT UNSIGNED NOT NULL,
  lat DOUBLE NULL,
  lon DOUBLE NULL,
  radius INT UNSIGNED NULL,
  region CHAR(2) NULL,
  avg_cell_radius INT UNSIGNED NULL,
  num_cells INT UNSIGNED NULL,
  created DATETIME NULL,
  modified DATETIME NULL,
  last_seen DATE NULL,
  KEY area_region_idx (region)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Coverage grid ("datamap"): grid cells of 1/1000 degree that saw GNSS observations.
CREATE TABLE datamap (
  grid_lat INT NOT NULL,
  grid_lon INT NOT NULL,
  created DATE NOT NULL,
  modified DATE NOT NULL,
  PRIMARY KEY (grid_lat, grid_lon),
  KEY datamap_modified_idx (modified)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Unique stations per region and kind, refreshed daily.
CREATE TABLE region_stat (
  region CHAR(2) NOT NULL PRIMARY KEY,
  gsm BIGINT UNSIGNED NOT NULL DEFAULT 0,
  wcdma BIGINT UNSIGNED NOT NULL DEFAULT 0,
  lte BIGINT UNSIGNED NOT NULL DEFAULT 0,
  nr BIGINT UNSIGNED NOT NULL DEFAULT 0,
  blue BIGINT UNSIGNED NOT NULL DEFAULT 0,
  wifi BIGINT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Daily statistics series (e.g. unique_wifi, wifi_observations) by UTC day.
CREATE TABLE stat (
  stat_key VARCHAR(32) NOT NULL,
  day DATE NOT NULL,
  value BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (stat_key, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Contributions per nickname and day (X-Nickname), for contributor statistics.
CREATE TABLE contributor_stat (
  nickname VARCHAR(128) NOT NULL,
  day DATE NOT NULL,
  reports INT UNSIGNED NOT NULL DEFAULT 0,
  wifi INT UNSIGNED NOT NULL DEFAULT 0,
  cell INT UNSIGNED NOT NULL DEFAULT 0,
  blue INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (nickname, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Where and how the public export and the raw archive go.
CREATE TABLE export_config (
  name VARCHAR(40) NOT NULL PRIMARY KEY,
  batch INT UNSIGNED NULL,
  `schema` VARCHAR(32) NULL,
  url VARCHAR(512) NULL,
  skip_keys TEXT NULL,
  skip_sources TEXT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Batches whose station updates are committed: a retried batch id is skipped
-- (at-least-once delivery from Redis made exactly-once in MySQL).
CREATE TABLE pipeline_batch (
  batch_id CHAR(36) NOT NULL PRIMARY KEY,
  stage VARCHAR(32) NOT NULL,
  applied DATETIME NOT NULL,
  items INT UNSIGNED NOT NULL,
  KEY pipeline_batch_applied_idx (applied)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Raw archive of incoming reports (gzip JSON lines per batch), kept for a configurable retention.
CREATE TABLE report_archive (
  batch_id CHAR(36) NOT NULL PRIMARY KEY,
  received DATETIME NOT NULL,
  reports INT UNSIGNED NOT NULL,
  body LONGBLOB NOT NULL,
  KEY report_archive_received_idx (received)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
