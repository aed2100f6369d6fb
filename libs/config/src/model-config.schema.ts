import { z } from 'zod';
import { positiveInt } from './schema-primitives';
import { TextModelConfigSchema } from './text-model-config.schema';

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

/**
 * A model clients may name. `id` is the dated snapshot returned in every response's `model`; `aliases`
 * resolve to it; `upstreamModel` is the name sent to the provider (defaults to `id`).
 */
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
  /**
   * For a model of a `type: local` provider: the text model of its chat completions, over the provider's
   * `textModel`. Ignored on other providers' models.
   */
  textModel: TextModelConfigSchema.optional(),
  /**
   * How `GET /v1/realtime?model=…` serves the model: `bridge` (the default) runs each turn as a streamed
   * chat completion; `passthrough` relays the session to the provider's own realtime endpoint (OpenAI
   * `wss://…/v1/realtime?model=<upstreamModel>`; Azure, a provider with `authHeader: api-key`,
   * `wss://…/openai/realtime?api-version=…&deployment=<upstreamModel>`), with the gateway holding the
   * provider key, metering each `response.done` and running the tenant's server tools. See docs/realtime.md.
   */
  realtime: z.enum(['bridge', 'passthrough']).default('bridge'),
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
