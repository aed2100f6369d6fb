import type {
  OpenAISpeechFormat,
  SpeechUsage,
  TranscriptBody,
  TranscriptFormat,
  TranscriptStreamEvent,
  TranscriptTask,
  Voice,
} from '@voxgate/openai-wire';
import type { ProviderCallContext } from './provider-adapter';

/**
 * The route-level seam of `/v1/audio/speech`, `/v1/audio/transcriptions` and `/v1/audio/translations`:
 * what a provider must do for those routes, whatever its transport. The OpenAI-compatible adapter relays
 * to the provider's own routes (`openai-compatible.speech.ts`); a `type: local` provider implements the
 * same two calls with in-process engines, and the routes, quotas, metering and format conversion around
 * them stay as they are.
 *
 * The gateway has already validated the client's request, resolved the model, and decided what to ask
 * for: a format in `capabilities.speechFormats` (it converts to anything else itself), `speed` only when
 * `capabilities.speechSpeed`, input audio in a format of `capabilities.transcriptionFormats`. Errors
 * follow `ProviderAdapter`'s rules: `GatewayError`s ready for the client, credentials never included;
 * the router moves a call to the model's next fallback only on 429/5xx before any byte was delivered.
 */
export interface SpeechBackend {
  readonly capabilities: SpeechCapabilities;
  /** Resolves once the provider accepted the call; the audio follows in `SpeechAudio.chunks`. */
  synthesize(request: SpeechCall, context: ProviderCallContext): Promise<SpeechAudio>;
  /** Resolves with the whole transcript, or (when `request.stream`) once the event stream started. */
  transcribe(request: TranscriptionCall, context: ProviderCallContext): Promise<TranscriptionOutcome>;
}

export interface SpeechCapabilities {
  /** `response_format`s the backend produces itself. */
  readonly speechFormats: readonly OpenAISpeechFormat[];
  /** Whether it applies `speed` itself (else the gateway time-stretches its audio). */
  readonly speechSpeed: boolean;
  /** Input formats it decodes, in the gateway's names (`opus` = Ogg/Opus); others arrive as WAV. */
  readonly transcriptionFormats: readonly string[];
}

/** One synthesis, as the backend must produce it. */
export interface SpeechCall {
  /** The upstream model name. */
  readonly model: string;
  readonly input: string;
  readonly voice: Voice;
  readonly instructions?: string;
  /** One of `capabilities.speechFormats`. `pcm` is 24 kHz mono s16le. */
  readonly format: OpenAISpeechFormat;
  /** 0.25–4; only set when `capabilities.speechSpeed`. */
  readonly speed?: number;
  /**
   * Ask the provider for its usage (OpenAI reports it only on `stream_format: sse`, which `tts-1` models
   * refuse); the bytes delivered are the same either way.
   */
  readonly withUsage: boolean;
}

/** A started synthesis. */
export interface SpeechAudio {
  /**
   * The file's bytes in order, as produced; their concatenation is one file of the asked format. Throws
   * `UpstreamStreamError` when the provider fails mid-way; breaking out cancels the provider call.
   */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** The provider's usage, known once `chunks` is exhausted (null if it reported none). */
  usage(): SpeechUsage | null;
  readonly upstreamRequestId: string | null;
}

/** One transcription or translation. */
export interface TranscriptionCall {
  readonly task: TranscriptTask;
  /** The upstream model name. */
  readonly model: string;
  /** The audio, in a format of `capabilities.transcriptionFormats`. */
  readonly audio: { readonly bytes: Uint8Array; readonly format: string };
  readonly responseFormat: TranscriptFormat;
  readonly language?: string;
  readonly prompt?: string;
  readonly temperature?: number;
  readonly timestampGranularities?: readonly ('word' | 'segment')[];
  readonly include?: readonly 'logprobs'[];
  /** `auto`: let the provider cut long audio at silences (required by some models past 30 s). */
  readonly chunkingStrategy?: 'auto';
  /** Stream `transcript.text.*` events (transcriptions only). */
  readonly stream: boolean;
}

/**
 * What came back: a JSON transcript (`json`, `verbose_json`), the text of `text`/`srt`/`vtt`, or a stream
 * of events (a provider that ignores `stream`, like `whisper-1`, answers `json` instead).
 */
export type TranscriptionOutcome =
  | { readonly kind: 'json'; readonly body: TranscriptBody; readonly upstreamRequestId: string | null }
  | { readonly kind: 'text'; readonly text: string; readonly upstreamRequestId: string | null }
  | {
      readonly kind: 'events';
      /** Events in order; throws `UpstreamStreamError` on a mid-stream failure. */
      readonly events: AsyncIterable<TranscriptStreamEvent>;
      readonly upstreamRequestId: string | null;
    };
