import {
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type ChatMessage,
  Errors,
  type Usage,
} from '@voxgate/openai-wire';
import type { ServerToolRun, ServerTools } from './server-tools';

/** One provider call of the loop: the request with the conversation so far, the answer back. */
export type ModelCall = (request: ChatCompletionRequest) => Promise<ChatCompletionResponse>;

/** What the loop did besides answering. */
export interface ToolLoopReport {
  readonly rounds: number;
  readonly runs: ServerToolRun[];
  /** Why the loop stopped calling tools: the model answered, called client tools, repeated itself, or ran out of rounds. */
  readonly stop: 'answered' | 'client_tools' | 'repeated_call' | 'round_budget';
  /** Messages the loop added before the final answer: assistant tool calls and tool results (sessions store them). */
  readonly messages: ChatMessage[];
}

/**
 * Server-side function calling, non-streaming. The enabled server tools are offered beside the client's
 * (a name clash is a 400). While the model's answer calls server tools, they run (concurrently, through
 * `ServerTools.execute`), the assistant message and the tool results are appended, and the model is asked
 * again. Client tool calls are returned to the client exactly as OpenAI would, with the server calls of the
 * same message executed and left out. The loop stops after `maxRounds` tool rounds, or when the model
 * repeats a round's exact calls; it then asks once more with `tool_choice: "none"` so the client still gets
 * an answer. Usage is the sum over every call.
 */
export async function runToolLoop(
  request: ChatCompletionRequest,
  tools: ServerTools,
  call: ModelCall,
  maxRounds: number,
): Promise<{ response: ChatCompletionResponse; report: ToolLoopReport }> {
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
  const messages: ChatMessage[] = [...request.messages];
  const runs: ServerToolRun[] = [];
  let usage: Usage | null = null;
  let previous = '';
  for (let round = 0; ; round++) {
    const forceAnswer = round >= maxRounds;
    const response = await call({
      ...request,
      messages,
      tools: [...(request.tools ?? []), ...tools.definitions],
      ...(forceAnswer ? { tool_choice: 'none' as const } : {}),
    });
    usage = addUsage(usage, response.usage ?? null);
    const choice = response.choices[0];
    const calls = (choice?.message.tool_calls ?? []).flatMap((toolCall) =>
      toolCall.type === 'function' ? [toolCall] : [],
    );
    const serverCalls = calls.filter((toolCall) => tools.has(toolCall.function.name));
    const finish = (stop: ToolLoopReport['stop']) => ({
      response: { ...response, ...(usage ? { usage } : {}) },
      report: { rounds: round, runs, stop, messages: messages.slice(request.messages.length) },
    });
    if (!choice || serverCalls.length === 0 || forceAnswer) return finish(forceAnswer ? 'round_budget' : 'answered');

    const signature = JSON.stringify(
      serverCalls.map((toolCall) => [toolCall.function.name, toolCall.function.arguments]),
    );
    const executed = await tools.execute(
      serverCalls.map((toolCall) => ({
        id: toolCall.id,
        name: toolCall.function.name,
        arguments: toolCall.function.arguments,
      })),
    );
    runs.push(...executed);
    const clientCalls = (choice.message.tool_calls ?? []).filter(
      (toolCall) => toolCall.type !== 'function' || !tools.has(toolCall.function.name),
    );
    if (clientCalls.length > 0) {
      choice.message.tool_calls = clientCalls;
      return finish('client_tools');
    }
    messages.push(
      { role: 'assistant', content: choice.message.content, tool_calls: serverCalls },
      ...executed.map((run): ChatMessage => ({ role: 'tool', tool_call_id: run.toolCallId, content: run.content })),
    );
    if (signature === previous) {
      // The model asked for exactly what it just got: one last call without tools instead of spinning.
      const final = await call({
        ...request,
        messages,
        tools: [...(request.tools ?? []), ...tools.definitions],
        tool_choice: 'none',
      });
      usage = addUsage(usage, final.usage ?? null);
      return {
        response: { ...final, ...(usage ? { usage } : {}) },
        report: { rounds: round + 1, runs, stop: 'repeated_call', messages: messages.slice(request.messages.length) },
      };
    }
    previous = signature;
  }
}

function addUsage(total: Usage | null, next: Usage | null): Usage | null {
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
