import { formatValue } from './exposition';
import { type LabelValues, MetricFamily, sampleName } from './metric-family';

/** One counter series: a value that only goes up (it restarts at 0 with the process). */
export class CounterSeries {
  value = 0;

  /** Adds `by` (default 1). A negative or non-finite amount is ignored: a counter never goes down. */
  inc(by = 1): void {
    if (by >= 0 && by !== Infinity) this.value += by;
  }
}

/** A Prometheus counter family. */
export class Counter<L extends string = never> extends MetricFamily<L, CounterSeries> {
  readonly type = 'counter';

  /** `labels(values).inc(by)`, for call sites that do not keep the series. */
  inc(values: LabelValues<L>, by = 1): void {
    this.labels(values).inc(by);
  }

  protected newSeries(): CounterSeries {
    return new CounterSeries();
  }

  protected renderSeries(lines: string[], labels: string, series: CounterSeries): void {
    lines.push(`${sampleName(this.name, labels)} ${formatValue(series.value)}`);
  }
}
