import { decodeAudio } from '@voxgate/audio';
import { type LocalVoice, LocalVoiceError, type PcmChunk, type Transcription } from '@voxgate/local-voice';
import type { TranscriptStreamEvent } from '@voxgate/openai-wire';
import { whatwgSignal } from '../call-abort';
import type { ProviderCallContext } from '../provider-adapter';
import type {
  SpeechAudio,
  SpeechBackend,
  SpeechCall,
  SpeechCapabilities,
  TranscriptionCall,
  TranscriptionOutcome,
} from '../speech-backend';
import { UpstreamStreamError } from '../upstream-stream-error';
import { gatewayErrorOf, transcriptBody, transcriptText } from './local.api';

/** What of `LocalVoice` the backend uses (tests hand in a stand-in that fails on purpose). */
export type LocalEngines = Pick<LocalVoice, 'synthesize' | 'transcribe'>;

/** OpenAI's `pcm`: 24 kHz mono s16le. */
const PCM_RATE = 24_000;

/**
 * The speech routes on the offline engines (`type: local`):
 *
 * - `synthesize` produces `pcm` only (24 kHz s16le, resampled by the engine library); the gateway encodes
 *   every other format, WAV included, chunk by chunk. Text is spoken sentence by sentence and each sentence
 *   is delivered as soon as it is ready, so the first bytes leave after the first sentence. `speed` is left
 *   to the gateway (`speechSpeed: false`): it time-stretches the speed-1 audio, pitch kept, to the exact
 *   asked duration. The engines' own rate controls are not exact (measured on this gateway's test sentence:
 *   flite's duration stretch 1.04 % off at 2×, espeak-ng 7.4 % off at 4×, past its 80–450 wpm range).
 *   `instructions` is ignored (the engines have no style control). Usage is null: the gateway meters
 *   characters in and audio seconds out itself.
 * - `transcribe` takes WAV (the gateway converts every other input format), English only, and answers each
 *   `response_format` exactly as OpenAI shapes it; `stream` yields one `transcript.text.delta` per decoded
 *   segment, then `transcript.text.done` (without usage: the spec knows only token usage there). Translations are transcriptions of English
 *   audio (the engine knows no other language).
 *
 * Engine failures before the first byte are `GatewayError`s (`gatewayErrorOf`); later ones end the stream
 * with `UpstreamStreamError`.
 */
export class LocalSpeech implements SpeechBackend {
  readonly capabilities: SpeechCapabilities = {
    speechFormats: ['pcm'],
    speechSpeed: false,
    transcriptionFormats: ['wav'],
  };

  constructor(
    private readonly provider: string,
    private readonly engines: LocalEngines,
  ) {}

  async synthesize(request: SpeechCall, context: ProviderCallContext): Promise<SpeechAudio> {
    const sentences = this.engines.synthesize({
      text: request.input,
      voice: typeof request.voice === 'string' ? request.voice : request.voice.id,
      sampleRate: PCM_RATE,
      signal: whatwgSignal(context.signal),
    });
    const iterator = sentences[Symbol.asyncIterator]();
    // The first sentence is awaited here so an unknown voice or a missing engine is a clean 4xx/5xx.
    let first: IteratorResult<PcmChunk>;
    try {
      first = await iterator.next();
    } catch (error) {
      throw gatewayErrorOf(this.provider, LocalVoiceError.from(error), 'input');
    }
    const provider = this.provider;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      try {
        for (let next = first; !next.done; next = await iterator.next()) {
          if (next.value.samples.length > 0) yield pcmBytes(next.value.samples);
        }
      } catch (error) {
        throw new UpstreamStreamError(gatewayErrorOf(provider, LocalVoiceError.from(error), 'input').toOpenAIError());
      } finally {
        await iterator.return?.();
      }
    }
    return { chunks: chunks(), usage: () => null, upstreamRequestId: null };
  }

  async transcribe(request: TranscriptionCall, context: ProviderCallContext): Promise<TranscriptionOutcome> {
    // Refused before any work, so a streamed request gets a clean 400 rather than an in-band error.
    if (request.language !== undefined && !/^en(-|$)/i.test(request.language)) {
      throw gatewayErrorOf(
        this.provider,
        new LocalVoiceError('unsupported_language', `no model for '${request.language}' (English only)`),
        'file',
      );
    }
    const pcm = await decodeAudio(request.audio.bytes, 'wav');
    const call = (onSegment?: (text: string) => void) =>
      this.engines.transcribe({
        pcm16: pcm.samples,
        sampleRate: pcm.sampleRate,
        ...(request.language !== undefined ? { language: request.language } : {}),
        signal: whatwgSignal(context.signal),
        ...(onSegment ? { onSegment: (segment) => onSegment(segment.text) } : {}),
      });
    const fail = (error: unknown) => gatewayErrorOf(this.provider, LocalVoiceError.from(error), 'file');
    if (request.stream && request.task === 'transcribe') {
      return { kind: 'events', events: this.events(call), upstreamRequestId: null };
    }
    let result: Transcription;
    try {
      result = await call();
    } catch (error) {
      throw fail(error);
    }
    const shape = {
      task: request.task,
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.timestampGranularities ? { timestampGranularities: request.timestampGranularities } : {}),
    };
    const format = request.responseFormat;
    if (format === 'json' || format === 'verbose_json')
      return { kind: 'json', body: transcriptBody(result, format, shape), upstreamRequestId: null };
    return { kind: 'text', text: transcriptText(result, format), upstreamRequestId: null };
  }

  /** `transcript.text.delta` per segment as the engine decodes it, then `transcript.text.done`. */
  private async *events(
    call: (onSegment: (text: string) => void) => ReturnType<LocalEngines['transcribe']>,
  ): AsyncGenerator<TranscriptStreamEvent> {
    const pending: string[] = [];
    let wake: (() => void) | null = null;
    let settled: { result: Transcription } | { error: unknown } | null = null;
    let count = 0;
    void call((text) => {
      if (text.length === 0) return;
      pending.push(count++ === 0 ? text : ` ${text}`);
      wake?.();
    }).then(
      (result) => {
        settled = { result };
        wake?.();
      },
      (error: unknown) => {
        settled = { error };
        wake?.();
      },
    );
    for (;;) {
      while (pending.length > 0) yield { type: 'transcript.text.delta', delta: pending.shift()! };
      const outcome = settled as { result: Transcription } | { error: unknown } | null;
      if (outcome) {
        if ('error' in outcome) {
          throw new UpstreamStreamError(
            gatewayErrorOf(this.provider, LocalVoiceError.from(outcome.error), 'file').toOpenAIError(),
          );
        }
        const { result } = outcome;
        // No usage: the spec defines only token usage for this event and the engine has no tokens; the
        // gateway meters the audio seconds it measured.
        yield { type: 'transcript.text.done', text: result.text };
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  }
}

/** Samples as s16le bytes (the engines hand native-endian samples; every supported host is little-endian). */
function pcmBytes(samples: Int16Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}
