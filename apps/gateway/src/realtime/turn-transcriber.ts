import { encodeWav } from '@voxgate/audio';
import { NO_TOKENS, type UsageStatus } from '@voxgate/metering';
import { GatewayError, type TranscriptUsage } from '@voxgate/openai-wire';
import type {
  InputTranscriber,
  InputTranscriptionEvent,
  InputTranscriptionRequest,
  InputTranscriptionUsage,
} from '@voxgate/realtime';
import { InputTranscriptStore } from '@voxgate/sessions';
import type { AuthenticateKeyId } from '@voxgate/tenancy';
import { MeteredAudio } from '../audio/metered-audio';
import type { CheckedAudio, Transcription } from '../audio/transcription';
import { transcriptionEstimate, transcriptTokensOf } from '../audio/transcription-metering';
import { MeteredChat } from '../chat/metered-chat';
import { ClientDisconnectedError } from '../http/client-abort';
import { requestIdFor } from '../http/request-id';
import type { JsonLogger } from '../infra/json-logger';

export interface TurnTranscriberOptions {
  /** The transcription route's use case: model resolution and the provider (or local engine) call. */
  readonly transcription: Transcription;
  /** Admission and metering, as `POST /v1/audio/transcriptions` does them. */
  readonly metered: MeteredAudio;
  /** Re-reads the session's key at every turn: a key revoked mid-session transcribes no more. */
  readonly authenticateKeyId: AuthenticateKeyId;
  /** Where transcripts of a stored conversation's user audio are kept. */
  readonly transcripts: InputTranscriptStore;
  readonly logger: JsonLogger;
  /** The handshake's request id, logged beside each transcription's own. */
  readonly connectionRequestId: string;
}

const SETTINGS_PARAM = 'session.audio.input.transcription.model';

/**
 * `InputTranscriber` over the gateway's transcription code path (issue #15): each committed user turn of
 * a bridged realtime session is one transcription request as `POST /v1/audio/transcriptions` makes it,
 * as the session's key — the model resolved for `audio/transcriptions` (a provider's `whisper-1` /
 * `gpt-4o-transcribe`, or a `local` engine), admitted against the key's quotas (429 → `…failed`),
 * sent as WAV (streamed where the model streams, whisper models answer JSON), and metered as one usage
 * event (`<request id>` of its own, status and usage as the HTTP route records them). The transcript is
 * kept with the stored conversation when the session has an id (`InputTranscriptStore`).
 */
export class TurnTranscriber implements InputTranscriber {
  constructor(private readonly options: TurnTranscriberOptions) {}

  check(model: string): void {
    try {
      this.options.transcription.resolve(model, 'transcribe');
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      throw new GatewayError(error.status, error.type, error.code, error.message, SETTINGS_PARAM);
    }
  }

  async *transcribe(request: InputTranscriptionRequest): AsyncIterable<InputTranscriptionEvent> {
    const { transcription, metered, logger } = this.options;
    const started = performance.now();
    const principal = await this.options.authenticateKeyId.execute(request.keyId);
    const model = transcription.resolve(request.settings.model, 'transcribe');
    const { samples, sampleRate } = request.audio;
    const wav = encodeWav({ samples, sampleRate });
    const seconds = samples.length / sampleRate;
    const audio: CheckedAudio = { bytes: wav, format: 'wav', seconds, wav: () => wav };
    const requestId = requestIdFor();
    const admission = await metered.admit(
      principal,
      model,
      transcriptionEstimate(seconds, request.settings.prompt),
      requestId,
      false,
    );
    let provider: string | undefined;
    let usage: TranscriptUsage | null = null;
    const finish = (status: UsageStatus, answered: boolean) => {
      metered.finish(admission, {
        status,
        ...(provider ? { provider } : {}),
        // No usage from a minute-priced model: its minutes are the bill, not an estimate of tokens.
        tokens: usage
          ? transcriptTokensOf(usage)
          : answered && admission.pricing.audioInputPerMinute
            ? NO_TOKENS
            : null,
        audioInMs: seconds * 1000,
        audioOutMs: 0,
      });
      logger.event('info', 'audio.transcription', {
        requestId,
        door: 'realtime',
        connectionRequestId: this.options.connectionRequestId,
        itemId: request.itemId,
        tenantId: principal.tenantId,
        keyId: principal.keyId,
        model: model.snapshot,
        provider,
        end: status,
        usage,
        audioSeconds: Math.round(seconds * 100) / 100,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
    };
    let transcript: string;
    try {
      const { outcome, route } = await transcription.start(
        model,
        {
          task: 'transcribe',
          model: request.settings.model,
          file: { filename: 'audio.wav', bytes: Buffer.from(wav) },
          responseFormat: 'json',
          ...(request.settings.language !== undefined ? { language: request.settings.language } : {}),
          ...(request.settings.prompt !== undefined ? { prompt: request.settings.prompt } : {}),
          // whisper models do not stream; the others send deltas.
          stream: !/whisper/i.test(model.snapshot),
        },
        audio,
        requestId,
        request.signal,
      );
      provider = route.provider;
      if (outcome.kind === 'events') {
        transcript = '';
        for await (const event of outcome.events) {
          if (request.signal.aborted) throw new ClientDisconnectedError();
          if (event.type === 'transcript.text.delta') {
            transcript += event.delta;
            yield { type: 'delta', delta: event.delta };
          } else if (event.type === 'transcript.text.done') {
            transcript = event.text;
            usage = event.usage ?? null;
          }
        }
      } else if (outcome.kind === 'json') {
        transcript = outcome.body.text;
        usage = outcome.body.usage ?? null;
      } else transcript = outcome.text;
    } catch (error) {
      finish(request.signal.aborted ? 'cancelled' : MeteredChat.statusOf(error), false);
      throw error;
    }
    transcript = transcript.trim();
    finish('completed', true);
    if (request.sessionId) {
      await this.options.transcripts
        .put(principal.tenantId, request.sessionId, InputTranscriptStore.audioKey(samples, sampleRate), transcript)
        .catch((error: unknown) =>
          logger.event('warn', 'realtime transcript not stored', { requestId, error: String(error) }),
        );
    }
    yield { type: 'completed', transcript, usage: eventUsage(usage, seconds) };
  }
}

/** The `usage` of `…transcription.completed` (required by the spec): the provider's, else the audio's duration. */
function eventUsage(usage: TranscriptUsage | null, seconds: number): InputTranscriptionUsage {
  if (!usage) return { type: 'duration', seconds: Math.round(seconds * 1000) / 1000 };
  if (usage.type === 'duration') return { type: 'duration', seconds: usage.seconds };
  const audio = usage.input_token_details?.audio_tokens ?? usage.input_tokens;
  return {
    type: 'tokens',
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    total_tokens: usage.total_tokens,
    input_token_details: {
      text_tokens: usage.input_token_details?.text_tokens ?? Math.max(0, usage.input_tokens - audio),
      audio_tokens: audio,
    },
  };
}
