import { z } from 'zod';

/** `X-Session-Id`: chosen by the client, scoped to its tenant. */
export const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A message as stored in a session. It is the OpenAI message, except that input audio is a reference
 * to the audio store (`input_audio_ref`) and assistant audio carries its transcript, so history can be
 * rebuilt after the audio itself has expired.
 */
export const StoredMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
});
export type StoredMessage = z.infer<typeof StoredMessageSchema> & Record<string, unknown>;

/** Input audio moved out of a stored user message. */
export interface InputAudioRef {
  type: 'input_audio_ref';
  /** `ain_…`, key in the audio store. */
  ref: string;
  format: string;
  duration_ms: number | null;
}

/** One request's worth of history: what the client sent and what the gateway and model added. */
export interface StoredTurn {
  seq: number;
  /** Unix ms. */
  at: number;
  request_id: string;
  /** The request's idempotency key, when it sent one: a turn is stored once per key. */
  idempotency_key?: string;
  messages: StoredMessage[];
}

/** An audio object in the store. */
export interface StoredAudio {
  id: string;
  kind: 'assistant' | 'input';
  format: string;
  /** Base64. */
  data: string;
  transcript: string | null;
  /** The provider's audio id and its expiry (assistant audio only). */
  upstream_id: string | null;
  upstream_expires_at: number | null;
  /** Unix seconds at which Voxgate forgets this audio. */
  expires_at: number;
}

export interface SessionLimits {
  readonly ttlSeconds: number;
  readonly maxTurns: number;
  readonly maxBytes: number;
}
