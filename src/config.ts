// Environment → typed, validated configuration. The only reader of process.env.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  dbUrl: string;
  /** Read replica used by locate lookups; equals dbUrl when not configured. */
  dbReadUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key Ichnos writes (lets several deployments or tests share one Redis). */
  redisPrefix: string;
  port: number;
  host: string;
  /** undefined ⇒ the bundled DB-IP Lite City database. */
  geoipPath: string | undefined;
  trustProxy: boolean;
  logLevel: LogLevel;
  /** Decompressed request body limit in bytes (submit APIs). */
  maxBodyBytes: number;
  /** Decompressed body limit for locate and region: their bodies are a few KB. */
  maxLocateBodyBytes: number;
  /** Station retention for the daily clean-up, days. */
  retentionDays: number;
  /** Incoming-queue length above which locate-derived data is sampled down first. */
  backlogLimit: number;
  /** A taken pipeline batch not acknowledged within this long is offered again (a dead worker's batches). */
  pipelineLeaseMs: number;
  /** A whole request (headers and body) must arrive within this long, else 408 and the connection closes. */
  requestTimeoutMs: number;
  /** The request headers must arrive within this long (slow-header clients are cut sooner). */
  headersTimeoutMs: number;
  /** Incoming-queue length at which submissions meet back-pressure; 0 turns it off. */
  submitBacklogLimit: number;
  /** Over the limit: 'reject' answers every submission 503, 'sample' queues a share limit/backlog of them and answers the rest 503. */
  submitBacklogPolicy: SubmitBacklogPolicy;
  /** Port on which `ichnos worker` serves its own /metrics; undefined ⇒ none. */
  workerMetricsPort: number | undefined;
  /** Directory of the daily public cell export (listed on /downloads); undefined ⇒ off. */
  exportDir: string | undefined;
  /** Where accepted report batches are archived for `ichnos replay` (src/pipeline/archive/). */
  archive: ArchiveConfig;
  /** Archive partitions older than this many days are deleted daily; 0 keeps them forever. */
  archiveRetentionDays: number;
}

