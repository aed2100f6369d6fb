import type { ChatCompletionChunk, OpenAIError, Usage } from '@voxgate/openai-wire';
import { UpstreamStreamError } from '@voxgate/providers';
import { base64Bytes } from './request-estimate';

/** How the client asked to be streamed to. */
export interface StreamShape {
  /** Dated snapshot written into every chunk's `model`. */
  readonly model: string;
  /** The client's `stream_options.include_usage`; the upstream is always asked for usage regardless. */
  readonly includeUsage: boolean;
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
}

export function emptySummary(): RelaySummary {
  return { usage: null, completed: false, error: null, generated: { textChars: 0, audioBytes: 0 } };
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
export async function* relayStream(
  upstream: AsyncIterable<ChatCompletionChunk>,
  shape: StreamShape,
  summary: RelaySummary,
): AsyncGenerator<RelayEvent> {
  const open = new Map<number, 'stop' | 'tool_calls' | 'function_call'>();
  let template: Pick<ChatCompletionChunk, 'id' | 'created'> | null = null;

  function* finishOpenChoices(): Generator<RelayEvent> {
    if (!template) return;
    for (const [index, reason] of open) {
      yield {
        type: 'chunk',
        chunk: {
          id: template.id,
          object: 'chat.completion.chunk',
          created: template.created,
          model: shape.model,
          choices: [{ index, delta: {}, finish_reason: reason }],
          ...(shape.includeUsage ? { usage: null } : {}),
        },
      };
    }
    open.clear();
  }

  let usageChunk: ChatCompletionChunk | null = null;
  try {
    for await (const chunk of upstream) {
      template ??= { id: chunk.id, created: chunk.created };
      chunk.model = shape.model;
      if (chunk.usage) {
        summary.usage = chunk.usage;
        usageChunk = { ...chunk, choices: [] };
      }
      // Some OpenAI-compatible servers put usage on a content chunk; the contract wants it last, alone.
      if (chunk.choices.length === 0) continue;
      for (const choice of chunk.choices) {
        countGenerated(summary.generated, choice.delta);
        if (choice.finish_reason !== null) open.delete(choice.index);
        else open.set(choice.index, expectedFinish(open.get(choice.index), choice.delta));
      }
      if (shape.includeUsage) chunk.usage = null;
      else delete chunk.usage;
      yield { type: 'chunk', chunk };
    }
    yield* finishOpenChoices();
    if (shape.includeUsage && usageChunk) yield { type: 'chunk', chunk: usageChunk };
    summary.completed = true;
  } catch (error) {
    summary.error = error instanceof UpstreamStreamError ? error.error : SERVER_ERROR;
    yield { type: 'error', error: summary.error };
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
