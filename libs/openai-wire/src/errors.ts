import { z } from 'zod';

/**
 * OpenAI's error object (OpenAPI `Error`): all four keys are always present. Every 4xx/5xx Voxgate writes
 * has this shape, wrapped as `{ "error": ... }`, and so does an in-band error event of a broken stream.
 */
export interface OpenAIError {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export interface OpenAIErrorEnvelope {
  error: OpenAIError;
}

/** Lenient reading of a provider's error body: anything missing becomes null or a generic message. */
export const UpstreamErrorEnvelopeSchema = z.object({
  error: z.object({
    message: z.string().catch('The upstream provider returned an error.'),
    type: z
      .string()
      .nullish()
      .transform((value) => value ?? 'upstream_error'),
    param: z
      .string()
      .nullish()
      .transform((value) => value ?? null),
    code: z
      .union([z.string(), z.number().transform(String)])
      .nullish()
      .transform((value) => value ?? null),
  }),
});
