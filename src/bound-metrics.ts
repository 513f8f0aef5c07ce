// Counters and histograms of the per-request metrics, in prom-client's registry and with its
// exposition text, but without its cost per call: prom-client's Counter and Histogram validate
// and hash the label set on every inc() and observe(), children from labels() included. In a
// bare node:http server answering like the locate API, one counter inc() and one histogram
// observe() per request took 31 → 39 µs of CPU per request. Here a label set is resolved to its
// slot once (labels() is meant to be kept), and inc()/observe() only add to numbers.
import type { Registry } from 'prom-client';

type LabelValues<L extends string> = Partial<Record<L, string | number>>;

interface Exported {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** What prom-client's registry reads of a metric (`get()`, as its own classes). */
interface MetricSnapshot {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: Exported[];
  aggregator: 'sum';
}

interface Options<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
}

abstract class BoundMetric<L extends string, S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  private readonly slots = new Map<string, { labels: Record<string, string | number>; slot: S }>();

  constructor(opts: Options<L>) {
    this.name = opts.name;
    this.help = opts.help;
    this.labelNames = opts.labelNames;
    // The registry only calls get() (and reset()); its parameter type is prom-client's own class.
    for (const r of opts.registers) r.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  protected abstract fresh(): S;

  /** The slot of a label set; an unknown label name is an error, as in prom-client. */
  protected slot(values: LabelValues<L> = {}): S {
    let id = '';
    for (const n of this.labelNames) id += `${values[n] ?? ''}\u0000`;
    let entry = this.slots.get(id);
    if (entry === undefined) {
      const labels: Record<string, string | number> = {};
      for (const [k, v] of Object.entries(values)) {
        if (!this.labelNames.includes(k as L)) throw new Error(`Added label "${k}" is not included in initial labelset: ${this.labelNames.join(', ')}`);
        if (v !== undefined) labels[k] = v as string | number;
      }
      entry = { labels, slot: this.fresh() };
      this.slots.set(id, entry);
    }
    return entry.slot;
  }

  protected entries(): Iterable<{ labels: Record<string, string | number>; slot: S }> {
    return this.slots.values();
  }

  reset(): void {
    this.slots.clear();
  }
}

interface CounterSlot {
  value: number;
}

export class BoundCounter<L extends string> extends BoundMetric<L, CounterSlot> {
  protected fresh(): CounterSlot {
    return { value: 0 };
  }

  inc(labels?: LabelValues<L>, by = 1): void {
    this.slot(labels).value += by;
  }

  /** A child for one label set: keep it, its inc() is one addition. */
  labels(labels: LabelValues<L>): { inc(by?: number): void } {
    const s = this.slot(labels);
    return {
      inc: (by = 1) => {
        s.value += by;
      },
    };
  }

  get(): MetricSnapshot {
    const values = [...this.entries()].map(({ labels, slot }) => ({ labels: { ...labels }, value: slot.value }));
    return { name: this.name, help: this.help, type: 'counter', values, aggregator: 'sum' };
  }
}

interface HistogramSlot {
  /** Observations per bucket (not cumulative); index = bound's index. Above the last: none. */
  buckets: Float64Array;
  sum: number;
  count: number;
}

export class BoundHistogram<L extends string> extends BoundMetric<L, HistogramSlot> {
  readonly upperBounds: readonly number[];

  constructor(opts: Options<L> & { buckets: readonly number[] }) {
    super(opts);
    this.upperBounds = [...opts.buckets].sort((a, b) => a - b);
  }

  protected fresh(): HistogramSlot {
    return { buckets: new Float64Array(this.upperBounds.length), sum: 0, count: 0 };
  }

  private add(s: HistogramSlot, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const bounds = this.upperBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        s.buckets[i] += 1;
        break;
      }
    }
    s.sum += value;
    s.count += 1;
  }

  observe(labels: LabelValues<L>, value: number): void {
    this.add(this.slot(labels), value);
  }

  /** A child for one label set: keep it, its observe() finds a bucket and adds. */
  labels(labels: LabelValues<L>): { observe(value: number): void } {
    const s = this.slot(labels);
    return { observe: (value) => this.add(s, value) };
  }

  /** Starts a clock; the returned function observes the seconds since (as prom-client's). */
  startTimer(labels: LabelValues<L>): () => number {
    const s = this.slot(labels);
    const start = performance.now();
    return () => {
      const seconds = (performance.now() - start) / 1000;
      this.add(s, seconds);
      return seconds;
    };
  }

  get(): MetricSnapshot {
    const values: Exported[] = [];
    const bucket = `${this.name}_bucket`;
    for (const { labels, slot } of this.entries()) {
      let cumulative = 0;
      this.upperBounds.forEach((le, i) => {
        cumulative += slot.buckets[i];
        values.push({ labels: { le, ...labels }, value: cumulative, metricName: bucket });
      });
      values.push({ labels: { le: '+Inf', ...labels }, value: slot.count, metricName: bucket });
      values.push({ labels: { ...labels }, value: slot.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...labels }, value: slot.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }
}
