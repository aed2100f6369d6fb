/**
 * Type-level contract of voxgate-types.mts, checked by `npm run typecheck` twice: by examples/tsconfig.json
 * (strict, exactOptionalPropertyTypes, as a user's project) and by ../tsconfig.type-tests.json (without
 * exactOptionalPropertyTypes). Nothing here runs.
 *
 * - A request using every extension goes to `client.chat.completions.create` and `.stream` with no cast,
 *   as a typed variable and as an inline literal, streamed or not, and the right result type comes back.
 * - `voxgate.tool_runs` and `delta.audio` are typed on completions and chunks.
 * - Mistakes are still errors (`@ts-expect-error` fails the check if they ever stop being errors).
 * - Every request the SDK's own types accept is a Voxgate request, and apart from the extended fields the
 *   Voxgate request type *is* the SDK's, so nothing of the SDK is lost.
 */
import type OpenAI from 'openai';
import type { Stream } from 'openai/core/streaming';
import type {
  ChatCompletion,
  ChatCompletionAudioParam,
  ChatCompletionChunk,
  ChatCompletionContentPartInputAudio,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions/completions';
import type {
  VoxgateAudioParam,
  VoxgateChatCompletionCreateParams,
  VoxgateChatCompletionCreateParamsBase,
  VoxgateChatCompletionCreateParamsNonStreaming,
  VoxgateChatCompletionCreateParamsStreaming,
  VoxgateDeltaAudio,
  VoxgateInputAudioFormat,
  VoxgateInputAudioPart,
  VoxgateResponseExtension,
  VoxgateToolRun,
} from './voxgate-types.mjs';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type AssertAssignable<T extends U, U> = T;

declare const client: OpenAI;
declare const clip: string;

const INPUT_FORMATS = [
  'wav',
  'mp3',
  'flac',
  'opus',
  'ogg',
  'webm',
  'pcm16',
  'g711_ulaw',
  'g711_alaw',
  'auto',
] as const satisfies readonly VoxgateInputAudioFormat[];

/** Every extension at once: each input format, G.711 output, `audio.speed` and the top-level `speed`. */
const everyExtension = {
  model: 'gpt-4o-audio-preview',
  modalities: ['text', 'audio'],
  audio: { voice: 'alloy', format: 'g711_ulaw', speed: 1.5 },
  speed: 1.25,
  messages: [
    { role: 'system', content: 'Answer briefly.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What do these say?' },
        ...INPUT_FORMATS.map((format) => ({ type: 'input_audio' as const, input_audio: { data: clip, format } })),
      ],
    },
    { role: 'assistant', audio: { id: 'audio_vg_123' } },
  ],
} satisfies VoxgateChatCompletionCreateParamsBase;

export async function requests(): Promise<void> {
  // A typed variable, not streamed: a ChatCompletion comes back, with Voxgate's field.
  const params: VoxgateChatCompletionCreateParamsNonStreaming = everyExtension;
  const completion = await client.chat.completions.create(params);
  type _Completion = Assert<Equal<typeof completion, ChatCompletion & { _request_id?: string | null }>>;
  type _ToolRuns = Assert<Equal<typeof completion.voxgate, VoxgateResponseExtension | undefined>>;
  const run: VoxgateToolRun | undefined = completion.voxgate?.tool_runs[0];
  const token: string | undefined = run?.confirmation?.token;

  // An inline literal: contextual typing finds the Voxgate overload, still no cast.
  const inline = await client.chat.completions.create({
    model: 'gpt-4o-audio-preview',
    modalities: ['text', 'audio'],
    audio: { voice: 'alloy', format: 'g711_alaw' },
    speed: 0.75,
    messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: clip, format: 'webm' } }] }],
  });
  const data: string | undefined = inline.choices[0]?.message.audio?.data;

  // Streamed: chunks carry Voxgate's field and the audio deltas the SDK's own types lack.
  const streamParams: VoxgateChatCompletionCreateParamsStreaming = { ...everyExtension, stream: true };
  const stream = await client.chat.completions.create(streamParams);
  type _Stream = Assert<Equal<typeof stream, Stream<ChatCompletionChunk> & { _request_id?: string | null }>>;
  for await (const chunk of stream) {
    const audio: VoxgateDeltaAudio | undefined = chunk.choices[0]?.delta.audio;
    const runs: VoxgateToolRun[] | undefined = chunk.voxgate?.tool_runs;
    void [audio?.data, audio?.transcript, audio?.expires_at, runs];
  }
  const inlineStream = await client.chat.completions.create({ ...everyExtension, stream: true });
  type _InlineStream = Assert<Equal<typeof inlineStream, typeof stream>>;
  void inlineStream;

  // The SDK's stream helper, whose finalChatCompletion() has the field too.
  const helper = client.chat.completions.stream({ ...everyExtension, audio: { voice: 'alloy', format: 'opus' } });
  const final = await helper.finalChatCompletion();
  const finalRuns: VoxgateToolRun[] | undefined = final.voxgate?.tool_runs;

  void [token, data, finalRuns];
}

export function mistakesStayErrors(): void {
  void client.chat.completions.create({
    model: 'm',
    // @ts-expect-error: not an input format Voxgate knows
    messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: clip, format: 'aiff' } }] }],
  });
  // @ts-expect-error: not an output format
  void client.chat.completions.create({ model: 'm', messages: [], audio: { voice: 'alloy', format: 'g729' } });
  // @ts-expect-error: speed is a number
  void client.chat.completions.create({ model: 'm', messages: [], speed: 'fast' });
  // @ts-expect-error: a misspelt key is still caught
  void client.chat.completions.create({ model: 'm', messages: [], sped: 1.25 });
}

// Every request the SDK's own types accept is a Voxgate request.
export type SdkRequestsAreVoxgateRequests = [
  AssertAssignable<ChatCompletionCreateParamsNonStreaming, VoxgateChatCompletionCreateParamsNonStreaming>,
  AssertAssignable<ChatCompletionCreateParamsStreaming, VoxgateChatCompletionCreateParamsStreaming>,
  AssertAssignable<ChatCompletionCreateParams, VoxgateChatCompletionCreateParams>,
];

// Apart from the extended fields, the Voxgate types are the SDK's; with OpenAI's formats they are the SDK's.
type Extended = 'messages' | 'audio' | 'speed';
export type OnlyTheExtensionsDiffer = [
  Assert<Equal<Omit<VoxgateChatCompletionCreateParamsBase, Extended>, Omit<ChatCompletionCreateParamsBase, Extended>>>,
  Assert<Equal<Omit<VoxgateAudioParam, 'format' | 'speed'>, Omit<ChatCompletionAudioParam, 'format'>>>,
  AssertAssignable<
    Omit<VoxgateInputAudioPart, 'input_audio'> & { input_audio: { data: string; format: 'wav' | 'mp3' } },
    ChatCompletionContentPartInputAudio
  >,
  AssertAssignable<
    Omit<VoxgateAudioParam, 'speed'> & { format: ChatCompletionAudioParam['format'] },
    ChatCompletionAudioParam
  >,
];
