import type { OutputAudioFormat } from '../audio-formats';
import { AudioError } from '../audio-error';
import { concatBytes, EMPTY_BYTES } from '../internal/bytes';
import { bytesFromInt16 } from '../internal/pcm-convert';
import { encodeG711 } from '../decode/g711.codec';
import type { AudioEncoder } from './audio-encoder';
import { wavHeader } from './wav.format';

abstract class RawEncoder implements AudioEncoder {
  abstract readonly format: OutputAudioFormat;
  abstract readonly mimeType: string;
  private ended = false;

  constructor(readonly inputSampleRate: number) {}

  push(pcm: Int16Array): Uint8Array {
    if (this.ended) throw new AudioError('invalid_argument', 'push after end');
    return this.encode(pcm);
  }

  end(): Promise<Uint8Array> {
    const tail = this.ended ? EMPTY_BYTES : this.encode(new Int16Array(0));
    this.ended = true;
    return Promise.resolve(tail);
  }

  abort(): void {
    this.ended = true;
  }

  protected abstract encode(pcm: Int16Array): Uint8Array;
}

/** Raw s16le: the bytes of the samples. */
export class Pcm16Encoder extends RawEncoder {
  readonly format = 'pcm16';
  readonly mimeType = 'audio/pcm';

  protected encode(pcm: Int16Array): Uint8Array {
    return bytesFromInt16(pcm).slice();
  }
}

/** Streamed WAV: the 44-byte header with 0xFFFFFFFF sizes first (even for an empty stream), then s16le. */
export class WavEncoder extends RawEncoder {
  readonly format = 'wav';
  readonly mimeType = 'audio/wav';
  private headerSent = false;

  protected encode(pcm: Int16Array): Uint8Array {
    const body = bytesFromInt16(pcm).slice();
    if (this.headerSent) return body;
    this.headerSent = true;
    return concatBytes([wavHeader(this.inputSampleRate), body]);
  }
}

/** Raw G.711 (µ-law or A-law) codes, one byte per sample. */
export class G711Encoder extends RawEncoder {
  readonly mimeType: string;

  constructor(
    inputSampleRate: number,
    readonly format: 'g711_ulaw' | 'g711_alaw',
  ) {
    super(inputSampleRate);
    this.mimeType = format === 'g711_ulaw' ? 'audio/PCMU' : 'audio/PCMA';
  }

  protected encode(pcm: Int16Array): Uint8Array {
    return encodeG711(pcm, this.format === 'g711_ulaw' ? 'ulaw' : 'alaw');
  }
}
