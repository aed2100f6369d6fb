import {
  type Batchable,
  batchable,
  batchesOf,
  type ChatCompletionChunk,
  type ChunkDelta,
  type OpenAIError,
  type Usage,
} from '@voxgate/openai-wire';
import { UpstreamStreamError } from '@voxgate/providers';
import { type AssembledMessage, MessageAssembler } from './message-assembler';
import { base64Bytes } from './request-estimate';

/** How the client asked to be streamed to. */
export interface StreamShape {
  /** Dated snapshot written into every chunk's `model`. */
  readonly model: string;
  /** The client's `stream_options.include_usage`; the upstream is always asked for usage regardless. */
  readonly includeUsage: boolean;
  /** When set, provider audio ids and expiries are replaced by Voxgate's before the client sees them. */
  readonly audioIds?: AudioIdPolicy;
  /** Keep the streamed audio bytes of choice 0 (sessions store them). */
  readonly keepAudio?: boolean;
  /**
   * Assemble choice 0's text (`content`, `refusal`) into `summary.message` (sessions store it); default
   * true. False: the message keeps its audio id, transcript and tool calls, but not the text, which would
   * otherwise be held as long as the stream runs, however long it gets.
   */
  readonly keepText?: boolean;
}

/**
 * How provider audio ids become Voxgate ids: `newId` mints one per provider id (synchronously, so the first
 * delta can carry it), `expiresAt` maps the provider expiry (unix s) to Voxgate's.
 */
export interface AudioIdPolicy {
  newId(): string;
  expiresAt(upstreamExpiresAt: number): number;
}

/** A provider audio id that was replaced, with what is needed to store the mapping. */
export interface AudioIdMapping {
  /** The provider id the Voxgate id stands for: the latest of the choice (a tool loop speaks in rounds). */
  upstreamId: string;
  readonly id: string;
  upstreamExpiresAt: number | null;
}

/** One item for the HTTP layer: a chunk to write, or the terminal error event (then the stream ends without `[DONE]`). */
export type RelayEvent =
  | { readonly type: 'chunk'; readonly chunk: ChatCompletionChunk }
  | { readonly type: 'error'; readonly error: OpenAIError };

/** What the relay learned by the end of the stream, for metering and logs. */
export interface RelaySummary {
  usage: Usage | null;
  completed: boolean;
  error: OpenAIError | null;
  /** What reached the client, for estimating usage the provider never reported (a cancelled stream). */
  generated: { textChars: number; audioBytes: number };
  /** Choice 0 as a whole message, once the stream ended (its text only with `StreamShape.keepText`). */
  message: AssembledMessage | null;
  /** Choice 0's audio bytes (only with `keepAudio`). */
  audio: Buffer | null;
  /** Provider audio ids replaced under `audioIds`. */
  audioIds: AudioIdMapping[];
}

export function emptySummary(): RelaySummary {
  return {
    usage: null,
    completed: false,
    error: null,
    generated: { textChars: 0, audioBytes: 0 },
    message: null,
    audio: null,
    audioIds: [],
  };
}

const SERVER_ERROR: OpenAIError = {
  message: 'The server had an error while processing your request. Sorry about that!',
  type: 'server_error',
  param: null,
  code: null,
};

/**
 * Turns upstream chunks into the chunks the client receives, in the order of the wire contract:
 * content/transcript/audio deltas as they come → an explicit `finish_reason` chunk for every choice
 * the provider left unfinished (audio streams end on an `expires_at`-only delta) → the usage chunk if
 * the client asked → end. The usage chunk is always captured into `summary`, even when not forwarded.
 *
 * Nothing is buffered: each upstream chunk is yielded as soon as it is rewritten.
 */
export function relayStream(
  upstream: AsyncIterable<ChatCompletionChunk>,
  shape: StreamShape,
  summary: RelaySummary,
): Batchable<RelayEvent> {
  return batchable(() => relayBatches(upstream, shape, summary));
}

