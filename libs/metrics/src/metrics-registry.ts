import { Counter } from './counter';
import { Gauge } from './gauge';
import { Histogram, type HistogramOptions } from './histogram';
import type { FamilyOptions, MetricFamily } from './metric-family';

/**
 * Something sampled at scrape time rather than counted as it happens (a queue's depth in Redis). It
 * sets its gauges in `collect`; the registry bounds how long it may take.
 */
export interface MetricsCollector {
  /** Short id for the failure counter's `collector` label (`batch_queue`). */
  readonly name: string;
  /** Sets the collector's gauges. May reject; the abort signal fires at the timeout. */
  collect(signal: AbortSignal): Promise<void> | void;
}

export interface MetricsRegistryOptions {
  /** How long `render` waits for each collector (default 1000 ms); a slow one never holds up a scrape. */
  readonly collectTimeoutMs?: number;
}

/** Families every registry has: the guards' own counters. */
export const METRIC_SERIES_OVERFLOW = 'voxgate_metrics_series_overflow_total';
export const METRIC_COLLECTOR_FAILURES = 'voxgate_metrics_collector_failures_total';

/**
 * One process's metrics, rendered in the Prometheus text exposition format 0.0.4. Dependency-free and
 * process-local: each replica exposes its own series and Prometheus aggregates across replicas. Every
 * part of the process registers its families here once (at construction, names must be unique) and
 * keeps the family objects to update them; nothing here does I/O except the collectors at scrape time.
 *
 * Families are rendered in registration order; within a family, series in creation order.
 */
export class MetricsRegistry {
  private readonly families = new Map<string, MetricFamily<string, unknown>>();
  private readonly collectors: MetricsCollector[] = [];
  private readonly collectTimeoutMs: number;
  private readonly overflow: Counter<'metric'>;
  private readonly collectorFailures: Counter<'collector'>;

  constructor(options: MetricsRegistryOptions = {}) {
    this.collectTimeoutMs = options.collectTimeoutMs ?? 1_000;
    this.overflow = this.counter({
      name: METRIC_SERIES_OVERFLOW,
      help: 'Observations put in a family\'s "_other" series because it reached its series limit (a label bug).',
      labelNames: ['metric'],
    });
    this.collectorFailures = this.counter({
      name: METRIC_COLLECTOR_FAILURES,
      help: 'Scrape-time samplings that failed or timed out; their gauges are left out of that scrape.',
      labelNames: ['collector'],
    });
  }

  counter<L extends string = never>(options: FamilyOptions<L>): Counter<L> {
    return this.add(new Counter<L>(options));
  }

  gauge<L extends string = never>(options: FamilyOptions<L>): Gauge<L> {
    return this.add(new Gauge<L>(options));
  }

  histogram<L extends string = never>(options: HistogramOptions<L>): Histogram<L> {
    return this.add(new Histogram<L>(options));
  }

  /** The family registered under `name`, if any. */
  get(name: string): MetricFamily<string, unknown> | undefined {
    return this.families.get(name);
  }

  /** Runs `collector` before each `render`. */
  addCollector(collector: MetricsCollector): void {
    this.collectors.push(collector);
  }

  /**
   * Runs the collectors (concurrently, each bounded by `collectTimeoutMs`; a failed one is counted and its
   * gauges are whatever it left), then renders every family. Never rejects.
   */
  async render(): Promise<string> {
    await Promise.all(this.collectors.map((collector) => this.collect(collector)));
    return this.renderNow();
  }

  /** Every family as it stands, without running the collectors. */
  renderNow(): string {
    return renderFamilies(this.families.values());
  }

  private add<F extends MetricFamily<string, unknown>>(family: F): F {
    if (this.families.has(family.name)) throw new Error(`metric ${family.name} is registered twice`);
    this.families.set(family.name, family);
    family.onOverflow = () => this.overflow.inc({ metric: family.name });
    return family;
  }

  private async collect(collector: MetricsCollector): Promise<void> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        abort.abort(new Error(`collector ${collector.name} timed out`));
        reject(abort.signal.reason as Error);
      }, this.collectTimeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(() => collector.collect(abort.signal)), timeout]);
    } catch {
      this.collectorFailures.inc({ collector: collector.name });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The exposition text of `families`, ending with a line feed. */
export function renderFamilies(families: Iterable<MetricFamily<string, unknown>>): string {
  const lines: string[] = [];
  for (const family of families) family.render(lines);
  return lines.join('\n') + '\n';
}
