import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

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

const nonNegative = z.coerce.number().min(0);

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
  /** Voice activity detection that cuts long audio into segments (seconds, dB); absent fields: the engine's defaults. */
  vad: z
    .strictObject({
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
  /** As for `type: openai`: an engine that keeps failing (missing, crashing) is skipped for a while. */
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

/**
 * A model clients may name. `id` is the dated snapshot returned in every response's `model`; `aliases`
 * resolve to it; `upstreamModel` is the name sent to the provider (defaults to `id`).
 */
const usdPerMillion = z.union([z.number().min(0), z.string()]).transform((value, ctx) => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `'${text}' is not a price in USD per 1M tokens with at most 6 decimals` });
    return z.NEVER;
  }
  return Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0'));
});

/**
 * Prices in USD per 1M tokens, as written on pricing pages (`2.50`); held as integer micro-USD per 1M so
 * costs are computed without floating point. `cachedInput` defaults to `textInput`.
 */
export const PricingConfigSchema = z
  .strictObject({
    textInput: usdPerMillion.optional(),
    textOutput: usdPerMillion.optional(),
    audioInput: usdPerMillion.optional(),
    audioOutput: usdPerMillion.optional(),
    cachedInput: usdPerMillion.optional(),
    /** USD per minute of input audio, for models billed by duration (`whisper-1`: `0.006`). */
    audioInputPerMinute: usdPerMillion.optional(),
    /** USD per 1M input characters, for models billed by characters (`tts-1`: `15`). */
    inputCharacters: usdPerMillion.optional(),
  })
  .transform((price) => ({
    textInput: price.textInput ?? 0,
    textOutput: price.textOutput ?? 0,
    audioInput: price.audioInput ?? price.textInput ?? 0,
    audioOutput: price.audioOutput ?? price.textOutput ?? 0,
    cachedInput: price.cachedInput ?? price.textInput ?? 0,
    audioInputPerMinute: price.audioInputPerMinute ?? 0,
    inputCharacters: price.inputCharacters ?? 0,
  }));

/** The routes a model serves (`endpoints`); a request naming it on another route is a 400. */
export const MODEL_ENDPOINTS = [
  'chat/completions',
  'audio/speech',
  'audio/transcriptions',
  'audio/translations',
] as const;
export type ModelEndpoint = (typeof MODEL_ENDPOINTS)[number];