/** `relayStream`'s events, a batch for each batch of upstream chunks (see `Batchable`). */
async function* relayBatches(
  upstream: AsyncIterable<ChatCompletionChunk>,
  shape: StreamShape,
  summary: RelaySummary,
): AsyncGenerator<readonly RelayEvent[]> {
  const open = new Map<number, 'stop' | 'tool_calls' | 'function_call'>();
  let template: Pick<ChatCompletionChunk, 'id' | 'created'> | null = null;

  /** The explicit finish chunks of the choices left open (an array: `yield*` of a generator costs more). */
  function finishOpenChoices(): RelayEvent[] {
    const events: RelayEvent[] = [];
    if (!template) return events;
    for (const [index, reason] of open) {
      events.push({
        type: 'chunk',
        chunk: {
          id: template.id,
          object: 'chat.completion.chunk',
          created: template.created,
          model: shape.model,
          choices: [{ index, delta: {}, finish_reason: reason }],
          ...(shape.includeUsage ? { usage: null } : {}),
        },
      });
    }
    open.clear();
    return events;
  }

  let usageChunk: ChatCompletionChunk | null = null;
  const assembler = new MessageAssembler(shape.keepAudio ?? false, shape.keepText ?? true);
  const byChoice = new Map<number, AudioIdMapping>();
  const finalize = () => {
    summary.message = assembler.message();
    summary.audio = shape.keepAudio ? assembler.audio() : null;
    summary.audioIds = [...byChoice.values()];
  };
  const batches = batchesOf(upstream);
  try {
    for (;;) {
      const next = await batches.next();
      if (next.done) break;
      const events: RelayEvent[] = [];
      for (const chunk of next.value) {
        template ??= { id: chunk.id, created: chunk.created };
        chunk.model = shape.model;
        if (chunk.usage) {
          summary.usage = chunk.usage;
          usageChunk = { ...chunk, choices: [] };
        }
        // Some OpenAI-compatible servers put usage on a content chunk; the contract wants it last, alone.
        if (chunk.choices.length === 0) continue;
        for (const choice of chunk.choices) {
          if (shape.audioIds && choice.delta.audio) {
            rewriteAudioIds(choice.delta.audio, shape.audioIds, byChoice, choice.index);
          }
          countGenerated(summary.generated, choice.delta);
          if (choice.index === 0) assembler.add(choice.delta);
          if (choice.finish_reason !== null) open.delete(choice.index);
          else open.set(choice.index, expectedFinish(open.get(choice.index), choice.delta));
        }
        if (shape.includeUsage) chunk.usage = null;
        else if (chunk.usage !== undefined) delete chunk.usage;
        events.push({ type: 'chunk', chunk });
      }
      if (events.length > 0) yield events;
    }
    const last = finishOpenChoices();
    if (shape.includeUsage && usageChunk) last.push({ type: 'chunk', chunk: usageChunk });
    // Completed before the last events are handed over, as when they were handed one at a time.
    summary.completed = true;
    finalize();
    if (last.length > 0) yield last;
  } catch (error) {
    summary.error = error instanceof UpstreamStreamError ? error.error : SERVER_ERROR;
    finalize();
    yield [{ type: 'error', error: summary.error }];
  } finally {
    await batches.return?.();
    // A consumer that stops early (client gone) still gets what was assembled so far.
    if (!summary.message) finalize();
  }
}

/**
 * Replaces the provider's audio id (and expiry) in a delta by Voxgate's. A choice has one Voxgate id for
 * the whole response: when the provider's id changes mid-stream (the tool loop's next round speaks), the
 * mapping follows the latest provider id, whose audio ends the answer.
 */
function rewriteAudioIds(
  audio: NonNullable<ChunkDelta['audio']>,
  policy: AudioIdPolicy,
  byChoice: Map<number, AudioIdMapping>,
  choiceIndex: number,
): void {
  if (audio.id) {
    const mapping = byChoice.get(choiceIndex);
    if (!mapping) {
      byChoice.set(choiceIndex, { upstreamId: audio.id, id: policy.newId(), upstreamExpiresAt: null });
    } else if (mapping.upstreamId !== audio.id) {
      mapping.upstreamId = audio.id;
      mapping.upstreamExpiresAt = null;
    }
    audio.id = byChoice.get(choiceIndex)!.id;
  }
  if (audio.expires_at !== undefined) {
    const mapping = byChoice.get(choiceIndex);
    if (mapping) mapping.upstreamExpiresAt = audio.expires_at;
    audio.expires_at = policy.expiresAt(audio.expires_at);
  }
}

function countGenerated(
  generated: RelaySummary['generated'],
  delta: ChatCompletionChunk['choices'][number]['delta'],
): void {
  generated.textChars += (delta.content?.length ?? 0) + (delta.audio?.transcript?.length ?? 0);
  for (const call of delta.tool_calls ?? []) generated.textChars += call.function?.arguments?.length ?? 0;
  if (delta.audio?.data) generated.audioBytes += base64Bytes(delta.audio.data);
}

function expectedFinish(
  current: 'stop' | 'tool_calls' | 'function_call' | undefined,
  delta: ChatCompletionChunk['choices'][number]['delta'],
): 'stop' | 'tool_calls' | 'function_call' {
  if (delta.tool_calls?.length) return 'tool_calls';
  if (delta.function_call) return 'function_call';
  return current ?? 'stop';
}
