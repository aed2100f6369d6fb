import { type Counter, type Histogram, MetricsRegistry, renderFamilies } from '@voxgate/metrics';
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

/**
 * Process-local Prometheus metrics of server tool calls, on the process's `MetricsRegistry` (served on
 * `/metrics`). Each replica exposes its own (Prometheus sums across replicas); nothing is shared through
 * Redis.
 *
 * - `voxgate_tool_calls_total{tool,status,replayed}`: every call the loop executed or replayed.
 * - `voxgate_tool_duration_seconds{tool}`: histogram of calls that ran (replayed ones executed nothing).
 */
export class ToolMetrics {
  private readonly calls: Counter<'tool' | 'status' | 'replayed'>;
  private readonly durations: Histogram<'tool'>;

  constructor(registry: MetricsRegistry = new MetricsRegistry()) {
    this.calls = registry.counter({
      name: METRIC_TOOL_CALLS,
      help: 'Server tool calls, by tool, status and whether the outcome was replayed.',
      labelNames: ['tool', 'status', 'replayed'],
    });
    this.durations = registry.histogram({
      name: METRIC_TOOL_DURATION,
      help: 'Execution time of server tool calls that ran (replays excluded).',
      labelNames: ['tool'],
      buckets: TOOL_DURATION_BUCKETS,
    });
  }

  record(call: ToolCallSample): void {
    this.calls.inc({ tool: call.name, status: call.status, replayed: String(call.replayed) });
    if (call.replayed) return;
    this.durations.observe({ tool: call.name }, Math.max(0, call.durationMs) / 1000);
  }

  /** These two families alone, in the text exposition format 0.0.4 (`/metrics` renders the registry). */
  render(): string {
    return renderFamilies([this.calls, this.durations]);
  }
}
