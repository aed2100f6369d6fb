import { z } from 'zod';
import { GgufTextModelSchema } from './gguf-text-model.schema';
import { positiveInt } from './schema-primitives';

/**
 * The text model in the middle of a `type: local` provider's chat completions (speech to text, this
 * model, text to speech). A discriminated union on `type`, so more kinds (an in-process GGUF) are added
 * as variants:
 *
 * - `openai-compatible`: any OpenAI-compatible chat endpoint (Ollama `http://127.0.0.1:11434/v1`,
 *   llama.cpp's server, vLLM, LiteLLM), called with `stream: true` through the same HTTP client, timeouts,
 *   retries and error mapping as a `type: openai` provider. `apiKey` is optional (local servers need none)
 *   and never logged.
 * - `provider`: a `type: openai` provider of this gateway (its keys, timeouts and retries), by id. It is
 *   called directly, not through that provider's circuit breaker or fallbacks.
 * - `gguf`: a GGUF file run in process by node-llama-cpp on the CPU (`GgufTextModelSchema`).
 *
 * `model` is the model name sent to the text model (the first two kinds).
 */
export const OpenAICompatibleTextModelSchema = z.strictObject({
  type: z.literal('openai-compatible'),
  /** Base URL up to and including the API version segment, e.g. `http://127.0.0.1:11434/v1`. */
  baseURL: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
  apiKey: z.string().default(''),
  model: z.string().min(1),
  /** As a provider's `timeouts` (milliseconds); a local model answers at once or is down, hence shorter defaults. */
  timeouts: z
    .strictObject({
      connectMs: positiveInt.default(5_000),
      firstByteMs: positiveInt.default(60_000),
      idleMs: positiveInt.default(60_000),
      totalMs: positiveInt.default(600_000),
    })
    .prefault({}),
  /** Retries before the first byte (connection errors, 429, 5xx). */
  maxRetries: z.coerce.number().int().min(0).max(10).default(0),
});

export const ProviderTextModelSchema = z.strictObject({
  type: z.literal('provider'),
  /** Id of a `type: openai` provider in `providers`. */
  provider: z.string().min(1),
  model: z.string().min(1),
});

export const TextModelConfigSchema = z.discriminatedUnion('type', [
  OpenAICompatibleTextModelSchema,
  ProviderTextModelSchema,
  GgufTextModelSchema,
]);
export type TextModelConfig = z.infer<typeof TextModelConfigSchema>;
export type OpenAICompatibleTextModelConfig = z.infer<typeof OpenAICompatibleTextModelSchema>;
