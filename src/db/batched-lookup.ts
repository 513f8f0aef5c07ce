// Station lookups of concurrent requests coalesced into shared statements. Under load many
// locate requests are parsed in the same turn of the event loop; each asking MySQL on its own
// costs one statement's fixed price (a round trip, a socket write and read on both sides, the
// server's parse/execute) per request, while the rows themselves are cheap primary-key reads.
// Here the keys that callers ask for before the next macrotask (setImmediate: after every
// request whose bytes arrived in this I/O phase has been parsed) go out as one `IN (…)`
// statement, and each caller gets the rows of its own keys. At most `maxInFlight` statements run
// at once; callers arriving meanwhile wait for the next one, so a busy server sends fewer,
// larger statements and an idle one answers as before, one tick later.
//
// A caller that gives up (its deadline passed) is dropped from the waiting list; a statement
// that hangs frees its slot after `stuckMs`, so a frozen MySQL cannot hold every later lookup.

export interface BatchedLookupOptions<K, R> {
  /** One statement for the keys (distinct, at most maxKeys). */
  run(keys: K[]): Promise<R[]>;
  /** Identity of a key, and of the key a row belongs to. */
  keyId(key: K): string;
  rowId(row: R): string;
  /** Keys per statement. */
  maxKeys: number;
  /** Statements running at once. */
  maxInFlight: number;
  /** A statement running longer than this no longer counts against maxInFlight. */
  stuckMs: number;
}

/** A caller's claim on a lookup; set `cancelled` when it no longer wants the answer. */
export interface Ticket {
  cancelled: boolean;
}

interface Waiter<K, R> {
  keys: K[];
  resolve(rows: R[]): void;
  reject(err: unknown): void;
  ticket: Ticket;
}

export interface BatchStats {
  statements: number;
  callers: number;
}

export class BatchedLookup<K, R> {
  private queue: Waiter<K, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Counters for tests and the bench: statements sent and callers served. */
  readonly stats: BatchStats = { statements: 0, callers: 0 };

  constructor(private readonly opts: BatchedLookupOptions<K, R>) {}

  /**
   * The rows of these keys (each row once). Setting `ticket.cancelled` drops the caller while it
   * still waits for its statement (a flag rather than an AbortSignal: AbortSignal.timeout cost
   * more than the rest of the bookkeeping here).
   */
  load(keys: readonly K[], ticket: Ticket = { cancelled: false }): Promise<R[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      const waiter: Waiter<K, R> = { keys: keys.slice(), resolve, reject, ticket };
      this.queue.push(waiter);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.opts.maxInFlight && this.takeBatch()) {
        // each takeBatch starts one statement
      }
    });
  }

  /** Start one statement for the waiters at the head of the queue; false when none wait. */
  private takeBatch(): boolean {
    const { keyId, maxKeys } = this.opts;
    const batch: Waiter<K, R>[] = [];
    const keys = new Map<string, K>();
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (next.ticket.cancelled) {
        this.queue.shift();
        continue;
      }
      const fresh = next.keys.filter((k) => !keys.has(keyId(k)));
      // A caller's keys are never split; one over the limit alone still goes, on its own.
      if (batch.length > 0 && keys.size + fresh.length > maxKeys) break;
      this.queue.shift();
      batch.push(next);
      for (const k of fresh) keys.set(keyId(k), k);
    }
    if (batch.length === 0) return false;
    this.inFlight++;
    this.stats.statements++;
    this.stats.callers += batch.length;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(stuck);
      this.inFlight--;
      if (this.queue.length > 0) this.schedule();
    };
    const stuck = setTimeout(release, this.opts.stuckMs);
    stuck.unref();
    let running: Promise<R[]>;
    try {
      running = this.opts.run([...keys.values()]);
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(
      (rows) => {
        release();
        this.deliver(batch, rows);
      },
      (err: unknown) => {
        release();
        for (const w of batch) w.reject(err);
      },
    );
    return true;
  }

  private deliver(batch: Waiter<K, R>[], rows: R[]): void {
    const { keyId, rowId } = this.opts;
    if (batch.length === 1) {
      batch[0].resolve(rows);
      return;
    }
    const byId = new Map<string, R[]>();
    for (const row of rows) {
      const id = rowId(row);
      const list = byId.get(id);
      if (list) list.push(row);
      else byId.set(id, [row]);
    }
    for (const w of batch) {
      const mine: R[] = [];
      const seen = new Set<string>();
      for (const k of w.keys) {
        const id = keyId(k);
        if (seen.has(id)) continue;
        seen.add(id);
        const found = byId.get(id);
        if (found) mine.push(...found);
      }
      w.resolve(mine);
    }
  }
}
