import type { OutputAudioFormat } from '../audio-formats';
import { AudioError } from '../audio-error';
import { concatBytes, EMPTY_BYTES } from '../internal/bytes';
import { loadMediabunnyAac, type MediabunnyModule } from '../wasm/codec-modules';
import type { AudioEncoder } from './audio-encoder';

/** Sampling frequencies AAC defines (ISO 14496-3 §1.6.3.4). */
export const AAC_RATES: readonly number[] = [
  8000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000, 64_000, 88_200, 96_000,
];

/** 64 kbps AAC-LC mono. */
const BITRATE = 64_000;

/**
 * AAC-LC in ADTS frames (the one AAC framing that can be streamed and concatenated; MP4/M4A needs its index
 * at the end or a fragmented layout players handle unevenly). Engine: FFmpeg's native AAC encoder compiled to
 * WASM (@mediabunny/aac-encoder), driven through mediabunny's ADTS muxer.
 *
 * That encoder runs on a worker thread it starts per encoder (≈ 100–150 ms to start, see the ADR), so bytes
 * arrive asynchronously: `push` queues the PCM and returns the frames that came back so far, and `end` waits
 * for the rest.
 */
export class AacEncoder implements AudioEncoder {
  readonly format: OutputAudioFormat = 'aac';
  readonly mimeType = 'audio/aac';
  private readonly output: Uint8Array[] = [];
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;
  private written = 0;
  private timestamp = 0;
  private ended = false;

  private constructor(
    readonly inputSampleRate: number,
    private readonly mediabunny: MediabunnyModule,
    private readonly muxer: InstanceType<MediabunnyModule['Output']>,
    private readonly source: InstanceType<MediabunnyModule['AudioSampleSource']>,
  ) {}

  /** Creates an encoder for mono PCM at `sampleRate` (one of `AAC_RATES`). */
  static async create(sampleRate: number): Promise<AacEncoder> {
    if (!AAC_RATES.includes(sampleRate)) throw new AudioError('invalid_argument', `AAC cannot encode ${sampleRate} Hz`);
    const mediabunny = await loadMediabunnyAac();
    const created: { encoder?: AacEncoder } = {};
    const sink = new WritableStream<{ data: Uint8Array; position: number }>({
      write: (chunk) => created.encoder?.collect(chunk),
    });
    const muxer = new mediabunny.Output({
      format: new mediabunny.AdtsOutputFormat(),
      target: new mediabunny.StreamTarget(sink),
    });
    const source = new mediabunny.AudioSampleSource({ codec: 'aac', bitrate: BITRATE });
    muxer.addAudioTrack(source);
    const encoder = new AacEncoder(sampleRate, mediabunny, muxer, source);
    created.encoder = encoder;
    await muxer.start();
    return encoder;
  }

  push(pcm: Int16Array): Uint8Array {
    if (this.ended) throw new AudioError('invalid_argument', 'push after end');
    this.rethrow();
    if (pcm.length > 0) {
      const sample = new this.mediabunny.AudioSample({
        data: pcm.slice(),
        format: 's16',
        numberOfChannels: 1,
        sampleRate: this.inputSampleRate,
        timestamp: this.timestamp / this.inputSampleRate,
      });
      this.timestamp += pcm.length;
      this.queue = this.queue
        .then(() => this.source.add(sample))
        .catch((error: unknown) => {
          this.failure ??= error;
        })
        .finally(() => sample.close());
    }
    return this.drain();
  }

  async end(): Promise<Uint8Array> {
    if (this.ended) return EMPTY_BYTES;
    // ADTS has no file header: zero frames would be an empty, unplayable file. One silent frame keeps it valid.
    if (this.timestamp === 0) this.push(new Int16Array(1024));
    this.ended = true;
    await this.queue;
    this.rethrow();
    await this.muxer.finalize();
    return this.drain();
  }

  abort(): void {
    if (this.ended) return;
    this.ended = true;
    this.output.length = 0;
    // Cancelling the output closes the encoder, which terminates its worker thread.
    this.queue = this.queue.then(() => this.muxer.cancel()).catch(() => undefined);
  }

  private collect(chunk: { data: Uint8Array; position: number }): void {
    if (chunk.position !== this.written) this.failure ??= new Error('ADTS muxer wrote out of order');
    this.written += chunk.data.length;
    this.output.push(chunk.data.slice());
  }

  private drain(): Uint8Array {
    if (this.output.length === 0) return EMPTY_BYTES;
    const bytes = concatBytes(this.output);
    this.output.length = 0;
    return bytes;
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw new Error('AAC encoding failed', { cause: this.failure });
  }
}