export interface S3ArchiveConfig {
  kind: 's3';
  bucket: string;
  /** Key prefix inside the bucket: '' or ending in '/'. */
  prefix: string;
  /** Base URL of the S3-compatible service; objects are addressed path-style under it. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type ArchiveConfig = { kind: 'off' } | { kind: 'dir'; path: string } | S3ArchiveConfig;

export type SubmitBacklogPolicy = 'reject' | 'sample';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function str(env: Env, name: string, def: string): string {
  const v = env[name];
  return v === undefined || v === '' ? def : v;
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

function url(env: Env, name: string, def: string, protocols: readonly string[]): string {
  const raw = str(env, name, def);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got "${parsed.protocol}"`);
  }
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const dbUrl = url(env, 'ICHNOS_DB_URL', 'mysql://root@127.0.0.1:3306/ichnos', ['mysql:', 'mariadb:']);
  const dbName = new URL(dbUrl).pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]{1,64}$/.test(dbName)) {
    throw new ConfigError('ICHNOS_DB_URL', `the URL must name a database (letters, digits, _), got "${dbName}"`);
  }
  const logLevel = str(env, 'ICHNOS_LOG_LEVEL', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('ICHNOS_LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const prefix = str(env, 'ICHNOS_REDIS_PREFIX', 'ichnos');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) {
    throw new ConfigError('ICHNOS_REDIS_PREFIX', `letters, digits, "_", "." and "-" only, got "${prefix}"`);
  }
  const geoip = env.ICHNOS_GEOIP_PATH;
  const exportDir = str(env, 'ICHNOS_EXPORT_DIR', 'var/exports');
  const requestTimeoutMs = int(env, 'ICHNOS_REQUEST_TIMEOUT_MS', 60_000, 1000, 3_600_000);
  const headersTimeoutMs = int(env, 'ICHNOS_HEADERS_TIMEOUT_MS', Math.min(10_000, requestTimeoutMs), 1000, 3_600_000);
  // Node's http server wants the headers deadline inside the whole-request one.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError('ICHNOS_HEADERS_TIMEOUT_MS', `must not exceed ICHNOS_REQUEST_TIMEOUT_MS (${requestTimeoutMs}), got ${headersTimeoutMs}`);
  }
  const policy = str(env, 'ICHNOS_SUBMIT_BACKLOG_POLICY', 'reject').trim().toLowerCase();
  if (policy !== 'reject' && policy !== 'sample') {
    throw new ConfigError('ICHNOS_SUBMIT_BACKLOG_POLICY', `expected reject or sample, got "${policy}"`);
  }
  return {
    dbUrl,
    dbReadUrl: url(env, 'ICHNOS_DB_READ_URL', dbUrl, ['mysql:', 'mariadb:']),
    redisUrl: url(env, 'ICHNOS_REDIS_URL', 'redis://127.0.0.1:6379/0', ['redis:', 'rediss:']),
    redisPrefix: prefix,
    port: int(env, 'ICHNOS_PORT', 8000, 0, 65535),
    host: str(env, 'ICHNOS_HOST', '0.0.0.0'),
    geoipPath: geoip === undefined || geoip === '' ? undefined : geoip,
    trustProxy: bool(env, 'ICHNOS_TRUST_PROXY', true),
    logLevel,
    maxBodyBytes: int(env, 'ICHNOS_MAX_BODY_BYTES', 64 * 1024 * 1024, 1024, 2 ** 31),
    maxLocateBodyBytes: int(env, 'ICHNOS_MAX_LOCATE_BODY_BYTES', 1024 * 1024, 1024, 2 ** 31),
    retentionDays: int(env, 'ICHNOS_RETENTION_DAYS', 730, 1, 36500),
    backlogLimit: int(env, 'ICHNOS_BACKLOG_LIMIT', 1_000_000, 1, 2 ** 31),
    pipelineLeaseMs: int(env, 'ICHNOS_PIPELINE_LEASE_MS', 60_000, 1000, 3_600_000),
    requestTimeoutMs,
    headersTimeoutMs,
    submitBacklogLimit: int(env, 'ICHNOS_SUBMIT_BACKLOG_LIMIT', 2_000_000, 0, 2 ** 31),
    submitBacklogPolicy: policy,
    exportDir: exportDir === 'off' ? undefined : exportDir,
    workerMetricsPort: env.ICHNOS_WORKER_METRICS_PORT ? int(env, 'ICHNOS_WORKER_METRICS_PORT', 0, 1, 65535) : undefined,
    archive: archiveConfig(env),
    archiveRetentionDays: int(env, 'ICHNOS_ARCHIVE_RETENTION_DAYS', 0, 0, 36500),
  };
}

/** ICHNOS_ARCHIVE_URL: `off`, a directory (plain path or file:// URL), or s3://bucket/prefix. */
function archiveConfig(env: Env): ArchiveConfig {
  const raw = str(env, 'ICHNOS_ARCHIVE_URL', 'var/archive').trim();
  if (raw.toLowerCase() === 'off') return { kind: 'off' };
  if (raw.startsWith('file:')) {
    try {
      return { kind: 'dir', path: fileURLToPath(raw) };
    } catch (err) {
      throw new ConfigError('ICHNOS_ARCHIVE_URL', `not a usable file URL: ${(err as Error).message}`);
    }
  }
  if (!raw.startsWith('s3:')) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
      throw new ConfigError('ICHNOS_ARCHIVE_URL', `expected off, a directory, file:// or s3://, got "${raw}"`);
    }
    return { kind: 'dir', path: resolve(raw) };
  }
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(raw);
  if (!m) throw new ConfigError('ICHNOS_ARCHIVE_URL', `expected s3://bucket/optional/prefix, got "${raw}"`);
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  const region = str(env, 'ICHNOS_ARCHIVE_S3_REGION', 'us-east-1');
  const endpoint = url(env, 'ICHNOS_ARCHIVE_S3_ENDPOINT', `https://s3.${region}.amazonaws.com`, ['http:', 'https:']);
  const accessKeyId = str(env, 'ICHNOS_ARCHIVE_S3_ACCESS_KEY_ID', '');
  const secretAccessKey = str(env, 'ICHNOS_ARCHIVE_S3_SECRET_ACCESS_KEY', '');
  if (!accessKeyId) throw new ConfigError('ICHNOS_ARCHIVE_S3_ACCESS_KEY_ID', 'required with an s3:// archive');
  if (!secretAccessKey) throw new ConfigError('ICHNOS_ARCHIVE_S3_SECRET_ACCESS_KEY', 'required with an s3:// archive');
  return {
    kind: 's3',
    bucket: m[1],
    prefix: prefix ? `${prefix}/` : '',
    endpoint: endpoint.replace(/\/+$/, ''),
    region,
    accessKeyId,
    secretAccessKey,
  };
}

/** The database name in a MySQL URL. */
export function databaseName(dbUrl: string): string {
  return new URL(dbUrl).pathname.replace(/^\//, '');
}
