import { formatValue } from './exposition';
import { type LabelValues, MetricFamily, sampleName } from './metric-family';

/** One gauge series: a value that goes up and down (a level, a state, a depth). */
export class GaugeSeries {
  value = 0;

  set(value: number): void {
    this.value = value;
  }

  inc(by = 1): void {
    this.value += by;
  }

  dec(by = 1): void {
    this.value -= by;
  }
}

/** A Prometheus gauge family. */
export class Gauge<L extends string = never> extends MetricFamily<L, GaugeSeries> {
  readonly type = 'gauge';

  /** `labels(values).set(value)`, for call sites that do not keep the series. */
  set(values: LabelValues<L>, value: number): void {
    this.labels(values).set(value);
  }

  protected newSeries(): GaugeSeries {
    return new GaugeSeries();
  }

  protected renderSeries(lines: string[], labels: string, series: GaugeSeries): void {
    lines.push(`${sampleName(this.name, labels)} ${formatValue(series.value)}`);
  }
}
