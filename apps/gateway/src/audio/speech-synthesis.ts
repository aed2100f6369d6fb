import { Injectable } from '@nestjs/common';
import { createOutputPipeline, type OutputAudioFormat } from '@voxgate/audio';
import { ModelCatalog, type ResolvedModel } from '@voxgate/conversation';
import {
  type CreateSpeechRequest,
  Errors,
  type OpenAISpeechFormat,
  type SpeechFormat,
  type SpeechUsage,
} from '@voxgate/openai-wire';
import { speechSeconds } from './speech-duration';
import { type ProviderRoute, ProviderRouter, type SpeechAudio, type SpeechBackend } from '@voxgate/providers';

/** `Content-Type` of each delivered format (OpenAI's own for its six; RFC 3551 names for G.711). */
export const SPEECH_MIME_TYPES: Readonly<Record<SpeechFormat, string>> = {
  mp3: 'audio/mpeg',
  opus: 'audio/opus',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
  g711_ulaw: 'audio/PCMU',
  g711_alaw: 'audio/PCMA',
};

/** What the synthesis learned by the end, for metering and logs. */
export interface SynthesisSummary {
  usage: SpeechUsage | null;
  /** Seconds of audio delivered, where known (encoded by the gateway, or measured once passed through). */
  outputSeconds: number | null;
  /** Bytes delivered to the client. */
  bytes: number;
  /**
   * Measures passed-through audio (decoding it) once the response is written; null when nothing needs
   * measuring or it cannot be measured.
   */
  measure: () => Promise<number | null>;
}

/** A started synthesis, ready to be written: the client's format, whatever the provider produced. */
export interface Synthesis {
  readonly model: ResolvedModel;
  readonly route: ProviderRoute;
  readonly upstreamRequestId: string | null;
  readonly format: SpeechFormat;
  readonly mimeType: string;
  /** Whether the gateway converts (format or speed) rather than passing the provider's bytes through. */
  readonly converted: boolean;
  /** The file's bytes in order; throws `UpstreamStreamError` if the provider fails mid-way. */
  readonly chunks: AsyncIterable<Uint8Array>;
  readonly summary: SynthesisSummary;
}

/** OpenAI's `tts-1` models refuse `stream_format: sse`, the only way their usage is reported. */
const NO_SSE_MODELS = /^tts-1(-hd)?(-\d|$)/;

/**
 * `POST /v1/audio/speech` without HTTP: resolves the model for the speech route, calls its provider's
 * `SpeechBackend` over the model's routes (breakers, fallbacks), and turns what the provider produced into
 * what the client asked for. The provider's bytes pass through untouched when it produces the asked
 * format at the asked speed; otherwise it is asked for `pcm` (24 kHz s16le) and the gateway time-stretches
 * (`speed`, pitch kept) and encodes (any format, G.711 included) chunk by chunk, as chat completions do.
 */
@Injectable()
export class SpeechSynthesis {
  constructor(
    private readonly models: ModelCatalog,
    private readonly router: ProviderRouter,
  ) {}

  /** The model for the speech route, or the 404/400 a client must see. */
  resolve(name: string): ResolvedModel {
    return this.models.resolve(name, 'audio/speech');
  }

