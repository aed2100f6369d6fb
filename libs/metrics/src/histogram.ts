import { formatValue } from './exposition';
import { type FamilyOptions, type LabelValues, MetricFamily, sampleName } from './metric-family';

/** Request latencies, 5 ms to 60 s: HTTP requests, upstream calls, time to first byte or audio. */
export const LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * One histogram series. Each bucket holds only the observations that fell in it (not cumulative), so an
 * observation touches one bucket; rendering adds them up into Prometheus's cumulative `le` buckets.
 */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  /** Records one value (seconds for durations). O(buckets), no allocation; NaN is ignored. */
  observe(value: number): void {
    if (Number.isNaN(value)) return;
    const bounds = this.bounds;
    for (let index = 0; index < bounds.length; index++) {
      if (value <= bounds[index]!) {
        this.counts[index]! += 1;
        break;
      }
    }
    this.sum += value;
    this.count += 1;
  }
}

export interface HistogramOptions<L extends string> extends FamilyOptions<L> {
  /** Upper bounds, strictly increasing and finite; `+Inf` is implied. Fixed for the family's life. */
  readonly buckets: readonly number[];
}

/**
 * A Prometheus histogram family: per series, `_bucket{le=…}` (cumulative, ending with `le="+Inf"` equal to
 * `_count`), `_sum` and `_count`. The label `le` is reserved.
 */
export class Histogram<L extends string = never> extends MetricFamily<L, HistogramSeries> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];
  private readonly bucketLabels: readonly string[];

  constructor(options: HistogramOptions<L>) {
    super(options);
    if ((this.labelNames as readonly string[]).includes('le')) throw new Error(`${this.name}: label "le" is reserved`);
    const buckets = [...options.buckets];
    if (buckets.length === 0) throw new Error(`${this.name}: a histogram needs at least one bucket`);
    buckets.forEach((bound, index) => {
      if (!Number.isFinite(bound) || (index > 0 && bound <= buckets[index - 1]!))
        throw new Error(`${this.name}: buckets must be finite and strictly increasing`);
    });
    this.buckets = buckets;
    this.bucketLabels = buckets.map((bound) => `le="${formatValue(bound)}"`);
  }

  /** `labels(values).observe(value)`, for call sites that do not keep the series. */
  observe(values: LabelValues<L>, value: number): void {
    this.labels(values).observe(value);
  }

  protected newSeries(): HistogramSeries {
    return new HistogramSeries(this.buckets);
  }

  protected renderSeries(lines: string[], labels: string, series: HistogramSeries): void {
    const prefix = labels === '' ? '' : `${labels},`;
    let cumulative = 0;
    for (let index = 0; index < this.buckets.length; index++) {
      cumulative += series.counts[index]!;
      lines.push(`${this.name}_bucket{${prefix}${this.bucketLabels[index]}} ${formatValue(cumulative)}`);
    }
    lines.push(
      `${this.name}_bucket{${prefix}le="+Inf"} ${formatValue(series.count)}`,
      `${sampleName(`${this.name}_sum`, labels)} ${formatValue(series.sum)}`,
      `${sampleName(`${this.name}_count`, labels)} ${formatValue(series.count)}`,
    );
  }
}
