import { recordToolCallSpan, type ToolMetrics } from '@voxgate/telemetry';
import type { ExecutedToolCall, ToolModule } from '@voxgate/tools';

/**
 * Records one round of executed server tool calls for tracing (a `voxgate.tool.call` span each, child of
 * the request's completion span, with the real start time) and metering (`voxgate_tool_calls_total`,
 * `voxgate_tool_duration_seconds`). The calls of a round start together, so `startedAt` is the round's
 * start. Only names, statuses, effect and durations are recorded: never arguments or results. A name the
 * toolset does not know (the model made it up) is recorded as `unknown`, keeping the label set bounded.
 */
export function recordToolRuns(
  toolset: { get(name: string): ToolModule | undefined },
  executed: readonly ExecutedToolCall[],
  startedAt: number,
  metrics: ToolMetrics,
): void {
  for (const run of executed) {
    const tool = toolset.get(run.name);
    const name = tool ? run.name : 'unknown';
    metrics.record({ name, status: run.outcome.status, replayed: run.replayed, durationMs: run.durationMs });
    recordToolCallSpan({
      name,
      status: run.outcome.status,
      replayed: run.replayed,
      ...(tool ? { effect: tool.effect } : {}),
      ...(run.outcome.status === 'error' ? { errorCode: run.outcome.code } : {}),
      startedAt,
      durationMs: run.durationMs,
    });
  }
}
