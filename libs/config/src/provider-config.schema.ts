import { z } from 'zod';
import { nonNegative, positiveInt } from './schema-primitives';
import { TextModelConfigSchema } from './text-model-config.schema';

/**
 * One upstream that speaks OpenAI's chat-completions protocol (`type: openai`): OpenAI itself, Azure
 * OpenAI deployments, CometAPI, vLLM, LiteLLM and the like.
 *
 * Azure OpenAI: set `baseUrl: https://<resource>.openai.azure.com/openai`,
 * `chatCompletionsPath: /deployments/{model}/chat/completions`, `query: { api-version: <version> }` and
 * `authHeader: api-key`; the model's `upstreamModel` is then the deployment name.
 */
/**
 * How long the gateway waits on a provider, in milliseconds. A timeout that runs out before the answer
 * started is a 504 `upstream_timeout` (and counts as a failure for retries' and routing's purposes, never
 * retried on the same provider); one that runs out mid-stream ends the stream with an in-band error event
 * of code `upstream_timeout`, metered for what was generated.
 */
export const ProviderTimeoutsSchema = z.strictObject({
  /** Opening the TCP (and TLS) connection. */
  connectMs: positiveInt.default(10_000),
  /**
   * From sending the request to the response's status line. For a non-streamed completion the provider
   * usually answers only once it is done, so this bounds generation; for a stream, its first event.
   * Defaults to the deprecated `timeoutMs`, else 600 000 (the official SDKs' default).
   */
  firstByteMs: positiveInt.optional(),
  /**
   * Silence allowed between two reads of the response body once it started: between stream chunks (reset
   * by every chunk), or while a JSON body arrives. SSE keep-alive comments the gateway writes to its own
   * client do not count; comments the provider writes do.
   */
  idleMs: positiveInt.default(60_000),
  /** The whole call, retries and a stream's last chunk included. */
  totalMs: positiveInt.default(1_800_000),
});

const DEFAULT_FIRST_BYTE_MS = 600_000;

const ProviderConfigObject = z.strictObject({
  type: z.literal('openai'),
  /** Base URL up to and including the API version segment, e.g. `https://api.openai.com/v1`. */
  baseUrl: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
  /**
   * Secret sent upstream; empty (and no `keys`) means "not configured" and requests routed here fail
   * with 503.
   */
  apiKey: z.string().default(''),
  /**
   * Several keys (or Azure resources) of this provider, used in turn in proportion to their `weight`
   * (smooth weighted round-robin, per process) instead of `apiKey`. An entry may name its own `baseUrl`
   * (another resource or region of the same deployment names). A retry takes the next entry. All share
   * the provider's circuit breaker, timeouts and other settings.
   */
  keys: z
    .array(
      z.strictObject({
        apiKey: z.string().min(1),
        weight: positiveInt.default(1),
        baseUrl: z
          .url({ protocol: /^https?$/ })
          .transform((url) => url.replace(/\/+$/, ''))
          .optional(),
      }),
    )
    .default([]),
  /** Path appended to `baseUrl`; `{model}` is replaced by the URL-encoded upstream model name. */
  chatCompletionsPath: z.string().startsWith('/').default('/chat/completions'),
  /** Query parameters added to every upstream URL (e.g. Azure's `api-version`). */
  query: z.record(z.string(), z.string()).default({}),
  /** `bearer`: `Authorization: Bearer <key>` (OpenAI, most servers); `api-key`: `api-key: <key>` (Azure). */
  authHeader: z.enum(['bearer', 'api-key']).default('bearer'),
  /** Extra static headers, e.g. `OpenAI-Organization`. Values may be secrets: they are never logged. */
  headers: z.record(z.string(), z.string()).default({}),
  /** How long to wait on this provider; see `ProviderTimeoutsSchema`. */
  timeouts: ProviderTimeoutsSchema.prefault({}),
  /** Deprecated alias of `timeouts.firstByteMs` (which wins when both are set); kept so old configs boot. */
  timeoutMs: positiveInt.optional(),
  /**
   * Sheds load from a failing provider: after `failureThreshold` consecutive failures (connection
   * errors, timeouts, 429, 5xx; a 4xx the client caused is not one) within `windowMs`, calls fail at
   * once (or go to the model's next fallback) for `cooldownMs`; then one probe call is let through,
   * which closes the breaker on success or opens it again on failure.
   */
  breaker: z
    .strictObject({
      failureThreshold: positiveInt.default(5),
      windowMs: positiveInt.default(60_000),
      cooldownMs: positiveInt.default(30_000),
    })
    .prefault({}),
  /** Retries of a failed upstream call before any byte reached the client (connection errors, 408, 409, 429, 5xx). */
  maxRetries: z.coerce.number().int().min(0).max(10).default(2),
  /** Output audio formats the provider accepts with `stream: true`. OpenAI: pcm16 only. */
  streamingAudioFormats: z.array(z.enum(['wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16'])).default(['pcm16']),
  /** Output audio formats the provider produces without streaming; others are converted by the gateway. */
  audioFormats: z
    .array(z.enum(['wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16']))
    .default(['wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16']),
  /**
   * `POST /v1/audio/speech`: the `response_format`s the provider produces. Any other format the client
   * asks for (and Voxgate's `g711_ulaw`/`g711_alaw`) is made by the gateway from the provider's `pcm`.
   */
  speechFormats: z
    .array(z.enum(['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']))
    .default(['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']),
  /** Whether the provider applies `speed` on `/audio/speech` itself; false: the gateway time-stretches. */
  speechSpeed: z.boolean().default(true),
  /**
   * `POST /v1/audio/transcriptions` and `/translations`: the input formats the provider decodes (the
   * gateway's names: `opus` is Ogg/Opus). Others (`pcm16`, G.711, …) are sent as WAV.
   */
  transcriptionFormats: z
    .array(z.enum(['wav', 'mp3', 'flac', 'opus', 'ogg', 'webm', 'pcm16', 'g711_ulaw', 'g711_alaw']))
    .default(['wav', 'mp3', 'flac', 'opus', 'ogg', 'webm']),
});