export const ModelConfigSchema = z.strictObject({
  id: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  provider: z.string().min(1),
  upstreamModel: z.string().min(1).optional(),
  /** Unix seconds shown as `created` in `/v1/models`. */
  created: z.coerce.number().int().min(0).default(0),
  ownedBy: z.string().default('system'),
  /** Absent: usage is metered with cost 0 (and a warning at boot). */
  pricing: PricingConfigSchema.optional(),
  /**
   * The routes the model serves: `chat/completions` (the default), `audio/speech`,
   * `audio/transcriptions`, `audio/translations`. Admission refuses it elsewhere with a 400.
   */
  endpoints: z.array(z.enum(MODEL_ENDPOINTS)).min(1).default(['chat/completions']),
  /** Context window, in tokens; session history is trimmed to fit it. */
  contextTokens: positiveInt.default(128_000),
  /**
   * Where to go, in order, when `provider` fails before any byte reached the client (connection error,
   * timeout, 429, 5xx after its retries, or its circuit breaker is open); a 4xx is the client's and is
   * answered as is. `upstreamModel` defaults to the model's; `pricing` (defaults to the model's) prices
   * what a fallback served.
   */
  fallbacks: z
    .array(
      z.strictObject({
        provider: z.string().min(1),
        upstreamModel: z.string().min(1).optional(),
        pricing: PricingConfigSchema.optional(),
      }),
    )
    .default([]),
  /**
   * Where the model is served while its `provider` has no credentials (no `apiKey`, no `keys`): the
   * embedded default (`provider: local`, the offline engines), so `npm start` answers the speech routes
   * with no account. Decided once at boot, never per request: once a key is configured the model relays
   * to `provider`, and a failing provider never falls back here (use `fallbacks` for that). `pricing`
   * prices what it serves (absent: free).
   */
  offline: z
    .strictObject({
      provider: z.string().min(1),
      upstreamModel: z.string().min(1).optional(),
      pricing: PricingConfigSchema.optional(),
    })
    .optional(),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const GatewayConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: port.default(8080),
      /** Largest request body accepted (base64 audio is ~1.33× its bytes). */
      bodyLimitBytes: positiveInt.default(25 * 1024 * 1024),
      /** Cap on how long a graceful shutdown waits for in-flight requests. */
      shutdownGraceMs: z.coerce.number().int().min(0).default(10_000),
      /**
       * A stream that has written nothing for this long gets an SSE comment (`: keep-alive`), so proxies
       * and clients do not time it out while the model thinks or server tools run. 0 disables it.
       */
      sseKeepAliveMs: z.coerce.number().int().min(0).default(10_000),
      /**
       * Serve the API reference without a key: `GET /openapi.json` (OpenAPI 3.1) and `GET /docs` (its viewer,
       * from this origin only). false: neither exists (404), e.g. on a gateway exposed to the internet.
       */
      docs: z.boolean().default(true),
      /**
       * Keep-alive comments never hide a dead upstream: a stream that made no progress (no event from the
       * pipeline, no write drained) for this long ends with an in-band `stream_timeout` error and its
       * upstream call is cancelled. Keep it above the providers' idle timeouts and server tools' timeouts,
       * which end a stall with a more precise error first. 0 disables it.
       */
      sseMaxSilenceMs: z.coerce.number().int().min(0).default(120_000),
    })
    .prefault({}),
  redis: z
    .strictObject({
      /**
       * How Voxgate reaches Redis:
       * - `single`: one server at `url` (its user, password, database and `rediss://` TLS included);
       * - `cluster`: a Redis Cluster, discovered from the seed `nodes`;
       * - `sentinel`: the master that the `sentinels` report for the group `name`, followed across failovers.
       * Every multi-key script and transaction stays in one hash slot (`{t:<tenant>}` tags), so the same key
       * layout runs in all three modes.
       */
      mode: z.enum(['single', 'cluster', 'sentinel']).default('single'),
      /** `single` only: the server's URL (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS). */
      url: z.string().min(1).default('redis://127.0.0.1:6379'),
      /**
       * `cluster` only: seed nodes, `redis://[user:password@]host:port` or `rediss://…` (TLS); the rest of
       * the cluster is discovered from them. Credentials and TLS of the first node apply to every node.
       */
      nodes: z
        .array(z.string().regex(/^rediss?:\/\/[^/\s]+$/, 'must be redis://[user:password@]host:port'))
        .default([]),
      /** `sentinel` only: the Sentinels to ask for the master, `host:port`. */
      sentinels: z.array(z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port')).default([]),
      /** `sentinel` only: the master group name the Sentinels monitor (`sentinel monitor <name> …`). */
      name: z.string().default(''),
      /** ACL user and password of the data nodes (cluster nodes, or the master behind Sentinel); empty: from the URL, else none. */
      username: z.string().default(''),
      password: z.string().default(''),
      /** Password of the Sentinels themselves (`requirepass` on the Sentinel), if they have one. */
      sentinelPassword: z.string().default(''),
      /** TLS to the data nodes (a `rediss://` URL or node turns it on as well). */
      tls: z.boolean().default(false),
      /**
       * Every key Voxgate writes starts with this; several deployments can share one Redis. In `cluster`
       * mode it must not contain `{` or `}`: a hash tag in the prefix would put every key in one slot.
       */
      keyPrefix: z.string().min(1).default('voxgate:'),
      /**
       * A Redis command that has no answer after this long fails (the request gets a 503
       * `store_unavailable`), whether Redis refuses connections or is frozen. Commands are never queued
       * while the connection is down: they fail at once. Blocking BullMQ worker connections are exempt.
       */
      commandTimeoutMs: positiveInt.default(1_000),
      /**
       * Writes that could not be made when a request ended (usage events, quota settles, session turns)
       * are kept in process and written once Redis is back, each exactly once.
       */
      outbox: z
        .strictObject({
          /** Entries kept at most; beyond it the oldest is dropped (logged `outbox.dropped`, counted). */
          maxEntries: positiveInt.default(10_000),
          /**
           * Where pending entries are written at shutdown and read back (then written to Redis) at the
           * next start (`VOXGATE_OUTBOX_FILE`). Empty: not spilled, pending entries are lost at exit
           * (logged). Give each replica its own file.
           */
          file: z.string().default(''),
        })
        .prefault({}),
    })
    .prefault({}),
  admin: z
    .strictObject({
      /** Bootstrap admin key for `/admin/*`; empty disables the admin API. */
      key: z.string().default(''),
    })
    .prefault({}),
  auth: z
    .strictObject({
      /**
       * How long a replica may answer from its in-process cache of authenticated keys, at most 1000 ms: the
       * bound on a revoked key's use on a replica that missed the revocation message (revocations are
       * also broadcast over Redis pub/sub, which evicts at once). 0 reads Redis on every request.
       */
      keyCacheMs: z.coerce.number().int().min(0).max(1_000).default(1_000),
    })
    .prefault({}),
  quotas: z
    .strictObject({
      /** Decide and log refusals, but admit everything: for rolling out new limits safely. */
      dryRun: z.boolean().default(false),
      /** Lease of a concurrent-stream slot; renewed while the stream runs, freed when a replica dies. */
      streamLeaseMs: positiveInt.default(120_000),
      /** Output tokens reserved when a request sets neither max_completion_tokens nor max_tokens. */
      defaultOutputTokens: positiveInt.default(1_024),
    })
    .prefault({}),
  audio: z
    .strictObject({
      /** Longest client audio accepted per part, in seconds of playing time. */
      maxInputSeconds: positiveInt.default(600),
      /** Largest decoded size of one client audio part (mono 16-bit PCM), in bytes. */
      maxDecodedBytes: positiveInt.default(64 * 1024 * 1024),
    })
    .prefault({}),
  sessions: z
    .strictObject({
      /** A session is forgotten this long after its last use. */
      ttlSeconds: positiveInt.default(86_400),
      /** Caps on stored history; the oldest turns are dropped beyond them. Audio is stored apart. */
      maxTurns: positiveInt.default(200),
      maxBytes: positiveInt.default(1_048_576),
      /** How long Voxgate keeps assistant audio (and its id mapping) after answering. */
      audioTtlSeconds: positiveInt.default(86_400),
      /** How long a session keeps the client's input audio; 0 keeps none (a placeholder remains). */
      inputAudioTtlSeconds: z.coerce.number().int().min(0).default(3_600),
    })
    .prefault({}),
  metering: z
    .strictObject({
      /** How long raw usage events and hourly aggregates are kept. */
      retentionDays: positiveInt.default(400),
    })
    .prefault({}),
  tools: z
    .strictObject({
      /**
       * Destinations HTTP and MCP tools may reach although they are private, loopback or link-local:
       * CIDRs (`10.0.0.0/8`, `::1/128`) or host names (`billing.internal`, or `.internal` for a whole
       * domain). Empty: only public addresses.
       */
      ssrfAllowList: z.array(z.string().min(1)).default([]),
      /**
       * HMAC key of payment confirmation tokens. Empty: a random key per process, so a token only works on
       * the replica that minted it and dies with it; multi-replica deployments must set it.
       */
      confirmationSecret: z.string().default(''),
      /** How long a payment confirmation token stays valid. */
      confirmationTtlMs: positiveInt.default(300_000),
      /** Timeout of a registered tool that names none. */
      defaultTimeoutMs: positiveInt.default(10_000),
      /** Largest timeout a tool may be registered with. */
      maxTimeoutMs: positiveInt.default(120_000),
      /** How long the tool list of an MCP server is cached per process. */
      mcpToolsCacheMs: z.coerce.number().int().min(0).default(60_000),
      /**
       * How long a replica may reuse a tenant's toolset (enabled tools, built) without reading Redis, at
       * most 1000 ms; registry changes also evict at once over pub/sub. 0 reads Redis on every request.
       */
      toolsetCacheMs: z.coerce.number().int().min(0).max(1_000).default(1_000),
      /** How long the idempotency ledger remembers a side-effecting call (replays within that window). */
      ledgerTtlMs: positiveInt.default(86_400_000),
      /** Largest response body read from an HTTP tool; a larger one is a tool error. */
      maxResponseBytes: positiveInt.default(1_048_576),
      /**
       * Budget of the server-side tool loop of one request. When any is spent the model is asked once
       * more without tools (`tool_choice: "none"`), so the client still gets an answer.
       */
      loop: z
        .strictObject({
          /** Rounds of model calls that execute server tools. */
          maxRounds: positiveInt.default(8),
          /** Wall time from the first model call; no new tool round starts after it. */
          maxWallMs: positiveInt.default(60_000),
          /** Total tokens (prompt + completion, summed over rounds); no new tool round starts past it. */
          maxTokens: positiveInt.default(200_000),
        })
        .prefault({}),
    })
    .prefault({}),
  batch: z
    .strictObject({
      /** Largest batch input file, in bytes. Files live in Redis, so the default (100 MiB) is half OpenAI's 200 MB. */
      maxFileBytes: positiveInt.default(100 * 1024 * 1024),
      /** Most requests in one input file (OpenAI: 50,000); more fails the batch with `too_many_tasks`. */
      maxLines: positiveInt.default(50_000),
      /** Lifetime of an uploaded batch input file unless the upload sets `expires_after` (30 days, as OpenAI). */
      inputFileTtlSeconds: positiveInt.default(2_592_000),
      /** Lifetime of output and error files unless the batch sets `output_expires_after`. */
      outputFileTtlSeconds: positiveInt.default(2_592_000),
      /** How long a finished batch stays readable through `GET /v1/batches`. */
      retentionSeconds: positiveInt.default(2_592_000),
      /** Lines of one batch running at the same time (lines of one session always run one by one). */
      lineConcurrency: positiveInt.default(4),
      /** Batches one worker process runs at the same time. */
      workerConcurrency: positiveInt.default(2),
      /** Longest single wait on a 429's retry-after before a line is tried again (429s never fail a line). */
      rateLimitMaxWaitMs: positiveInt.default(60_000),
      /** Retries of a line that got a 5xx, before its error is recorded. */
      serverErrorRetries: z.coerce.number().int().min(0).max(10).default(3),
      /** First backoff of those retries, doubled each time. */
      serverErrorBackoffMs: positiveInt.default(2_000),
      /** Run the batch worker inside the gateway process, so `npm start` alone processes batches. */
      runWorkerInGateway: z.boolean().default(true),
    })
    .prefault({}),
  telemetry: z
    .strictObject({
      /**
       * Where traces go: `none` (nothing is started; the tracing API stays a no-op), `otlp` (OTLP over
       * HTTP, JSON, to `otlpEndpoint`) or `console` (spans printed to stdout, for debugging).
       */
      exporter: z.enum(['none', 'otlp', 'console']).default('none'),
      /**
       * Collector base URL for `otlp` (`http://collector:4318`; `/v1/traces` is appended unless the path
       * already ends with it). Empty: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else
       * `OTEL_EXPORTER_OTLP_ENDPOINT`, else `http://localhost:4318/v1/traces`.
       */
      otlpEndpoint: z.string().default(''),
      /** Share of new traces recorded, 0..1; a client's `traceparent` decides for its own trace. */
      sampleRatio: z.coerce.number().min(0).max(1).default(1),
      /** `service.name` on every span. */
      serviceName: z.string().min(1).default('voxgate-gateway'),
    })
    .prefault({}),
  providers: z.record(
    z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'provider ids are lower-case slugs'),
    ProviderConfigSchema,
  ),
  models: z.array(ModelConfigSchema),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

