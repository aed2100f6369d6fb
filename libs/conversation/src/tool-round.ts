import { type ChatCompletionRequest, type ChatMessage, Errors, type Tool, type Usage } from '@voxgate/openai-wire';
import type { ServerToolRun, ServerTools } from './server-tools';

/** A function call of an assistant message, as the loop handles it. */
export interface FunctionCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/**
 * The tools offered to the model: the client's, then the tenant's server tools. A client tool named like a
 * server tool is a 400 (the gateway could not tell whose call it is).
 */
export function offeredTools(request: ChatCompletionRequest, tools: ServerTools): Tool[] {
  const clientNames = new Set(
    (request.tools ?? []).flatMap((tool) => (tool.type === 'function' ? [tool.function.name] : [tool.custom.name])),
  );
  const clash = tools.definitions.find((tool) => clientNames.has(tool.function.name));
  if (clash) {
    throw Errors.invalidRequest(
      `Tool '${clash.function.name}' is also a server tool of this tenant; rename the client tool.`,
      'tools',
    );
  }
  return [...(request.tools ?? []), ...tools.definitions];
}

/**
 * Runs a round's server calls: concurrently, or one after another when the client sent
 * `parallel_tool_calls: false` (then order matters to it, e.g. "book, then pay").
 */
export async function runServerCalls(
  tools: ServerTools,
  calls: readonly FunctionCall[],
  parallel: boolean,
): Promise<ServerToolRun[]> {
  const requests = calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
  if (parallel) return tools.execute(requests);
  const runs: ServerToolRun[] = [];
  for (const request of requests) runs.push(...(await tools.execute([request])));
  return runs;
}

/**
 * The messages a tool round adds to the conversation: the assistant's server calls (with what it said
 * before them, as text: its audio of that round is spoken to the client, and a transcript outlives the
 * provider's audio id) and one `tool` message per result.
 */
export function toolRoundMessages(
  said: string | null,
  calls: readonly FunctionCall[],
  runs: readonly ServerToolRun[],
): ChatMessage[] {
  return [
    {
      role: 'assistant',
      content: said,
      tool_calls: calls.map((call) => ({ ...call, function: { ...call.function } })),
    },
    ...runs.map((run): ChatMessage => ({ role: 'tool', tool_call_id: run.toolCallId, content: run.content })),
  ];
}

/** Sums two usages field by field (details too); either may be missing. */
export function addUsage(total: Usage | null, next: Usage | null): Usage | null {
  if (!next) return total;
  if (!total) return next;
  const sum = (a?: number, b?: number) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));
  const details = <T extends Record<string, number | undefined>>(a?: T, b?: T): T | undefined => {
    if (!a && !b) return undefined;
    const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
    return Object.fromEntries([...keys].map((key) => [key, sum(a?.[key], b?.[key])])) as T;
  };
  const prompt = details(total.prompt_tokens_details, next.prompt_tokens_details);
  const completion = details(total.completion_tokens_details, next.completion_tokens_details);
  return {
    prompt_tokens: total.prompt_tokens + next.prompt_tokens,
    completion_tokens: total.completion_tokens + next.completion_tokens,
    total_tokens: total.total_tokens + next.total_tokens,
    ...(prompt ? { prompt_tokens_details: prompt } : {}),
    ...(completion ? { completion_tokens_details: completion } : {}),
  };
}

/** Joins what the model said in successive rounds into one utterance. */
export function joinSpoken(parts: readonly (string | null | undefined)[]): string | null {
  const said = parts.filter((part): part is string => typeof part === 'string' && part.length > 0);
  return said.length === 0 ? null : said.join(' ');
}