export const OpenAIProviderConfigSchema = ProviderConfigObject.transform(({ timeoutMs, timeouts, ...provider }) => ({
  ...provider,
  timeouts: { ...timeouts, firstByteMs: timeouts.firstByteMs ?? timeoutMs ?? DEFAULT_FIRST_BYTE_MS },
}));
export type OpenAIProviderConfig = z.infer<typeof OpenAIProviderConfigSchema>;
/** Every timeout of one provider, defaults applied. */
export type ProviderTimeouts = OpenAIProviderConfig['timeouts'];

/**
 * The gateway's own offline engines (`type: local`, `@voxgate/local-voice`): flite and espeak-ng speak,
 * pocketsphinx listens (English only), in worker threads of the gateway process. Serves
 * `/v1/audio/speech`, `/v1/audio/transcriptions` and `/v1/audio/translations`; no key, no network. The
 * Debian packages `libflite1`, `libespeak-ng1`, `libpocketsphinx3` and `pocketsphinx-en-us` provide the
 * engines; without them the gateway still boots and these routes answer 503 naming the missing package.
 */
export const LocalProviderConfigSchema = z.strictObject({
  type: z.literal('local'),
  /** Engine worker threads at most (each pocketsphinx decoder holds ~60 MB; TTS runs ~50× real time). */
  poolSize: positiveInt.default(1),
  /** Timeout of one engine job (one TTS sentence); transcription adds twice the audio's duration. */
  timeoutMs: positiveInt.default(30_000),
  /**
   * Voice names clients may use → engine voices (`flite:slt`, `espeak-ng:en-us+f3`), merged over the
   * built-in map of every OpenAI voice name.
   */
  voices: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Whether clients may also name an engine voice directly (`voice: "espeak-ng:en-gb"`). */
  allowEngineVoices: z.boolean().default(true),
  /** Shared library file names or paths; empty: Debian 12's sonames. `fliteVoice` holds `{voice}`. */
  libraries: z
    .strictObject({
      flite: z.string().min(1).optional(),
      fliteVoice: z.string().min(1).optional(),
      espeak: z.string().min(1).optional(),
      pocketsphinx: z.string().min(1).optional(),
      sphinxbase: z.string().min(1).optional(),
    })
    .prefault({}),
  /** pocketsphinx model directory (Debian's `pocketsphinx-en-us`). */
  pocketsphinxModelDir: z.string().min(1).default('/usr/share/pocketsphinx/model/en-us'),
  /**
   * Voice activity detection that cuts long audio into segments (seconds, dB); absent fields: the engine's
   * defaults. `engine`: `silero` (default; the vendored Silero VAD through sherpa-onnx-node, falling back to
   * `energy` with a boot warning when it cannot load) or `energy`. `threshold` is Silero's speech
   * probability; `thresholdDb`/`minLevelDbfs` are the energy detector's.
   */
  vad: z
    .strictObject({
      engine: z.enum(['silero', 'energy']).default('silero'),
      threshold: z.coerce.number().gt(0).lt(1).optional(),
      minSilenceSeconds: nonNegative.optional(),
      minSpeechSeconds: nonNegative.optional(),
      paddingSeconds: nonNegative.optional(),
      maxSegmentSeconds: z.coerce.number().positive().optional(),
      maxUtteranceSeconds: nonNegative.optional(),
      thresholdDb: nonNegative.optional(),
      minLevelDbfs: z.coerce.number().max(0).optional(),
    })
    .prefault({}),
  /** Longest piece of text sent to a TTS engine at once (longer sentences are cut at a comma or space). */
  maxSentenceChars: positiveInt.default(400),
  /**
   * The text model of this provider's chat completions (the cascade: speech to text, this model, text to
   * speech); a model's own `textModel` wins. Absent (and absent on the model): chat completions on this
   * provider's models answer 503 `text_model_not_configured`.
   */
  textModel: TextModelConfigSchema.optional(),
  /** As for `type: openai`: an engine that keeps failing (crashing, timing out) is skipped for a while; a missing engine or text model does not count. */
  breaker: z
    .strictObject({
      failureThreshold: positiveInt.default(5),
      windowMs: positiveInt.default(60_000),
      cooldownMs: positiveInt.default(30_000),
    })
    .prefault({}),
});
export type LocalProviderConfig = z.infer<typeof LocalProviderConfigSchema>;

export const ProviderConfigSchema = z.discriminatedUnion('type', [
  OpenAIProviderConfigSchema,
  LocalProviderConfigSchema,
]);
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;

/**
 * Whether a provider can be called at all: a `type: openai` provider needs an `apiKey` or `keys`; the
 * local engines need nothing.
 */
export function providerHasCredentials(provider: ProviderConfig): boolean {
  return provider.type === 'local' || provider.apiKey !== '' || provider.keys.length > 0;
}
