import { assertLabelName, assertMetricName, escapeHelp, labelPairs } from './exposition';

/** The value of every label of a family, by label name. */
export type LabelValues<L extends string> = Readonly<Record<L, string>>;

/** What every metric family is declared with. */
export interface FamilyOptions<L extends string> {
  /** Metric name (`voxgate_…`); counters end in `_total`, durations in `_seconds`. */
  readonly name: string;
  /** One line saying what is measured (the `# HELP` text). */
  readonly help: string;
  /**
   * Label names, in the order they are rendered. Every value must come from a bounded set the operator
   * controls (config ids, status codes, route patterns), never from what a client sent.
   */
  readonly labelNames?: readonly L[];
  /**
   * Guard against unbounded label values (default 1000): past this many series, any new label set is
   * counted in one overflow series whose every label is `_other` (`OVERFLOW_LABEL_VALUE`), so a bug cannot
   * exhaust memory or the Prometheus server. The registry counts such observations in
   * `voxgate_metrics_series_overflow_total{metric}`.
   */
  readonly maxSeries?: number;
}

/** The label value of the overflow series. */
export const OVERFLOW_LABEL_VALUE = '_other';
export const DEFAULT_MAX_SERIES = 1000;

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One rendered sample line. */
interface SeriesEntry<S> {
  /** `name="value",…` (escaped), computed once when the series is created. */
  readonly labels: string;
  readonly series: S;
}

/**
 * A metric family: one name, one type, and a series per label set. Series are created on first use and
 * cached, so a caller that keeps the series it resolved (`labels(…)`) pays nothing more per observation.
 */
export abstract class MetricFamily<L extends string, S> {
  abstract readonly type: MetricType;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  private readonly maxSeries: number;
  private readonly entries = new Map<string, SeriesEntry<S>>();
  private overflowEntry: SeriesEntry<S> | null = null;
  /** Told each time a label set past `maxSeries` was resolved to the overflow series (the registry counts it). */
  onOverflow: (() => void) | null = null;

  constructor(options: FamilyOptions<L>) {
    assertMetricName(options.name);
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
    for (const label of this.labelNames) assertLabelName(label);
    if (new Set(this.labelNames).size !== this.labelNames.length) throw new Error(`duplicate label in ${this.name}`);
    this.maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
  }

  /** The series of these label values (created at first use). Keep it when the labels are known up front. */
  labels(values: LabelValues<L>): S {
    let key = '';
    for (const label of this.labelNames) key += `${values[label]}\u0000`;
    const found = this.entries.get(key);
    if (found) return found.series;
    if (this.entries.size >= this.maxSeries) return this.overflow();
    const entry = {
      labels: labelPairs(
        this.labelNames,
        this.labelNames.map((label) => String(values[label])),
      ),
      series: this.newSeries(),
    };
    this.entries.set(key, entry);
    return entry.series;
  }

  /** Drops the series of these label values (e.g. a gauge of a thing that no longer exists). */
  remove(values: LabelValues<L>): void {
    let key = '';
    for (const label of this.labelNames) key += `${values[label]}\u0000`;
    this.entries.delete(key);
  }

  /** Drops every series. */
  clear(): void {
    this.entries.clear();
    this.overflowEntry = null;
  }

  /** `# HELP`, `# TYPE` and every sample line, appended to `lines`. */
  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    for (const entry of this.entries.values()) this.renderSeries(lines, entry.labels, entry.series);
    if (this.overflowEntry) this.renderSeries(lines, this.overflowEntry.labels, this.overflowEntry.series);
  }

  protected abstract newSeries(): S;

  /** Sample lines of one series; `labels` is the escaped `name="value",…` text (maybe empty). */
  protected abstract renderSeries(lines: string[], labels: string, series: S): void;

  private overflow(): S {
    this.onOverflow?.();
    if (!this.overflowEntry) {
      this.overflowEntry = {
        labels: labelPairs(
          this.labelNames,
          this.labelNames.map(() => OVERFLOW_LABEL_VALUE),
        ),
        series: this.newSeries(),
      };
    }
    return this.overflowEntry.series;
  }
}

/** `name{labels}` or just `name` when there are none. */
export function sampleName(name: string, labels: string): string {
  return labels === '' ? name : `${name}{${labels}}`;
}
