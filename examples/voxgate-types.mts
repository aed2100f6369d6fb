/**
 * Voxgate's additions to the official `openai` SDK's chat-completion types (openai-node 6.x), so TypeScript
 * code uses them without casts. Copy this file into your project (any file your tsconfig includes; it has
 * no runtime code), or import a type from it. Once it is part of your compilation:
 *
 * - `client.chat.completions.create(...)` and `.stream(...)` accept Voxgate's request extensions:
 *   - `input_audio.format`: `flac`, `opus` (Ogg/Opus), `ogg`, `webm` (WebM/Opus), `pcm16` (24 kHz mono
 *     s16le), `g711_ulaw`, `g711_alaw` (8 kHz) and `auto` (sniffed), besides OpenAI's `wav` and `mp3`;
 *   - `audio.format`: `g711_ulaw` and `g711_alaw`, besides OpenAI's six, streamed or not;
 *   - `speed` (0.25–4, pitch kept), top-level or as `audio.speed`;
 * - completions and stream chunks have `voxgate?.tool_runs`: the server tools that ran;
 * - stream chunks have `choices[].delta.audio` (transcript and base64 data fragments), which the SDK's own
 *   types lack although OpenAI streams it too.
 *
 * Every request the SDK's own types accept is still accepted unchanged: these only add. Requests using an
 * extension type-check only here; sent to OpenAI itself they are refused there.
 *
 * Kept in step with the gateway by examples/voxgate-types.wire.test-d.ts (`npm run typecheck`).
 */
import type {
  ChatCompletionAudioParam,
  ChatCompletionContentPart,
  ChatCompletionContentPartInputAudio,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionUserMessageParam,
} from 'openai/resources/chat/completions/completions';
// The SDK's classes from each of its two builds (see "The SDK, augmented" below).
import type { APIPromise as EsmAPIPromise } from 'openai/core/api-promise.mjs';
import type { Stream as EsmStream } from 'openai/core/streaming.mjs';
import type { ChatCompletionStream as EsmChatCompletionStream } from 'openai/lib/ChatCompletionStream.mjs';
import type { Completions as EsmCompletions } from 'openai/resources/chat/completions/completions.mjs';
import type { APIPromise as CjsAPIPromise } from 'openai/core/api-promise.js';
import type { Stream as CjsStream } from 'openai/core/streaming.js';
import type { ChatCompletionStream as CjsChatCompletionStream } from 'openai/lib/ChatCompletionStream.js';
import type { Completions as CjsCompletions } from 'openai/resources/chat/completions/completions.js';

/** The SDK's per-request options (`timeout`, `headers`, `signal`, …), which it does not export by name. */
type EsmRequestOptions = NonNullable<Parameters<EsmCompletions['retrieve']>[1]>;
type CjsRequestOptions = NonNullable<Parameters<CjsCompletions['retrieve']>[1]>;

// ---------------------------------------------------------------------------------------------------------
// Request

/** `input_audio.format`: OpenAI's `wav` and `mp3`, plus what browsers, phones and telephony record. */
export type VoxgateInputAudioFormat =
  | ChatCompletionContentPartInputAudio.InputAudio['format']
  | 'flac'
  | 'opus'
  | 'ogg'
  | 'webm'
  | 'pcm16'
  | 'g711_ulaw'
  | 'g711_alaw'
  | 'auto';

/** `audio.format`: OpenAI's six output formats plus 8 kHz G.711 for telephony. */
export type VoxgateOutputAudioFormat = ChatCompletionAudioParam['format'] | 'g711_ulaw' | 'g711_alaw';

/** An `input_audio` content part whose `format` may be any of Voxgate's. */
export interface VoxgateInputAudioPart extends Omit<ChatCompletionContentPartInputAudio, 'input_audio'> {
  input_audio: {
    /** Base64 audio bytes, without a `data:` prefix. */
    data: string;
    /** Checked against the bytes; a contradiction is a 400. */
    format: VoxgateInputAudioFormat;
  };
}

/** A user content part: the SDK's, with Voxgate's `input_audio`. */
export type VoxgateContentPart =
  Exclude<ChatCompletionContentPart, ChatCompletionContentPartInputAudio> | VoxgateInputAudioPart;

export interface VoxgateUserMessageParam extends Omit<ChatCompletionUserMessageParam, 'content'> {
  content: string | Array<VoxgateContentPart>;
}

/** A message of `messages`: the SDK's, with Voxgate's user message. */
export type VoxgateMessageParam =
  Exclude<ChatCompletionMessageParam, ChatCompletionUserMessageParam> | VoxgateUserMessageParam;

/** Request `audio`: voice, one of Voxgate's output formats, and optionally `speed`. */
export interface VoxgateAudioParam extends Omit<ChatCompletionAudioParam, 'format'> {
  format: VoxgateOutputAudioFormat;
  /** Playback speed of the answer, 0.25–4 (default 1), pitch kept; the same as the top-level `speed`. */
  speed?: number;
}

/** The request body of `POST /v1/chat/completions` on Voxgate: the SDK's, plus the extensions. */
export interface VoxgateChatCompletionCreateParamsBase extends Omit<
  ChatCompletionCreateParamsBase,
  'messages' | 'audio'
> {
  messages: Array<VoxgateMessageParam>;
  audio?: VoxgateAudioParam | null;
  /**
   * Playback speed of the audio answer, 0.25–4 (default 1), pitch kept (time-stretched, not re-synthesised);
   * only with audio output. The applied speed comes back in the `x-voxgate-audio-speed` header.
   */
  speed?: number;
}

export interface VoxgateChatCompletionCreateParamsNonStreaming extends VoxgateChatCompletionCreateParamsBase {
  stream?: false | null;
}

