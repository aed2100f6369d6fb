import { METRIC_TOOL_CALLS, METRIC_TOOL_DURATION } from './telemetry.names';

/** Upper bounds (seconds) of the duration histogram: 5 ms to the 120 s longest tool timeout. */
export const TOOL_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;

/** One finished server tool call, for the counters. */
export interface ToolCallSample {
  /** Registered tool name (ops-registered, so the label set stays small). */
  readonly name: string;
  readonly status: string;
  readonly replayed: boolean;
  readonly durationMs: number;
}

interface Histogram {
  readonly buckets: number[];
  sum: number;
  count: number;
}

/**
 * Process-local Prometheus metrics of server tool calls, served on `/metrics` beside the usage counters.
 * Each replica exposes its own (Prometheus sums across replicas); nothing is shared through Redis.
 *
 * - `voxgate_tool_calls_total{tool,status,replayed}`: every call the loop executed or replayed.
 * - `voxgate_tool_duration_seconds{tool}`: histogram of calls that ran (replayed ones executed nothing).
 */
export class ToolMetrics {
  private readonly calls = new Map<string, number>();
  private readonly durations = new Map<string, Histogram>();

  record(call: ToolCallSample): void {
    const key = labelsText({ tool: call.name, status: call.status, replayed: String(call.replayed) });
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    if (call.replayed) return;
    const toolKey = labelsText({ tool: call.name });
    let histogram = this.durations.get(toolKey);
    if (!histogram) {
      histogram = { buckets: TOOL_DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(toolKey, histogram);
    }
    const seconds = Math.max(0, call.durationMs) / 1000;
    TOOL_DURATION_BUCKETS.forEach((bound, index) => {
      if (seconds <= bound) histogram.buckets[index]! += 1;
    });
    histogram.sum += seconds;
    histogram.count += 1;
  }

  /** Prometheus text exposition format, version 0.0.4. */
  render(): string {
    const lines = [
      `# HELP ${METRIC_TOOL_CALLS} Server tool calls, by tool, status and whether the outcome was replayed.`,
      `# TYPE ${METRIC_TOOL_CALLS} counter`,
    ];
    for (const [labels, value] of this.calls) lines.push(`${METRIC_TOOL_CALLS}{${labels}} ${value}`);
    lines.push(
      `# HELP ${METRIC_TOOL_DURATION} Execution time of server tool calls that ran (replays excluded).`,
      `# TYPE ${METRIC_TOOL_DURATION} histogram`,
    );
    for (const [labels, histogram] of this.durations) {
      TOOL_DURATION_BUCKETS.forEach((bound, index) => {
        lines.push(`${METRIC_TOOL_DURATION}_bucket{${labels},le="${bound}"} ${histogram.buckets[index]}`);
      });
      lines.push(
        `${METRIC_TOOL_DURATION}_bucket{${labels},le="+Inf"} ${histogram.count}`,
        `${METRIC_TOOL_DURATION}_sum{${labels}} ${histogram.sum}`,
        `${METRIC_TOOL_DURATION}_count{${labels}} ${histogram.count}`,
      );
    }
    return lines.join('\n') + '\n';
  }
}

function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([label, text]) => `${label}="${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
