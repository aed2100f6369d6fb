import {
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatMessage,
  type ChunkDelta,
  GatewayError,
  type Usage,
} from '@voxgate/openai-wire';
import { UpstreamStreamError } from '@voxgate/providers';
import { MessageAssembler } from './message-assembler';
import { type ServerToolRun, type ServerTools, toolRunView, type VoxgateExtension } from './server-tools';
import { ToolLoopBudget, type ToolLoopLimits, type ToolLoopStop } from './tool-loop-budget';
import { addUsage, type FunctionCall, joinSpoken, runServerCalls, toolRoundMessages } from './tool-round';

/** A chunk as the gateway sends it: OpenAI's, plus the optional `voxgate` extension field. */
export type GatewayChunk = ChatCompletionChunk & { voxgate?: VoxgateExtension };

/** Starts one more upstream stream (a later round of the loop). */
export type StartStream = (request: ChatCompletionRequest) => Promise<AsyncIterable<ChatCompletionChunk>>;

/** What the streaming loop did; filled in while its chunks are consumed. */
export interface StreamToolLoopReport {
  rounds: number;
  runs: ServerToolRun[];
  /** Null until the stream ended. */
  stop: ToolLoopStop | null;
  /** Each round's assistant server calls (content null) and tool results, as a session stores them. */
  messages: ChatMessage[];
  /** Usage of the rounds that reported it so far (what a stream cut short had already consumed). */
  usage: Usage | null;
}

export function emptyStreamToolLoopReport(): StreamToolLoopReport {
  return { rounds: 0, runs: [], stop: null, messages: [], usage: null };
}

export interface StreamToolLoopOptions {
  /** The upstream request of the first round (server tools offered, `include_usage` on). */
  readonly request: ChatCompletionRequest;
  /** The first round's stream, already started (so failures before any byte are still HTTP errors). */
  readonly first: AsyncIterable<ChatCompletionChunk>;
  readonly tools: ServerTools;
  readonly start: StartStream;
  readonly limits: ToolLoopLimits;
  readonly report: StreamToolLoopReport;
  readonly now?: () => number;
}

type ToolRoute = { readonly server: true } | { readonly server: false; readonly clientIndex: number };

/**
 * Server-side function calling on a stream. The rounds' upstream streams are joined into what looks like
 * one stream of one response to the client:
 *
 * - text, transcript and audio of every round stream through as they come ("let me check…");
 * - the model's calls to server tools are never shown; its calls to client tools are, re-indexed from 0,
 *   with `finish_reason: "tool_calls"` as OpenAI sends it (server calls of that message run first);
 * - a round that only called server tools does not finish the stream: its `finish_reason` and
 *   `expires_at` deltas are held back, the tools run (the SSE writer's keep-alive comments cover the
 *   wait), and the next round's chunks follow under the same `id` and `created`, without a second `role`;
 * - the tool runs of a round ride, as `voxgate.tool_runs`, on the first chunk written after it;
 * - usage is summed over the rounds and sent once, in the last chunk (the relay forwards it when asked).
 *
 * Audio of all rounds is one continuous pcm16 stream, so a converter behind this yields one valid file.
 * The budget (rounds, wall time, tokens, a repeated round) works as in `runToolLoop`. A later round that
 * fails before streaming becomes an in-band stream error.
 */