export interface VoxgateChatCompletionCreateParamsStreaming extends VoxgateChatCompletionCreateParamsBase {
  stream: true;
}

export type VoxgateChatCompletionCreateParams =
  VoxgateChatCompletionCreateParamsNonStreaming | VoxgateChatCompletionCreateParamsStreaming;

/** What `client.chat.completions.stream(...)` takes (its `stream` is implied). */
export type VoxgateChatCompletionStreamParams = Omit<VoxgateChatCompletionCreateParamsBase, 'stream'> & {
  stream?: true;
};

// ---------------------------------------------------------------------------------------------------------
// Response

/**
 * A run's outcome: `ok`; `error` (the tool failed or timed out; the model was told); `pending` (a side
 * effect whose outcome is unknown: never re-run); `confirmation_required` (a payment above the tenant's
 * threshold, waiting for the user). Open to statuses added later.
 */
export type VoxgateToolRunStatus = 'ok' | 'error' | 'pending' | 'confirmation_required' | (string & {});

/** One server tool call the gateway ran (or replayed) while answering. */
export interface VoxgateToolRun {
  /** The registered tool's name (`<server>__<tool>` for MCP tools). */
  name: string;
  status: VoxgateToolRunStatus;
  /** The result came from the idempotency ledger (a retry with the same `Idempotency-Key`): nothing ran again. */
  replayed: boolean;
  /**
   * With `confirmation_required`: once the user agrees, send the request again with the header
   * `X-Voxgate-Confirmation: <token>` before `expires_at` (ISO 8601).
   */
  confirmation?: { token: string; expires_at: string; summary: Record<string, unknown> };
}

/** The additive `voxgate` field of a completion, or of the first stream chunk after a tool round. */
export interface VoxgateResponseExtension {
  tool_runs: Array<VoxgateToolRun>;
}

/**
 * `choices[].delta.audio` of a stream chunk. Decode each `data` on its own and append the bytes: together
 * they are one file of the requested format. Concatenate `transcript` fragments for the spoken text.
 */
export interface VoxgateDeltaAudio {
  /** Set on the first transcript and the first data delta; send it back as `{ role: 'assistant', audio: { id } }`. */
  id?: string;
  /** Base64 bytes of the next piece of the audio file. */
  data?: string;
  /** The next piece of the spoken text. */
  transcript?: string;
  /** Unix seconds until which `id` may be sent back; alone in the last audio delta. */
  expires_at?: number;
}

// ---------------------------------------------------------------------------------------------------------
// The SDK, augmented. Interfaces merge, so nothing of the SDK's own changes; overloads are only added.
//
// openai-node ships its types twice: `.d.mts` for ES modules and `.d.ts` for CommonJS. Which one a file
// sees depends on how that file is compiled, so both are augmented, each with its own build's classes,
// through the file names that resolve to each in every mode (`….mjs` → `.d.mts`, `….js` → `.d.ts`).

/** Fields added to `ChatCompletion` and `ChatCompletionChunk`. */
export interface VoxgateResponseFields {
  /**
   * Voxgate: the server tools that ran, on a completion, or on the first stream chunk after the round
   * that ran them; absent when none did.
   */
  voxgate?: VoxgateResponseExtension;
}

/** Fields added to a stream chunk's `choices[].delta`. */
export interface VoxgateDeltaFields {
  /** Audio output, streamed: see `VoxgateDeltaAudio`. */
  audio?: VoxgateDeltaAudio;
}

/* eslint-disable @typescript-eslint/no-namespace, @typescript-eslint/no-empty-object-type -- merging into the SDK's declarations */
declare module 'openai/resources/chat/completions/completions.mjs' {
  interface ChatCompletion extends VoxgateResponseFields {}
  interface ChatCompletionChunk extends VoxgateResponseFields {}
  namespace ChatCompletionChunk {
    namespace Choice {
      interface Delta extends VoxgateDeltaFields {}
    }
  }
  interface Completions {
    create(
      body: VoxgateChatCompletionCreateParamsNonStreaming,
      options?: EsmRequestOptions,
    ): EsmAPIPromise<ChatCompletion>;
    create(
      body: VoxgateChatCompletionCreateParamsStreaming,
      options?: EsmRequestOptions,
    ): EsmAPIPromise<EsmStream<ChatCompletionChunk>>;
    create(
      body: VoxgateChatCompletionCreateParamsBase,
      options?: EsmRequestOptions,
    ): EsmAPIPromise<EsmStream<ChatCompletionChunk> | ChatCompletion>;
    stream(body: VoxgateChatCompletionStreamParams, options?: EsmRequestOptions): EsmChatCompletionStream<null>;
  }
}

declare module 'openai/resources/chat/completions/completions.js' {
  interface ChatCompletion extends VoxgateResponseFields {}
  interface ChatCompletionChunk extends VoxgateResponseFields {}
  namespace ChatCompletionChunk {
    namespace Choice {
      interface Delta extends VoxgateDeltaFields {}
    }
  }
  interface Completions {
    create(
      body: VoxgateChatCompletionCreateParamsNonStreaming,
      options?: CjsRequestOptions,
    ): CjsAPIPromise<ChatCompletion>;
    create(
      body: VoxgateChatCompletionCreateParamsStreaming,
      options?: CjsRequestOptions,
    ): CjsAPIPromise<CjsStream<ChatCompletionChunk>>;
    create(
      body: VoxgateChatCompletionCreateParamsBase,
      options?: CjsRequestOptions,
    ): CjsAPIPromise<CjsStream<ChatCompletionChunk> | ChatCompletion>;
    stream(body: VoxgateChatCompletionStreamParams, options?: CjsRequestOptions): CjsChatCompletionStream<null>;
  }
}

/* eslint-enable @typescript-eslint/no-namespace, @typescript-eslint/no-empty-object-type */
