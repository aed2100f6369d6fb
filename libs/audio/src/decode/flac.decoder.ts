import { AudioError, corrupt } from '../audio-error';
import { assertWithinLimits, type AudioLimits } from '../audio-limits';
import type { PcmAudio } from '../pcm-audio';
import { concatSamples } from '../internal/bytes';
import { SliceClock } from '../internal/yield-to-event-loop';
import { parseFlacStreamInfo } from '../sniff/flac-streaminfo.parser';
import { loadFlac } from '../wasm/codec-modules';

const END_OF_STREAM = 4;
const ERRORS = ['lost sync', 'bad frame header', 'frame CRC mismatch', 'unparseable stream'];

/**
 * libflac.js hands each channel of a frame as bytes: s16le for 16-bit streams, s32le (sign-extended) for
 * 24-bit, s16le for 8-bit. This averages channels into mono s16.
 */
function framesToMono(channels: readonly Uint8Array[], blocksize: number, bitsPerSample: number): Int16Array {
  const out = new Int16Array(blocksize);
  const views = channels.map((data) => new DataView(data.buffer, data.byteOffset, data.byteLength));
  const read =
    bitsPerSample === 24
      ? (view: DataView, i: number): number => view.getInt32(i * 4, true) >> 8
      : bitsPerSample === 8
        ? (view: DataView, i: number): number => view.getInt16(i * 2, true) << 8
        : (view: DataView, i: number): number => view.getInt16(i * 2, true);
  for (let i = 0; i < blocksize; i++) {
    let sum = 0;
    for (const view of views) sum += read(view, i);
    out[i] = views.length === 1 ? sum : Math.round(sum / views.length);
  }
  return out;
}

/**
 * Decodes native FLAC with libFLAC (WASM) to mono s16 at the stream's rate. STREAMINFO's sample count (when
 * stated) is checked against `limits` before decoding; decoding proceeds one frame at a time with the decoded
 * total checked as it grows; a stream shorter than STREAMINFO says is truncated (`corrupt_audio`).
 */
export async function decodeFlac(bytes: Uint8Array, limits: AudioLimits): Promise<PcmAudio> {
  const info = parseFlacStreamInfo(bytes);
  if (![8, 16, 24].includes(info.bitsPerSample)) {
    throw new AudioError('unsupported_codec', `${info.bitsPerSample}-bit FLAC is not supported`);
  }
  if (info.totalSamples > 0) assertWithinLimits(info.totalSamples, info.sampleRate, limits, true);
  const flac = await loadFlac();
  const decoder = flac.create_libflac_decoder(false);
  if (decoder === 0) throw new Error('libFLAC could not create a decoder');
  const chunks: Int16Array[] = [];
  let total = 0;
  let failure: string | undefined;
  let read = 0;
  try {
    const status = flac.init_decoder_stream(
      decoder,
      (wanted) => {
        const end = Math.min(bytes.length, read + wanted);
        const buffer = bytes.subarray(read, end);
        read = end;
        return { buffer: buffer as Uint8Array<ArrayBuffer>, readDataLength: buffer.length, error: false };
      },
      (channels, frame) => {
        chunks.push(framesToMono(channels, frame.blocksize, frame.bitsPerSample));
        total += frame.blocksize;
      },
      (code) => {
        failure ??= ERRORS[code] ?? `error ${code}`;
      },
    );
    if (status !== 0) throw corrupt(`FLAC stream could not be opened (status ${status})`);
    const clock = new SliceClock();
    for (;;) {
      const ok = flac.FLAC__stream_decoder_process_single(decoder);
      assertWithinLimits(total, info.sampleRate, limits);
      if (failure !== undefined) throw corrupt(`FLAC decoding failed: ${failure}`);
      const state = flac.FLAC__stream_decoder_get_state(decoder);
      if (state === END_OF_STREAM) break;
      if (!ok || state > END_OF_STREAM) throw corrupt(`FLAC decoding failed (decoder state ${state})`);
      await clock.maybeYield();
    }
    flac.FLAC__stream_decoder_finish(decoder);
  } finally {
    flac.FLAC__stream_decoder_delete(decoder);
  }
  if (info.totalSamples > 0 && total !== info.totalSamples) {
    throw corrupt(`FLAC stream holds ${total} of the ${info.totalSamples} samples it declares (truncated file)`);
  }
  if (total === 0) throw new AudioError('empty_audio', 'the FLAC stream holds no audio');
  return { sampleRate: info.sampleRate, samples: concatSamples(chunks) };
}
