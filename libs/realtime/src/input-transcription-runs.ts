import { GatewayError } from '@voxgate/openai-wire';
import type { ItemAudio } from './conversation';
import type { InputTranscriber, InputTranscription } from './input-transcription';
import type { ServerEvent } from './server-events';

export interface InputTranscriptionRunsOptions {
  readonly transcriber: InputTranscriber;
  readonly keyId: string;
  readonly sessionId: string | null;
  /** Writes one event to the client (the session adds `event_id`). */
  readonly send: (event: ServerEvent) => void;
  /** Sets the transcript on the user item's content part; ignores an item deleted meanwhile. */
  readonly setTranscript: (itemId: string, contentIndex: number, transcript: string) => void;
}

/**
 * The transcriptions of a session's committed user turns, each running on its own beside the turn's
 * response (never delaying it), as OpenAI's do: `…input_audio_transcription.delta` events while the model
 * streams, then `…completed` (transcript and usage) with the transcript set on the item, or `…failed`.
 */
export class InputTranscriptionRuns {
  private readonly running = new Set<Promise<void>>();
  private readonly controller = new AbortController();

  constructor(private readonly options: InputTranscriptionRunsOptions) {}

  /** Starts transcribing `audio`, part `contentIndex` of user item `itemId`; returns at once. */
  start(itemId: string, contentIndex: number, audio: ItemAudio, settings: InputTranscription): void {
    if (this.controller.signal.aborted) return;
    const run = this.run(itemId, contentIndex, audio, settings).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once every transcription started so far has ended. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /** The socket closed: abort the transcriptions in flight and wait for them to end. */
  async close(): Promise<void> {
    this.controller.abort();
    await this.idle();
  }

  private async run(itemId: string, contentIndex: number, audio: ItemAudio, settings: InputTranscription) {
    const { send } = this.options;
    const ref = { item_id: itemId, content_index: contentIndex };
    try {
      const events = this.options.transcriber.transcribe({
        keyId: this.options.keyId,
        settings,
        audio,
        itemId,
        sessionId: this.options.sessionId,
        signal: this.controller.signal,
      });
      for await (const event of events) {
        if (this.controller.signal.aborted) return;
        if (event.type === 'delta') {
          if (event.delta)
            send({ type: 'conversation.item.input_audio_transcription.delta', ...ref, delta: event.delta });
          continue;
        }
        this.options.setTranscript(itemId, contentIndex, event.transcript);
        send({
          type: 'conversation.item.input_audio_transcription.completed',
          ...ref,
          transcript: event.transcript,
          usage: event.usage,
        });
        return;
      }
      throw new Error('the transcription ended without a transcript');
    } catch (error) {
      if (this.controller.signal.aborted) return;
      send({ type: 'conversation.item.input_audio_transcription.failed', ...ref, error: failureOf(error) });
    }
  }
}

/**
 * The `error` of a failed transcription (spec: `type`, `code`, `message`, `param`, all strings): type
 * `transcription_error` as OpenAI sends it, the gateway's error code (`model_not_found`,
 * `rate_limit_exceeded`, `upstream_error`…) and message; never an internal detail.
 */
function failureOf(error: unknown): { type: string; code: string; message: string; param?: string } {
  if (error instanceof GatewayError) {
    return {
      type: 'transcription_error',
      code: error.code ?? error.type,
      message: error.message,
      ...(error.param ? { param: error.param } : {}),
    };
  }
  return { type: 'transcription_error', code: 'server_error', message: 'The audio could not be transcribed.' };
}
