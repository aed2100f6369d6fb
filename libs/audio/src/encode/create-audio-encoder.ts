import { AudioError } from '../audio-error';
import { G711_SAMPLE_RATE, isOutputAudioFormat, PCM16_SAMPLE_RATE, type OutputAudioFormat } from '../audio-formats';
import { Resampler } from '../dsp/resampler';
import { concatBytes } from '../internal/bytes';
import { AAC_RATES, AacEncoder } from './aac.encoder';
import type { AudioEncoder, AudioEncoderOptions } from './audio-encoder';
import { FlacEncoder } from './flac.encoder';
import { MP3_RATES, Mp3Encoder } from './mp3.encoder';
import { OggOpusEncoder, OPUS_RATES } from './ogg-opus.encoder';
import { G711Encoder, Pcm16Encoder, WavEncoder } from './raw.encoders';

/** The rate each format encodes at, given the rate of the PCM pushed. */
function encodingRate(format: OutputAudioFormat, inputRate: number): number {
  switch (format) {
    case 'pcm16':
      return PCM16_SAMPLE_RATE;
    case 'g711_ulaw':
    case 'g711_alaw':
      return G711_SAMPLE_RATE;
    case 'opus':
      return OPUS_RATES.includes(inputRate) ? inputRate : 48_000;
    case 'mp3':
      return MP3_RATES.includes(inputRate) ? inputRate : PCM16_SAMPLE_RATE;
    case 'aac':
      return AAC_RATES.includes(inputRate) ? inputRate : PCM16_SAMPLE_RATE;
    case 'wav':
    case 'flac':
      return inputRate;
  }
}

async function createCore(format: OutputAudioFormat, rate: number): Promise<AudioEncoder> {
  switch (format) {
    case 'pcm16':
      return new Pcm16Encoder(rate);
    case 'wav':
      return new WavEncoder(rate);
    case 'g711_ulaw':
    case 'g711_alaw':
      return new G711Encoder(rate, format);
    case 'opus':
      return OggOpusEncoder.create(rate);
    case 'mp3':
      return Mp3Encoder.create(rate);
    case 'flac':
      return FlacEncoder.create(rate);
    case 'aac':
      return AacEncoder.create(rate);
  }
}

/** An encoder behind a resampler, for formats whose rate differs from the pushed PCM's. */
class ResamplingEncoder implements AudioEncoder {
  readonly format: OutputAudioFormat;
  readonly mimeType: string;
  private aborted = false;

  constructor(
    readonly inputSampleRate: number,
    private readonly resampler: Resampler,
    private readonly inner: AudioEncoder,
  ) {
    this.format = inner.format;
    this.mimeType = inner.mimeType;
  }

  push(pcm: Int16Array): Uint8Array {
    if (this.aborted) throw new AudioError('invalid_argument', 'push after end');
    return this.inner.push(this.resampler.process(pcm));
  }

  async end(): Promise<Uint8Array> {
    if (this.aborted) return this.inner.end();
    const tail = this.inner.push(this.resampler.flush());
    return concatBytes([tail, await this.inner.end()]);
  }

  abort(): void {
    this.aborted = true;
    this.resampler.flush();
    this.inner.abort();
  }
}

/**
 * Creates a streaming encoder of `format` for mono s16 PCM at `options.sampleRate` (the gateway uses 24 000).
 * See `GATEWAY_OUTPUT_AUDIO_FORMATS` for what each format produces and `AudioEncoder` for the contract.
 * Codec packages load lazily on first use; later encoders of the same format start in well under a
 * millisecond (AAC: a worker thread, ~100 ms).
 */
export async function createAudioEncoder(
  format: OutputAudioFormat,
  options: AudioEncoderOptions,
): Promise<AudioEncoder> {
  if (!isOutputAudioFormat(format))
    throw new AudioError('invalid_argument', `unknown output audio format ${String(format)}`);
  const inputRate = options.sampleRate;
  if (!Number.isInteger(inputRate) || inputRate < 1000 || inputRate > 192_000) {
    throw new AudioError('invalid_argument', `cannot encode PCM at ${inputRate} Hz`);
  }
  const rate = encodingRate(format, inputRate);
  const core = await createCore(format, rate);
  if (rate === inputRate) return core;
  return new ResamplingEncoder(inputRate, await Resampler.create(inputRate, rate), core);
}
