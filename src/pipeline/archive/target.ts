// Where raw report batches are archived (the seed architecture's "datalake"): a small object-store
// interface so a local directory and S3-compatible storage are interchangeable. Keys are
// '/'-separated relative paths of a restricted alphabet (see checkKey), the same on every target.

export interface ArchiveEntry {
  key: string;
  size: number;
  /** When the object was last written (replay orders a partition's files by it). */
  modified: Date;
}

export interface ArchiveTarget {
  /** Human-readable location for logs and the CLI (no credentials). */
  readonly location: string;
  /** Write the whole object, replacing any previous one: a reader never sees a partial object. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Remove the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<ArchiveEntry>;
  /**
   * The next level below `prefix` (which ends in '/'): the sub-prefixes, each ending in '/', in
   * key order — like S3's CommonPrefixes with delimiter '/'. Lets retention and replay walk the
   * time partitions without listing every object of the archive.
   */
  children(prefix: string): Promise<string[]>;
  /** Remove leftovers of interrupted writes older than `before`, if the target can have any. */
  sweep?(before: Date): Promise<number>;
}

export class ArchiveError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ArchiveError';
  }
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._=-]*(\/[A-Za-z0-9][A-Za-z0-9._=-]*)*$/;

/** Keys are relative paths without '..' or empty segments: safe as file paths and as URL paths. */
export function checkKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((s) => s === '..' || s === '.')) {
    throw new ArchiveError(`invalid archive key "${key}"`);
  }
  return key;
}

/** Prefixes are '' or a key followed by '/' (or a key's beginning). */
export function checkPrefix(prefix: string): string {
  if (prefix === '') return prefix;
  checkKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}
