import { z } from 'zod';
import type { ItemAudio } from './conversation';

/**
 * Input audio transcription (spec `AudioTranscription`, `session.audio.input.transcription`): each
 * committed user turn is also sent to a speech-to-text model, asynchronously, and its transcript set on
 * the user item. `languages` and `keywords` (newer models only) are refused by the strict schema.
 */
export const InputTranscriptionSchema = z.strictObject({
  /** A model the gateway serves for `/v1/audio/transcriptions` (id or alias). */
  model: z.string().min(1).max(256),
  /** ISO-639-1 language of the speech, passed to the model. */
  language: z.string().min(2).max(16).optional(),
  /** Guides the model's style or vocabulary (`prompt` of `/v1/audio/transcriptions`). */
  prompt: z.string().max(8192).optional(),
});
export type InputTranscription = z.infer<typeof InputTranscriptionSchema>;

/** Spec `TranscriptTextUsageTokens` / `TranscriptTextUsageDuration`: billed at the ASR model's prices. */
export type InputTranscriptionUsage =
  | {
      type: 'tokens';
      input_tokens: number;
      output_tokens: number;
      total_tokens: number;
      input_token_details?: { text_tokens: number; audio_tokens: number };
    }
  | { type: 'duration'; seconds: number };

/** One transcription, as the session asks for it. */
export interface InputTranscriptionRequest {
  /** The API key the session authenticated with (by id); the transcription is metered under it. */
  readonly keyId: string;
  readonly settings: InputTranscription;
  /** The committed user audio, mono 16-bit PCM. */
  readonly audio: ItemAudio;
  /** The user item, for logs and the usage event's id. */
  readonly itemId: string;
  /** The conversation's session-store id (null: not stored); the transcript is kept with it. */
  readonly sessionId: string | null;
  /** Aborted when the socket closes: the provider call must end. */
  readonly signal: AbortSignal;
}

/** What a transcription yields: text deltas as the model streams them (optional), then one `completed`. */
export type InputTranscriptionEvent =
  | { readonly type: 'delta'; readonly delta: string }
  | { readonly type: 'completed'; readonly transcript: string; readonly usage: InputTranscriptionUsage };

/**
 * THE SEAM between the realtime session and the gateway's transcription route. The gateway implements it
 * over the same code path as `POST /v1/audio/transcriptions` (`apps/gateway/src/realtime/turn-transcriber.ts`):
 * model resolution, admission against the key's quotas, the provider (or local engine), one usage event.
 */
export interface InputTranscriber {
  /**
   * Refuses a model that cannot transcribe (unknown, or not serving `audio/transcriptions`) with a
   * `GatewayError`; called when a `session.update` turns transcription on, so the mistake is an `error`
   * event then, not a failure at every turn.
   */
  check(model: string): void;
  /**
   * Transcribes one user turn: yields deltas, then exactly one `completed`; or throws a `GatewayError`
   * (its type/code/message become the `…input_audio_transcription.failed` event).
   */
  transcribe(request: InputTranscriptionRequest): AsyncIterable<InputTranscriptionEvent>;
}
