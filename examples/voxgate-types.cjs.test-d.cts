/**
 * voxgate-types.mts seen from CommonJS code, which openai-node serves its `.d.ts` build (ES modules get the
 * `.d.mts` one, as voxgate-types.test-d.mts and the .mjs examples do): the same calls need no cast here
 * either. Checked by `npm run typecheck` (examples/tsconfig.json).
 */
import type OpenAI from 'openai';
import type { APIPromise } from 'openai/core/api-promise';
import type { Stream } from 'openai/core/streaming';
import type { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions/completions';

declare const client: OpenAI;

export async function fromCommonJs(): Promise<void> {
  // The SDK's CommonJS classes come back (not look-alikes from its ES module build).
  const pending: APIPromise<ChatCompletion> = client.chat.completions.create({
    model: 'gpt-4o-audio-preview',
    modalities: ['text', 'audio'],
    audio: { voice: 'alloy', format: 'g711_ulaw', speed: 2 },
    messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'ogg' } }] }],
  });
  const completion = await pending;
  const status: string | undefined = completion.voxgate?.tool_runs[0]?.status;

  const stream: Stream<ChatCompletionChunk> = await client.chat.completions.create({
    model: 'gpt-4o-audio-preview',
    modalities: ['text', 'audio'],
    audio: { voice: 'alloy', format: 'g711_alaw' },
    speed: 0.5,
    messages: [{ role: 'user', content: 'Hello' }],
    stream: true,
  });
  for await (const chunk of stream) {
    const data: string | undefined = chunk.choices[0]?.delta.audio?.data;
    void [data, chunk.voxgate?.tool_runs];
  }
  const helper: ChatCompletionStream<null> = client.chat.completions.stream({
    model: 'gpt-4o-audio-preview',
    speed: 2,
    messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'auto' } }] }],
  });
  void [status, helper];
}
