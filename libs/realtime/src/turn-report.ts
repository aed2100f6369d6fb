import type { ChatCompletionChunk } from '@voxgate/openai-wire';

/** One entry of `rate_limits.updated` (spec `RealtimeServerEventRateLimitsUpdated.rate_limits`). */
export interface RateLimit {
  readonly name: 'requests' | 'tokens';
  readonly limit: number;
  readonly remaining: number;
  readonly reset_seconds: number;
}

/** A server tool the gateway ran inside a turn, as its chunks report it (`voxgate.tool_runs`). */
export interface ToolRunSummary {
  readonly name: string;
  /** `ok`, `error`, `confirmation_required`… (the tool library's outcome). */
  readonly status: string;
}

/** Metadata keys the gateway adds to `response.done` when server tools ran (documented in docs/realtime.md). */
export const TOOL_RUNS_KEY = 'voxgate_tool_runs';
export const TOOL_RUNS_COUNT_KEY = 'voxgate_tool_runs_count';

/** Spec `Metadata`: at most 16 pairs, values up to 512 characters. */
const MAX_METADATA_KEYS = 16;
const MAX_METADATA_VALUE = 512;

/**
 * The server tool runs a chunk reports: the gateway's pipeline adds `voxgate: { tool_runs }` (its documented
 * chat-completions extension) to the chunk after each round of server tools.
 */
export function toolRunsOf(chunk: ChatCompletionChunk): ToolRunSummary[] {
  const runs = (chunk as { voxgate?: { tool_runs?: unknown } }).voxgate?.tool_runs;
  if (!Array.isArray(runs)) return [];
  return runs.flatMap((run: unknown) => {
    const { name, status } = (run ?? {}) as { name?: unknown; status?: unknown };
    return typeof name === 'string' && typeof status === 'string' ? [{ name, status }] : [];
  });
}

/**
 * `response.done`'s metadata with the server tools that ran: the client's own pairs (from
 * `response.create`) untouched, plus `voxgate_tool_runs` — a JSON array of `{name, status}` in run order,
 * cut to whole entries within the spec's 512 characters — and `voxgate_tool_runs_count`, the number of
 * runs (more than the array holds when it was cut). Metadata is what SDKs carry without acting on it;
 * a `function_call` item would make an SDK run the tool again. When the client's pairs leave no room
 * under the spec's 16, the runs are left out.
 */
export function withToolRuns(
  metadata: Record<string, string> | null,
  runs: readonly ToolRunSummary[],
): Record<string, string> | null {
  if (runs.length === 0) return metadata;
  const own = Object.keys(metadata ?? {}).filter((key) => key !== TOOL_RUNS_KEY && key !== TOOL_RUNS_COUNT_KEY);
  if (own.length + 2 > MAX_METADATA_KEYS) return metadata;
  const kept: ToolRunSummary[] = [];
  for (const run of runs) {
    if (JSON.stringify([...kept, run]).length > MAX_METADATA_VALUE) break;
    kept.push({ name: run.name, status: run.status });
  }
  return { ...metadata, [TOOL_RUNS_KEY]: JSON.stringify(kept), [TOOL_RUNS_COUNT_KEY]: String(runs.length) };
}
