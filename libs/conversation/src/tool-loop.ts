import type { ChatCompletionRequest, ChatCompletionResponse, ChatMessage, Usage } from '@voxgate/openai-wire';
import type { ServerToolRun, ServerTools } from './server-tools';
import { DEFAULT_TOOL_LOOP_LIMITS, ToolLoopBudget, type ToolLoopLimits, type ToolLoopStop } from './tool-loop-budget';
import { addUsage, type FunctionCall, joinSpoken, offeredTools, runServerCalls, toolRoundMessages } from './tool-round';

/** One provider call of the loop: the request with the conversation so far, the answer back. */
export type ModelCall = (request: ChatCompletionRequest) => Promise<ChatCompletionResponse>;

/** What the loop did besides answering. */
export interface ToolLoopReport {
  /** Tool rounds executed. */
  readonly rounds: number;
  readonly runs: ServerToolRun[];
  readonly stop: ToolLoopStop;
  /**
   * Messages the loop added before the final answer, as a session stores them: each round's assistant
   * server calls (content null: what the model said in that round is part of the final message) and the
   * tool results.
   */
  readonly messages: ChatMessage[];
}

type Message = ChatCompletionResponse['choices'][number]['message'];

/**
 * Server-side function calling, non-streaming. The enabled server tools are offered beside the client's
 * (a name clash is a 400). While the model's answer calls server tools, they run (concurrently unless
 * `parallel_tool_calls: false`, through `ServerTools.execute`), the assistant message and the tool results
 * are appended, and the model is asked again. Client tool calls are returned to the client exactly as
 * OpenAI would, with the server calls of the same message executed and left out.
 *
 * The budget (`ToolLoopLimits`: rounds, wall time, tokens) and a round repeating the previous round's
 * exact calls end the loop: the model is then asked once more with `tool_choice: "none"`, so the client
 * still gets an answer. The final message carries the whole turn: the text and the audio (data and
 * transcript concatenated, which needs pcm16 from the provider) of every round. Usage is the sum over
 * every call.
 */
export async function runToolLoop(
  request: ChatCompletionRequest,
  tools: ServerTools,
  call: ModelCall,
  limits: ToolLoopLimits = DEFAULT_TOOL_LOOP_LIMITS,
  now: () => number = Date.now,
): Promise<{ response: ChatCompletionResponse; report: ToolLoopReport }> {
  const offered = offeredTools(request, tools);
  const budget = new ToolLoopBudget(limits, now);
  const parallel = request.parallel_tool_calls !== false;
  const messages: ChatMessage[] = [...request.messages];
  const stored: ChatMessage[] = [];
  const runs: ServerToolRun[] = [];
  const earlier: Message[] = [];
  let usage: Usage | null = null;
  for (;;) {
    const forced = budget.forcedStop();
    const response = await call({
      ...request,
      messages,
      tools: offered,
      ...(forced ? { tool_choice: 'none' as const } : {}),
    });
    usage = addUsage(usage, response.usage ?? null);
    budget.addTokens(response.usage?.total_tokens ?? 0);
    const choice = response.choices[0];
    const calls = choice?.message.tool_calls ?? [];
    const serverCalls = calls.filter(
      (toolCall): toolCall is FunctionCall => toolCall.type === 'function' && tools.has(toolCall.function.name),
    );
    const clientCalls = calls.filter((toolCall) => toolCall.type !== 'function' || !tools.has(toolCall.function.name));
    const finish = (stop: ToolLoopStop) => {
      if (choice) {
        // A model that calls server tools despite `tool_choice: "none"` gets no more rounds; its server
        // calls are never shown to the client.
        if (clientCalls.length > 0) choice.message.tool_calls = clientCalls;
        else if (serverCalls.length > 0) {
          delete choice.message.tool_calls;
          choice.finish_reason = 'stop';
        }
        mergeTurn(choice.message, earlier);
      }
      return {
        response: { ...response, ...(usage ? { usage } : {}) },
        report: { rounds: budget.completedRounds, runs, stop, messages: stored },
      };
    };
    if (!choice || serverCalls.length === 0 || forced) return finish(forced ?? 'answered');
    if (clientCalls.length === 0 && budget.repeats(serverCalls.map((toolCall) => toolCall.function))) {
      // Asked for exactly what it just got: not run again; the next call answers without tools.
      earlier.push({ ...choice.message, tool_calls: undefined });
      continue;
    }

    const executed = await runServerCalls(tools, serverCalls, parallel);
    runs.push(...executed);
    if (clientCalls.length > 0) {
      // The client never sees server calls, so only a session can keep their results for the next turn.
      stored.push(...toolRoundMessages(null, serverCalls, executed));
      return finish('client_tools');
    }
    const said = joinSpoken([choice.message.content, choice.message.audio?.transcript]);
    messages.push(...toolRoundMessages(said, serverCalls, executed));
    stored.push(...toolRoundMessages(null, serverCalls, executed));
    earlier.push(choice.message);
    budget.completeRound(serverCalls.map((toolCall) => toolCall.function));
  }
}

/** Folds the text and audio of earlier rounds into the final message (in place). */
function mergeTurn(final: Message, earlier: readonly Message[]): void {
  if (earlier.length === 0) return;
  const all = [...earlier, final];
  const content = joinSpoken(all.map((message) => message.content));
  if (content !== null || final.content !== null) final.content = content;
  const spoken = all.filter((message) => message.audio);
  const last = spoken.at(-1)?.audio;
  if (!last) return;
  final.audio = {
    id: last.id,
    expires_at: last.expires_at,
    data: Buffer.concat(spoken.map((message) => Buffer.from(message.audio?.data ?? '', 'base64'))).toString('base64'),
    transcript: joinSpoken(spoken.map((message) => message.audio?.transcript)) ?? '',
  };
}
