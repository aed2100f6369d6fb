/**
 * `choices[].delta.audio` of a streamed chat completion chunk. The OpenAI spec's
 * `ChatCompletionStreamResponseDelta` does not declare it (openai/openai-openapi#577); this is the shape
 * from research/openai-contract.md §3.2, as typed by openai-node 7.57:
 *
 * - `id`: set on the first transcript chunk and on the first data chunk;
 * - `transcript`: a fragment of the spoken text, concatenated by clients;
 * - `data`: base64 of a fragment of raw pcm16 (24 kHz mono s16le), concatenated after decoding;
 * - `expires_at`: unix seconds, alone in the final audio delta.
 *
 * Every key is optional and no other key is allowed.
 */
export const STREAM_AUDIO_DELTA_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1 },
    data: { type: 'string', pattern: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$' },
    expires_at: { type: 'integer' },
    transcript: { type: 'string' },
  },
} as const;
