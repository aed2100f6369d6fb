import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionResponse,
  InputAudioFormat,
  OutputAudioFormat,
} from '@voxgate/openai-wire';
import type { UpstreamSignal } from './call-abort';
import type { SpeechBackend } from './speech-backend';

/** What a provider can take and give; the pipeline converts or refuses around these. */
export interface ProviderCapabilities {
  /** `input_audio.format` values the provider decodes itself. */
  readonly inputAudioFormats: readonly InputAudioFormat[];
  /** `audio.format` values the provider accepts together with `stream: true` (OpenAI: `pcm16` only). */
  readonly streamingAudioFormats: readonly OutputAudioFormat[];
  /** `audio.format` values the provider produces without streaming. Absent: every format OpenAI has. */
  readonly audioFormats?: readonly OutputAudioFormat[];
}

/** Per-call context. */
export interface ProviderCallContext {
  /** The gateway's request id, forwarded upstream as `x-request-id` for cross-system tracing. */
  readonly requestId: string;
  /**
   * Aborted when the client goes away or the gateway shuts down; the upstream call must stop at once.
   * Listen with `onAbort`; an API that takes only a WHATWG `AbortSignal` gets `whatwgSignal(signal)`.
   */
  readonly signal: UpstreamSignal;
}

/**
 * A started upstream stream. `chunks` yields every chunk in upstream order and returns when the provider
 * sent `data: [DONE]`; it throws `UpstreamStreamError` if the provider reports an error in-band, closes
 * early, resets the connection, or stays silent past its `timeouts.idleMs` (or the call outlives
 * `timeouts.totalMs`; code `upstream_timeout`). Breaking out of the loop cancels the upstream request.
 */
export interface ProviderStream {
  /**
   * May also be `Batchable` (`@voxgate/openai-wire`): the chunks each read of the provider's body completed,
   * for consumers that take a batch at a time (`batchesOf`). Read through one view only.
   */
  readonly chunks: AsyncIterable<ChatCompletionChunk>;
  /** Upstream `x-request-id`, kept for support tickets with the provider. */
  readonly upstreamRequestId: string | null;
}

export interface ProviderResult<T> {
  readonly body: T;
  readonly upstreamRequestId: string | null;
}

/**
 * One upstream model provider. The request is already validated and carries the *upstream* model name;
 * adapters never change its meaning, only its transport.
 *
 * Errors before the first byte are thrown as `GatewayError`s ready for the client (an upstream 400 keeps
 * its status and message; upstream auth failures, 5xx and network faults become 502, timeouts 504), so
 * no upstream secret or credential detail can reach a client.
 */
export interface ProviderAdapter {
  /** Config id of the provider, e.g. `openai`. */
  readonly id: string;
  readonly capabilities: ProviderCapabilities;
  chatCompletion(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ProviderResult<ChatCompletionResponse>>;
  /** Resolves once the provider accepted the stream (HTTP 200 with `text/event-stream`). */
  streamChatCompletion(request: ChatCompletionRequest, context: ProviderCallContext): Promise<ProviderStream>;
  /**
   * `/v1/audio/speech`, `/transcriptions` and `/translations` through this provider; absent when its type
   * has no such routes (the gateway then answers a 400 `model_not_supported`).
   */
  readonly speech?: SpeechBackend;
}