/** A problem zod cannot see field by field: references between providers and models. */
export interface ConfigIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * Cross-field checks, run on the raw (interpolated) config even when other fields are invalid, so one
 * boot failure lists every problem: models naming unknown providers, and model names used twice.
 */
export function crossCheckConfig(raw: unknown): ConfigIssue[] {
  const config = (raw ?? {}) as { providers?: unknown; models?: unknown; redis?: unknown };
  const providers = config.providers && typeof config.providers === 'object' ? Object.keys(config.providers) : [];
  const models = Array.isArray(config.models) ? (config.models as unknown[]) : [];
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, string>();
  models.forEach((entry, index) => {
    if (!entry || typeof entry !== 'object') return;
    const model = entry as { id?: unknown; aliases?: unknown; provider?: unknown; fallbacks?: unknown };
    const checkProvider = (provider: unknown, path: (string | number)[]) => {
      if (typeof provider === 'string' && !providers.includes(provider)) {
        issues.push({
          path,
          message: `unknown provider '${provider}' (configured: ${providers.join(', ') || 'none'})`,
        });
      }
    };
    checkProvider(model.provider, ['models', index, 'provider']);
    const offline = (model as { offline?: unknown }).offline;
    if (offline && typeof offline === 'object')
      checkProvider((offline as { provider?: unknown }).provider, ['models', index, 'offline', 'provider']);
    const fallbacks: unknown[] = Array.isArray(model.fallbacks) ? (model.fallbacks as unknown[]) : [];
    fallbacks.forEach((fallback, at) => {
      if (fallback && typeof fallback === 'object') {
        checkProvider((fallback as { provider?: unknown }).provider, ['models', index, 'fallbacks', at, 'provider']);
      }
    });
    const aliases: unknown[] = Array.isArray(model.aliases) ? (model.aliases as unknown[]) : [];
    for (const name of [model.id, ...aliases]) {
      if (typeof name !== 'string') continue;
      const owner = seen.get(name);
      if (owner !== undefined)
        issues.push({ path: ['models', index], message: `model name '${name}' is already used by '${owner}'` });
      seen.set(name, typeof model.id === 'string' ? model.id : '?');
    }
  });
  return [...issues, ...redisModeIssues(config.redis)];
}