  async start(request: CreateSpeechRequest, requestId: string, signal: AbortSignal): Promise<Synthesis> {
    const model = this.resolve(request.model);
    const format = request.response_format ?? 'mp3';
    const speed = request.speed ?? 1;
    const routed = await this.router.call(model.routes, async (adapter, route) => {
      const backend = backendOf(adapter.speech, route.provider);
      const plan = planOutput(backend, format, speed);
      const audio = await backend.synthesize(
        {
          model: route.upstreamModel,
          input: request.input,
          voice: request.voice,
          ...(request.instructions !== undefined ? { instructions: request.instructions } : {}),
          format: plan.upstreamFormat,
          ...(plan.upstreamSpeed !== undefined ? { speed: plan.upstreamSpeed } : {}),
          withUsage: !NO_SSE_MODELS.test(route.upstreamModel),
        },
        { requestId, signal },
      );
      return { audio, plan };
    });
    const { audio, plan } = routed.value;
    const summary: SynthesisSummary = {
      usage: null,
      outputSeconds: null,
      bytes: 0,
      measure: () => Promise.resolve(null),
    };
    const chunks =
      plan.convertTo === null
        ? passThrough(audio, format, summary)
        : convert(audio, plan.convertTo, plan.stretch, summary);
    return {
      model,
      route: routed.route,
      upstreamRequestId: audio.upstreamRequestId,
      format,
      mimeType: SPEECH_MIME_TYPES[format],
      converted: plan.convertTo !== null,
      chunks,
      summary,
    };
  }
}

interface OutputPlan {
  readonly upstreamFormat: OpenAISpeechFormat;
  readonly upstreamSpeed: number | undefined;
  /** The format the gateway encodes, or null to pass the provider's bytes through. */
  readonly convertTo: OutputAudioFormat | null;
  /** The speed the gateway applies (1: none). */
  readonly stretch: number;
}

/** Pass through what the provider can make; otherwise ask for pcm and convert. */
export function planOutput(backend: SpeechBackend, format: SpeechFormat, speed: number): OutputPlan {
  const { speechFormats, speechSpeed } = backend.capabilities;
  const speedUpstream = speed === 1 ? undefined : speechSpeed ? speed : undefined;
  const stretch = speed !== 1 && !speechSpeed ? speed : 1;
  if ((speechFormats as readonly string[]).includes(format) && stretch === 1) {
    return { upstreamFormat: format as OpenAISpeechFormat, upstreamSpeed: speedUpstream, convertTo: null, stretch };
  }
  if (!speechFormats.includes('pcm')) {
    throw Errors.invalidRequest(
      `The provider of this model cannot produce '${format}'${stretch !== 1 ? ` at speed ${speed}` : ''}.`,
      'response_format',
      'unsupported_value',
    );
  }
  return { upstreamFormat: 'pcm', upstreamSpeed: speedUpstream, convertTo: pipelineFormat(format), stretch };
}

function pipelineFormat(format: SpeechFormat): OutputAudioFormat {
  return format === 'pcm' ? 'pcm16' : format;
}

function backendOf(backend: SpeechBackend | undefined, provider: string): SpeechBackend {
  if (!backend) throw Errors.audioRouteUnsupported(provider, 'POST /v1/audio/speech');
  return backend;
}

async function* passThrough(
  audio: SpeechAudio,
  format: SpeechFormat,
  summary: SynthesisSummary,
): AsyncGenerator<Uint8Array> {
  const kept: Uint8Array[] = [];
  for await (const chunk of audio.chunks) {
    summary.bytes += chunk.length;
    kept.push(chunk);
    yield chunk;
  }
  summary.usage = audio.usage();
  summary.measure = () => speechSeconds(format, Buffer.concat(kept));
}

async function* convert(
  audio: SpeechAudio,
  format: OutputAudioFormat,
  speed: number,
  summary: SynthesisSummary,
): AsyncGenerator<Uint8Array> {
  const pipeline = await createOutputPipeline({ format, speed });
  let ended = false;
  try {
    for await (const chunk of audio.chunks) {
      const out = pipeline.push(chunk);
      if (out.length > 0) {
        summary.bytes += out.length;
        yield out;
      }
    }
    ended = true;
    const tail = await pipeline.end();
    summary.bytes += tail.length;
    summary.outputSeconds = pipeline.outputSeconds;
    summary.usage = audio.usage();
    if (tail.length > 0) yield tail;
  } finally {
    if (!ended) {
      summary.outputSeconds = pipeline.outputSeconds;
      pipeline.abort();
    }
  }
}
