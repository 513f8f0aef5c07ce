// Type-level validation shared by the locate/region queries (providers/query-coerce.ts) and the
// submit bodies (web/submit/coerce.ts): issues keyed by dotted path, as `details.validation`,
// and the safe accessors both use on client JSON.

/** Type errors keyed by dotted path ("items.3.wifiAccessPoints.0.macAddress"; "" for the body itself). */
export class Issues {
  readonly errors: Record<string, string> = {};
  private count = 0;

  /** Enough to tell a client what is wrong: a hostile 100 000-entry body is not listed whole. */
  static readonly MAX = 20;

  /** An issue at `path` (plus `key`, joined only now: the happy path builds no path strings). */
  add(path: string, message: string, key?: string): void {
    if (key !== undefined) path = join(path, key);
    if (this.count >= Issues.MAX) return;
    if (!Object.hasOwn(this.errors, path)) this.count += 1;
    this.errors[path] = message;
  }

  get any(): boolean {
    return this.count > 0;
  }

  get full(): boolean {
    return this.count >= Issues.MAX;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own properties only: a JSON key such as "constructor" or "__proto__" must not reach the prototype. */
export function field(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

export function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}
