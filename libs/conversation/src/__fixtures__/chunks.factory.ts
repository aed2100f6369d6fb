/** Upstream chunks as the adapter yields them (already parsed), shaped after openai-contract.md §3. */
import type { ChatCompletionChunk, ChunkDelta, Usage } from '@voxgate/openai-wire';

export const CHUNK_ID = 'chatcmpl-AKTisMkErFxmr5c3wz1p88sWVxa0T';
export const CREATED = 1729444178;
/** What the provider calls the model; the relay must replace it with the snapshot. */
export const UPSTREAM_MODEL = 'audio-deployment-eu';
export const AUDIO_ID = 'audio_67153952b364819093d6a4aac6e0767a';

export const USAGE: Usage = {
  prompt_tokens: 22,
  completion_tokens: 63,
  total_tokens: 85,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0, text_tokens: 22, image_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 50, text_tokens: 13 },
};

export function chunk(
  delta: ChunkDelta,
  options: { finishReason?: string | null; index?: number; usage?: Usage | null } = {},
): ChatCompletionChunk {
  return {
    id: CHUNK_ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: UPSTREAM_MODEL,
    choices: [{ index: options.index ?? 0, delta, finish_reason: options.finishReason ?? null }],
    ...(options.usage === undefined ? {} : { usage: options.usage }),
  };
}

export function usageChunk(usage: Usage = USAGE): ChatCompletionChunk {
  return { id: CHUNK_ID, object: 'chat.completion.chunk', created: CREATED, model: UPSTREAM_MODEL, choices: [], usage };
}

/** §3.2: role, transcript fragments, audio data fragments, the expires_at-only marker, then usage. */
export function audioStream(): ChatCompletionChunk[] {
  return [
    chunk({ role: 'assistant', refusal: null }, { usage: null }),
    chunk({ content: null, audio: { id: AUDIO_ID, transcript: 'Hi' } }, { usage: null }),
    chunk({ audio: { transcript: ' there' } }, { usage: null }),
    chunk(
      { role: 'assistant', content: null, refusal: null, audio: { id: AUDIO_ID, data: 'CAAIAAkACgAP' } },
      { usage: null },
    ),
    chunk({ audio: { expires_at: 1729447778 } }),
    usageChunk(),
  ];
}

/** §3.3 tool-call deltas, without the closing finish_reason chunk. */
export function toolCallStreamWithoutFinish(): ChatCompletionChunk[] {
  return [
    chunk({
      role: 'assistant',
      content: null,
      tool_calls: [{ index: 0, id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '' } }],
    }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
    usageChunk(),
  ];
}

export async function* upstreamOf(
  chunks: readonly ChatCompletionChunk[],
  failure?: Error,
): AsyncGenerator<ChatCompletionChunk> {
  for (const item of chunks) {
    await Promise.resolve();
    yield item;
  }
  if (failure !== undefined) throw failure;
}