/** What each `redis.mode` needs beside it: nodes for a cluster, sentinels and a name for Sentinel. */
function redisModeIssues(raw: unknown): ConfigIssue[] {
  if (!raw || typeof raw !== 'object') return [];
  const redis = raw as { mode?: unknown; nodes?: unknown; sentinels?: unknown; name?: unknown; keyPrefix?: unknown };
  const empty = (value: unknown) => !Array.isArray(value) || value.length === 0;
  const issues: ConfigIssue[] = [];
  if (redis.mode === 'cluster') {
    if (empty(redis.nodes))
      issues.push({
        path: ['redis', 'nodes'],
        message: 'redis.mode cluster needs at least one node (redis://host:port)',
      });
    if (typeof redis.keyPrefix === 'string' && /[{}]/.test(redis.keyPrefix))
      issues.push({
        path: ['redis', 'keyPrefix'],
        message: 'must not contain { or } in cluster mode (a hash tag in the prefix puts every key in one slot)',
      });
  }
  if (redis.mode === 'sentinel') {
    if (empty(redis.sentinels))
      issues.push({
        path: ['redis', 'sentinels'],
        message: 'redis.mode sentinel needs at least one sentinel (host:port)',
      });
    if (typeof redis.name !== 'string' || redis.name === '')
      issues.push({ path: ['redis', 'name'], message: 'redis.mode sentinel needs the master group name' });
  }
  return issues;
}
