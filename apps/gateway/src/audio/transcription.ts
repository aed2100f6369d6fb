import { Inject, Injectable } from '@nestjs/common';
import {
  type AudioLimits,
  type DeclaredInputAudioFormat,
  decodeAudio,
  encodeWav,
  isAudioError,
  pcmDurationSeconds,
  resolveInputFormat,
} from '@voxgate/audio';
import type { GatewayConfig } from '@voxgate/config';
import { ModelCatalog, type ResolvedModel } from '@voxgate/conversation';
import { Errors, type TranscriptTask } from '@voxgate/openai-wire';
import { type ProviderRoute, ProviderRouter, type TranscriptionOutcome } from '@voxgate/providers';
import { GATEWAY_CONFIG } from '../infra/tokens';
import type { TranscriptionForm } from './transcription-form';

/** The client's audio, checked: its format (sniffed from the bytes) and duration. */
export interface CheckedAudio {
  readonly bytes: Uint8Array;
  readonly format: string;
  readonly seconds: number;
  /** The same audio as a mono 16-bit WAV, for providers that do not take `format`. */
  readonly wav: () => Uint8Array;
}

/**
 * `POST /v1/audio/transcriptions` and `/translations` without HTTP: the model for the route, the audio
 * checked (any format Voxgate decodes; empty, corrupt, unsupported or over `audio.maxInputSeconds` is a
 * 400 naming `file`), then the provider's `SpeechBackend.transcribe` over the model's routes, with the
 * audio passed through when the provider decodes its format, else as WAV.
 */
@Injectable()
export class Transcription {
  private readonly limits: AudioLimits;

  constructor(
    private readonly models: ModelCatalog,
    private readonly router: ProviderRouter,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.limits = { maxDurationSeconds: config.audio.maxInputSeconds, maxDecodedBytes: config.audio.maxDecodedBytes };
  }

  resolve(name: string, task: TranscriptTask): ResolvedModel {
    return this.models.resolve(name, task === 'translate' ? 'audio/translations' : 'audio/transcriptions');
  }

  /**
   * Decodes the upload once: proves it is audio, measures it (metering), keeps it for a WAV if needed.
   * The format is sniffed from the bytes, except for headerless audio, which only its file name can name:
   * `.pcm`/`.raw` (24 kHz s16le, OpenAI's `pcm16`), `.ulaw`/`.mulaw`, `.alaw` (8 kHz G.711).
   */
  async check(bytes: Uint8Array, filename: string): Promise<CheckedAudio> {
    try {
      const { format } = resolveInputFormat(headerlessFormatOf(filename) ?? 'auto', bytes);
      const pcm = await decodeAudio(bytes, format, this.limits);
      return { bytes, format, seconds: pcmDurationSeconds(pcm), wav: () => encodeWav(pcm) };
    } catch (error) {
      if (!isAudioError(error) || error.code === 'invalid_argument') throw error;
      throw Errors.invalidRequest(
        `Invalid audio in 'file': ${error.message}.`,
        'file',
        error.code === 'too_long' || error.code === 'too_large' ? 'audio_too_long' : 'invalid_value',
      );
    }
  }

  async start(
    model: ResolvedModel,
    form: TranscriptionForm,
    audio: CheckedAudio,
    requestId: string,
    signal: AbortSignal,
  ): Promise<{ outcome: TranscriptionOutcome; route: ProviderRoute }> {
    const endpoint = form.task === 'translate' ? 'POST /v1/audio/translations' : 'POST /v1/audio/transcriptions';
    const routed = await this.router.call(model.routes, (adapter, route) => {
      const backend = adapter.speech;
      if (!backend) throw Errors.audioRouteUnsupported(route.provider, endpoint);
      const native = backend.capabilities.transcriptionFormats.includes(audio.format);
      return backend.transcribe(
        {
          task: form.task,
          model: route.upstreamModel,
          audio: native ? { bytes: audio.bytes, format: audio.format } : { bytes: audio.wav(), format: 'wav' },
          responseFormat: form.responseFormat,
          ...(form.language !== undefined ? { language: form.language } : {}),
          ...(form.prompt !== undefined ? { prompt: form.prompt } : {}),
          ...(form.temperature !== undefined ? { temperature: form.temperature } : {}),
          ...(form.timestampGranularities ? { timestampGranularities: form.timestampGranularities } : {}),
          ...(form.include ? { include: form.include } : {}),
          ...(form.chunkingStrategy ? { chunkingStrategy: form.chunkingStrategy } : {}),
          stream: form.stream,
        },
        { requestId, signal },
      );
    });
    return { outcome: routed.value, route: routed.route };
  }
}

const HEADERLESS: Readonly<Record<string, DeclaredInputAudioFormat>> = {
  pcm: 'pcm16',
  raw: 'pcm16',
  ulaw: 'g711_ulaw',
  mulaw: 'g711_ulaw',
  alaw: 'g711_alaw',
};

function headerlessFormatOf(filename: string): DeclaredInputAudioFormat | null {
  const extension = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  return extension ? (HEADERLESS[extension] ?? null) : null;
}
