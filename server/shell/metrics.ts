/**
 * A small Prometheus registry: counters, gauges read on scrape, and fixed-bucket histograms.
 * Modules register what they measure; GET /metrics renders the text exposition format 0.0.4.
 * Label values are escaped; the number of label sets per metric is capped so a bad input (an
 * unknown rejection code, say) cannot grow memory without bound.
 */
type Labels = Readonly<Record<string, string>>;

const MAX_SERIES = 200;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return (
    '{' +
    keys
      .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
      .join(',') +
    '}'
  );
}

interface Metric {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

export class Counter implements Metric {
  readonly type = 'counter' as const;
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    if (!this.values.has(k) && this.values.size >= MAX_SERIES) return;
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  render(): string[] {
    if (this.values.size === 0) return [`${this.name} 0`];
    return [...this.values].map(([k, v]) => `${this.name}${k} ${v}`);
  }
}

export class Gauge implements Metric {
  readonly type = 'gauge' as const;
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number | ReadonlyArray<[Labels, number]>,
  ) {}
  render(): string[] {
    const v = this.read();
    if (typeof v === 'number') return [`${this.name} ${v}`];
    return v.slice(0, MAX_SERIES).map(([l, n]) => `${this.name}${labelKey(l)} ${n}`);
  }
}

export class Histogram implements Metric {
  readonly type = 'histogram' as const;
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++)
      if (v <= (this.buckets[i] as number)) this.counts[i] = (this.counts[i] as number) + 1;
  }
  render(): string[] {
    const out = this.buckets.map((b, i) => `${this.name}_bucket{le="${b}"} ${this.counts[i]}`);
    out.push(
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    );
    return out;
  }
}

export class Metrics {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }
  gauge(name: string, help: string, read: () => number | ReadonlyArray<[Labels, number]>): Gauge {
    return this.add(new Gauge(name, help, read));
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  private add<M extends Metric>(m: M): M {
    const existing = this.metrics.get(m.name);
    if (existing) {
      if (existing.type !== m.type) throw new Error(`metric ${m.name} registered twice with different types`);
      return existing as M;
    }
    this.metrics.set(m.name, m);
    return m;
  }

  render(): string {
    const lines: string[] = [];
    for (const m of this.metrics.values()) {
      lines.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, ...m.render());
    }
    return lines.join('\n') + '\n';
  }
}
