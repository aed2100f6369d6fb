import type { ToolRunView, VoxgateExtension } from '@voxgate/conversation';
import {
  AudioOutputOptionsSchema,
  ChatCompletionChunkSchema,
  ChatCompletionRequestSchema,
  ChatCompletionResponseSchema,
  ChatMessageSchema,
  InputAudioFormatSchema,
  InputAudioPartSchema,
  OutputAudioFormatSchema,
  SpeedSchema,
  ToolSchema,
} from '@voxgate/openai-wire';
import { z } from 'zod';
import type { Assert, Describes, NamedSchema } from './documented';

/** One server-side tool call the gateway ran for this answer (`voxgate.tool_runs`, `x-voxgate-tool-runs`). */
export const ToolRunSchema = z.object({
  name: z.string(),
  status: z.string().describe('`ok`, `error`, `pending`, `confirmation_required`, …'),
  replayed: z.boolean().describe('The result came from the idempotency ledger: nothing was executed again.'),
  confirmation: z
    .object({
      token: z.string().describe('Send it back in `X-Voxgate-Confirmation` once the user agreed.'),
      expires_at: z.string().describe('ISO 8601.'),
      summary: z.unknown().describe('What is being confirmed (amount, currency, customer, …).'),
    })
    .optional(),
});
type _RunChecked = Assert<Describes<typeof ToolRunSchema, ToolRunView>>;

/** Voxgate's additive `voxgate` field on a completion or chunk, present only when server tools ran. */
export const VoxgateExtensionSchema = z.object({ tool_runs: z.array(ToolRunSchema) });
type _ExtensionChecked = Assert<Describes<typeof VoxgateExtensionSchema, VoxgateExtension>>;

const voxgate = { voxgate: VoxgateExtensionSchema.optional() };

/** Inbound (documented as clients send them, `io: input`). */
export const CHAT_REQUEST_COMPONENTS: readonly NamedSchema[] = [
  {
    id: 'CreateChatCompletionRequest',
    schema: ChatCompletionRequestSchema,
    description:
      "OpenAI's `CreateChatCompletionRequest`, strict (an unknown key is a 400 `unknown_parameter`), plus " +
      "Voxgate's additive extensions: more `input_audio.format`s, G.711 output formats, and `speed`.",
  },
  { id: 'ChatCompletionRequestMessage', schema: ChatMessageSchema },
  {
    id: 'ChatCompletionRequestMessageContentPartAudio',
    schema: InputAudioPartSchema,
    description: 'Base64 audio (no `data:` prefix). In a multipart request `data` may be `"@<part>"`.',
  },
  {
    id: 'VoxgateInputAudioFormat',
    schema: InputAudioFormatSchema,
    description:
      'Extension: OpenAI accepts `wav` and `mp3`; Voxgate also takes what browsers, phones and telephony send, and `auto` (sniffed from the bytes). Converted when the provider needs it.',
  },
  {
    id: 'ChatCompletionAudioParam',
    schema: AudioOutputOptionsSchema,
    description: 'Voice and format of the audio answer; `speed` is an extension (same as the top-level `speed`).',
  },
  {
    id: 'VoxgateOutputAudioFormat',
    schema: OutputAudioFormatSchema,
    description: "OpenAI's output formats plus `g711_ulaw` and `g711_alaw` (8 kHz, for telephony).",
  },
  {
    id: 'VoxgateSpeed',
    schema: SpeedSchema,
    description: 'Extension: playback rate of the audio answer, 0.25–4, pitch preserved; never sent upstream.',
  },
  { id: 'ChatCompletionTool', schema: ToolSchema },
];

/** Outbound (documented as the gateway writes them, `io: output`). */
export const CHAT_RESPONSE_COMPONENTS: readonly NamedSchema[] = [
  {
    id: 'CreateChatCompletionResponse',
    schema: ChatCompletionResponseSchema.extend(voxgate),
    description: "OpenAI's chat completion; `model` is the dated snapshot; `voxgate` is present when server tools ran.",
  },
  {
    id: 'CreateChatCompletionStreamResponse',
    schema: ChatCompletionChunkSchema.extend(voxgate),
    description:
      'One `data:` event of a streamed completion. Audio arrives as `delta.audio` (transcript, then base64 ' +
      '`data`, then `expires_at`); the usage chunk (`choices: []`) comes last when `stream_options.include_usage` is set.',
  },
  { id: 'VoxgateToolRun', schema: ToolRunSchema },
];
