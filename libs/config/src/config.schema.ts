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
export const ProviderConfigSchema = z.strictObject({
  type: z.literal('openai'),
  /** Base URL up to and including the API version segment, e.g. `https://api.openai.com/v1`. */
  baseUrl: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
  /** Secret sent upstream; empty means "not configured" and requests routed here fail with 503. */
  apiKey: z.string().default(''),
  /** Path appended to `baseUrl`; `{model}` is replaced by the URL-encoded upstream model name. */
  chatCompletionsPath: z.string().startsWith('/').default('/chat/completions'),
  /** Query parameters added to every upstream URL (e.g. Azure's `api-version`). */
  query: z.record(z.string(), z.string()).default({}),
  /** `bearer`: `Authorization: Bearer <key>` (OpenAI, most servers); `api-key`: `api-key: <key>` (Azure). */
  authHeader: z.enum(['bearer', 'api-key']).default('bearer'),
  /** Extra static headers, e.g. `OpenAI-Organization`. Values may be secrets: they are never logged. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Whole-request timeout for non-streaming calls, and the time to the first byte for streaming ones. */
  timeoutMs: positiveInt.default(600_000),
  /** Retries of a failed upstream call before any byte reached the client (connection errors, 408, 409, 429, 5xx). */
  maxRetries: z.coerce.number().int().min(0).max(10).default(2),
  /** Output audio formats the provider accepts with `stream: true`. OpenAI: pcm16 only. */
  streamingAudioFormats: z.array(z.enum(['wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16'])).default(['pcm16']),
  /** Output audio formats the provider produces without streaming; others are converted by the gateway. */
  audioFormats: z
    .array(z.enum(['wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16']))
    .default(['wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16']),
});
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;

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
    textInput: usdPerMillion,
    textOutput: usdPerMillion,
    audioInput: usdPerMillion.optional(),
    audioOutput: usdPerMillion.optional(),
    cachedInput: usdPerMillion.optional(),
  })
  .transform((price) => ({
    textInput: price.textInput,
    textOutput: price.textOutput,
    audioInput: price.audioInput ?? price.textInput,
    audioOutput: price.audioOutput ?? price.textOutput,
    cachedInput: price.cachedInput ?? price.textInput,
  }));

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
  /** Context window, in tokens; session history is trimmed to fit it. */
  contextTokens: positiveInt.default(128_000),
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
      url: z.string().min(1).default('redis://127.0.0.1:6379'),
      /** Every key Voxgate writes starts with this; several deployments can share one Redis. */
      keyPrefix: z.string().min(1).default('voxgate:'),
    })
    .prefault({}),
  admin: z
    .strictObject({
      /** Bootstrap admin key for `/admin/*`; empty disables the admin API. */
      key: z.string().default(''),
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
  const config = (raw ?? {}) as { providers?: unknown; models?: unknown };
  const providers = config.providers && typeof config.providers === 'object' ? Object.keys(config.providers) : [];
  const models = Array.isArray(config.models) ? (config.models as unknown[]) : [];
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, string>();
  models.forEach((entry, index) => {
    if (!entry || typeof entry !== 'object') return;
    const model = entry as { id?: unknown; aliases?: unknown; provider?: unknown };
    if (typeof model.provider === 'string' && !providers.includes(model.provider)) {
      issues.push({
        path: ['models', index, 'provider'],
        message: `unknown provider '${model.provider}' (configured: ${providers.join(', ') || 'none'})`,
      });
    }
    const aliases: unknown[] = Array.isArray(model.aliases) ? (model.aliases as unknown[]) : [];
    for (const name of [model.id, ...aliases]) {
      if (typeof name !== 'string') continue;
      const owner = seen.get(name);
      if (owner !== undefined)
        issues.push({ path: ['models', index], message: `model name '${name}' is already used by '${owner}'` });
      seen.set(name, typeof model.id === 'string' ? model.id : '?');
    }
  });
  return issues;
}