export async function* streamToolLoop(options: StreamToolLoopOptions): AsyncGenerator<GatewayChunk> {
  const { request, tools, report } = options;
  const budget = new ToolLoopBudget(options.limits, options.now);
  const parallel = request.parallel_tool_calls !== false;
  const messages: ChatMessage[] = [...request.messages];
  const tails = { content: '', transcript: '' };
  let template: Pick<ChatCompletionChunk, 'id' | 'created'> | null = null;
  let usage: Usage | null = null;
  let usageChunk: GatewayChunk | null = null;
  let unreported: ServerToolRun[] = [];
  let lastExpiry: GatewayChunk | null = null;
  let forced: ToolLoopStop | null = null;
  let upstream = options.first;

  const withRuns = (chunk: GatewayChunk): GatewayChunk => {
    if (unreported.length === 0) return chunk;
    const runs = unreported;
    unreported = [];
    return { ...chunk, voxgate: { tool_runs: [...(chunk.voxgate?.tool_runs ?? []), ...runs.map(toolRunView)] } };
  };

  for (let round = 0; ; round++) {
    const routes = new Map<number, ToolRoute>();
    let clientCalls = 0;
    const held: GatewayChunk[] = [];
    let ownExpiry = false;
    const assembler = new MessageAssembler(false);
    const startedText = { content: false, transcript: false };

    for await (const chunk of upstream) {
      template ??= { id: chunk.id, created: chunk.created };
      chunk.id = template.id;
      chunk.created = template.created;
      if (chunk.usage) {
        usage = addUsage(usage, chunk.usage);
        report.usage = usage;
        budget.addTokens(chunk.usage.total_tokens);
        usageChunk = { ...chunk, choices: [] };
      }
      delete chunk.usage;
      if (chunk.choices.length === 0) continue;
      let hold = false;
      for (const choice of chunk.choices) {
        if (choice.index !== 0) continue;
        const delta = choice.delta;
        assembler.add(delta); // reads values only; the edits below make new objects or replace strings
        if (round > 0) delete delta.role;
        if (delta.tool_calls) {
          delta.tool_calls = delta.tool_calls.flatMap((call) => {
            let route = routes.get(call.index);
            if (!route) {
              const name = call.function?.name;
              route =
                name !== undefined && tools.has(name)
                  ? { server: true }
                  : { server: false, clientIndex: clientCalls++ };
              routes.set(call.index, route);
            }
            return route.server ? [] : [{ ...call, index: route.clientIndex }];
          });
          if (delta.tool_calls.length === 0) delete delta.tool_calls;
        }
        if (round > 0) separateRounds(delta, tails, startedText);
        trackTails(delta, tails);
        if (isExpiryDelta(delta.audio)) {
          ownExpiry = true;
          hold = true;
        }
        if (choice.finish_reason !== null) hold = true;
      }
      if (hold) {
        held.push(chunk);
        continue;
      }
      if (chunk.choices.every((choice) => isEmptyDelta(choice.delta) && choice.finish_reason === null)) continue;
      yield withRuns(chunk);
    }

    const said = assembler.message();
    const serverCalls = (said.tool_calls ?? []).filter((call): call is FunctionCall => tools.has(call.function.name));
    if (
      serverCalls.length > 0 &&
      forced === null &&
      clientCalls === 0 &&
      budget.repeats(serverCalls.map((call) => call.function))
    ) {
      // Asked for exactly what it just got: not run again; one more round, without tools, answers.
      for (const chunk of held) if (isExpiryOnly(chunk)) lastExpiry = chunk;
      forced = budget.forcedStop();
      upstream = await startRound(options.start, { ...request, messages, tool_choice: 'none' });
      continue;
    }
    if (serverCalls.length > 0 && forced === null) {
      const runs = await runServerCalls(tools, serverCalls, parallel);
      report.runs.push(...runs);
      unreported.push(...runs);
      // With client calls too, the stream ends here; a session still keeps the server calls' results.
      if (clientCalls > 0) report.messages.push(...toolRoundMessages(null, serverCalls, runs));
      if (clientCalls === 0) {
        for (const chunk of held) if (isExpiryOnly(chunk)) lastExpiry = chunk;
        messages.push(...toolRoundMessages(joinSpoken([said.content, said.transcript ?? null]), serverCalls, runs));
        report.messages.push(...toolRoundMessages(null, serverCalls, runs));
        budget.completeRound(serverCalls.map((call) => call.function));
        report.rounds = budget.completedRounds;
        forced = budget.forcedStop();
        upstream = await startRound(options.start, {
          ...request,
          messages,
          ...(forced ? { tool_choice: 'none' as const } : {}),
        });
        continue;
      }
    }

    // The last round: what it held back (expiry, finish) ends the stream.
    if (serverCalls.length > 0 && clientCalls === 0) {
      // Server calls despite `tool_choice: "none"`: not run, not shown; the answer ends here.
      for (const chunk of held)
        for (const choice of chunk.choices) if (choice.finish_reason) choice.finish_reason = 'stop';
    }
    report.stop = forced ?? (clientCalls > 0 ? 'client_tools' : 'answered');
    const ending = !ownExpiry && lastExpiry ? [lastExpiry, ...held] : held;
    if (ending.length === 0 && unreported.length > 0 && template) {
      ending.push({
        id: template.id,
        object: 'chat.completion.chunk',
        created: template.created,
        model: request.model,
        choices: [{ index: 0, delta: {}, finish_reason: clientCalls > 0 ? 'tool_calls' : 'stop' }],
      });
    }
    for (const chunk of ending) yield withRuns(chunk);
    if (usageChunk) yield { ...usageChunk, usage };
    return;
  }
}

async function startRound(
  start: StartStream,
  request: ChatCompletionRequest,
): Promise<AsyncIterable<ChatCompletionChunk>> {
  try {
    return await start(request);
  } catch (error) {
    // The response has started: a failure of a later round can only be reported in-band.
    if (error instanceof GatewayError) throw new UpstreamStreamError(error.toOpenAIError());
    throw error;
  }
}

/** A space between rounds when one round's text ends, and the next one's starts, without one. */
function separateRounds(
  delta: ChunkDelta,
  tails: { content: string; transcript: string },
  started: { content: boolean; transcript: boolean },
): void {
  const needsSpace = (tail: string, next: string) => tail !== '' && !/\s$/.test(tail) && !/^\s/.test(next);
  if (typeof delta.content === 'string' && delta.content !== '' && !started.content) {
    started.content = true;
    if (needsSpace(tails.content, delta.content)) delta.content = ` ${delta.content}`;
  }
  const transcript = delta.audio?.transcript;
  if (delta.audio && transcript !== undefined && transcript !== '' && !started.transcript) {
    started.transcript = true;
    if (needsSpace(tails.transcript, transcript)) delta.audio.transcript = ` ${transcript}`;
  }
}

function trackTails(delta: ChunkDelta, tails: { content: string; transcript: string }): void {
  if (typeof delta.content === 'string' && delta.content !== '') tails.content = delta.content;
  if (delta.audio?.transcript) tails.transcript = delta.audio.transcript;
}

/** The delta that closes a response's audio: only `expires_at` (and possibly the id). */
function isExpiryDelta(audio: ChunkDelta['audio']): boolean {
  return audio !== undefined && audio.expires_at !== undefined && audio.data === undefined && !audio.transcript;
}

function isExpiryOnly(chunk: ChatCompletionChunk): boolean {
  return isExpiryDelta(chunk.choices[0]?.delta.audio);
}

function isEmptyDelta(delta: ChunkDelta): boolean {
  return (
    delta.role === undefined &&
    (delta.content === undefined || delta.content === null || delta.content === '') &&
    (delta.refusal === undefined || delta.refusal === null) &&
    delta.tool_calls === undefined &&
    delta.function_call === undefined &&
    delta.audio === undefined
  );
}
