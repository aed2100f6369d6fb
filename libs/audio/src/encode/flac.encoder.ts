import type { OutputAudioFormat } from '../audio-formats';
import { AudioError } from '../audio-error';
import { concatBytes, EMPTY_BYTES } from '../internal/bytes';
import { loadFlac, type FlacModule } from '../wasm/codec-modules';
import type { AudioEncoder } from './audio-encoder';

const COMPRESSION_LEVEL = 5;

const cleanup = new FinalizationRegistry<() => void>((release) => release());

/**
 * Native FLAC, 16-bit mono (libFLAC 1.3 via libflac.js, WASM). Frames of 4096 samples come out as they fill.
 * The stream is written front to back, so STREAMINFO cannot be patched afterwards: total_samples and the MD5
 * stay 0 ("unknown"), which decoders accept (ffprobe reports no duration; `flac -t` verifies the frames).
 */
export class FlacEncoder implements AudioEncoder {
  readonly format: OutputAudioFormat = 'flac';
  readonly mimeType = 'audio/flac';
  private readonly output: Uint8Array[] = [];
  private ended = false;

  private constructor(
    readonly inputSampleRate: number,
    private readonly flac: FlacModule,
    private readonly handle: number,
  ) {}

  /** Creates an encoder for mono PCM at `sampleRate` (1–655 350 Hz). */
  static async create(sampleRate: number): Promise<FlacEncoder> {
    if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 655_350) {
      throw new AudioError('invalid_argument', `FLAC cannot encode ${sampleRate} Hz`);
    }
    const flac = await loadFlac();
    const handle = flac.create_libflac_encoder(sampleRate, 1, 16, COMPRESSION_LEVEL, 0, false, 0);
    if (handle === 0) throw new Error('libFLAC could not create an encoder');
    const encoder = new FlacEncoder(sampleRate, flac, handle);
    const status = flac.init_encoder_stream(handle, (data) => {
      encoder.output.push(data);
    });
    if (status !== 0) {
      flac.FLAC__stream_encoder_delete(handle);
      throw new Error(`libFLAC encoder init failed (status ${status})`);
    }
    cleanup.register(encoder, () => flac.FLAC__stream_encoder_delete(handle), encoder);
    return encoder;
  }

  push(pcm: Int16Array): Uint8Array {
    if (this.ended) throw new AudioError('invalid_argument', 'push after end');
    if (pcm.length > 0) {
      const ok = this.flac.FLAC__stream_encoder_process_interleaved(this.handle, Int32Array.from(pcm), pcm.length);
      if (!ok) throw new Error('libFLAC failed to encode');
    }
    return this.drain();
  }

  end(): Promise<Uint8Array> {
    if (this.ended) return Promise.resolve(EMPTY_BYTES);
    this.ended = true;
    this.flac.FLAC__stream_encoder_finish(this.handle);
    cleanup.unregister(this);
    this.flac.FLAC__stream_encoder_delete(this.handle);
    return Promise.resolve(this.drain());
  }

  abort(): void {
    if (this.ended) return;
    this.ended = true;
    cleanup.unregister(this);
    this.flac.FLAC__stream_encoder_delete(this.handle);
    this.output.length = 0;
  }

  private drain(): Uint8Array {
    if (this.output.length === 0) return EMPTY_BYTES;
    const bytes = concatBytes(this.output);
    this.output.length = 0;
    return bytes;
  }
}
