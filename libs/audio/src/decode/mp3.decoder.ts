import { corrupt } from '../audio-error';
import { assertWithinLimits, type AudioLimits } from '../audio-limits';
import type { PcmAudio } from '../pcm-audio';
import { concatSamples } from '../internal/bytes';
import { downmixFloatPlanes } from '../internal/pcm-convert';
import { SliceClock } from '../internal/yield-to-event-loop';
import { findFirstMp3Frame, parseMp3FrameHeader, type Mp3FrameHeader } from '../sniff/mp3-frame.parser';
import { loadMpg123 } from '../wasm/codec-modules';

/** What a walk over the frame headers found, without decoding. */
interface Mp3Scan {
  readonly start: number;
  readonly sampleRate: number;
  readonly samples: number;
}

/**
 * Walks the Layer III frames by their headers. A last frame whose header is valid but whose body runs past the
 * end is truncation (`corrupt_audio`); anything else after the frames (ID3v1/APE tags, junk) ends the walk.
 */
function scanMp3(bytes: Uint8Array): Mp3Scan {
  const start = findFirstMp3Frame(bytes);
  if (start === undefined) throw corrupt('no MPEG Layer III frame found');
  const first = parseMp3FrameHeader(bytes, start);
  if (first === undefined) throw corrupt('no MPEG Layer III frame found');
  let samples = 0;
  let offset = start;
  for (
    let header: Mp3FrameHeader | undefined = first;
    header !== undefined;
    header = parseMp3FrameHeader(bytes, offset)
  ) {
    if (header.sampleRate !== first.sampleRate) break;
    if (offset + header.frameLength > bytes.length) throw corrupt('the last MP3 frame is cut off (truncated file)');
    samples += header.samplesPerFrame;
    offset += header.frameLength;
  }
  return { start, sampleRate: first.sampleRate, samples };
}

/**
 * Seconds of an MPEG Layer III file from its frame headers alone, without decoding: what metering needs of a
 * file the gateway only passes through. Counts every frame, so a LAME/Xing info frame adds one frame's
 * duration (24–26 ms) over what a decoder outputs. Throws `corrupt_audio` as `decodeAudio` would (no frame,
 * a cut-off last frame).
 */
export function mp3DurationSeconds(bytes: Uint8Array): number {
  const scan = scanMp3(bytes);
  return scan.samples / scan.sampleRate;
}

const SLICE_BYTES = 16 * 1024;

/**
 * Decodes MPEG Layer III with mpg123 (WASM) to mono s16 at the stream's rate. The frame count (hence the
 * duration) is checked against `limits` before decoding and the decoded total after every slice.
 */
export async function decodeMp3(bytes: Uint8Array, limits: AudioLimits): Promise<PcmAudio> {
  const scan = scanMp3(bytes);
  assertWithinLimits(scan.samples, scan.sampleRate, limits, true);
  const { MPEGDecoder } = await loadMpg123();
  const decoder = new MPEGDecoder();
  await decoder.ready;
  const chunks: Int16Array[] = [];
  let total = 0;
  let sampleRate = scan.sampleRate;
  const clock = new SliceClock();
  try {
    for (let offset = scan.start; offset < bytes.length; offset += SLICE_BYTES) {
      const result = decoder.decode(bytes.subarray(offset, offset + SLICE_BYTES));
      if (result.samplesDecoded > 0) {
        sampleRate = result.sampleRate;
        chunks.push(downmixFloatPlanes(result.channelData, result.samplesDecoded));
        total += result.samplesDecoded;
        assertWithinLimits(total, sampleRate, limits);
      }
      await clock.maybeYield();
    }
  } finally {
    decoder.free();
  }
  if (total === 0) throw corrupt('the MP3 frames decode to no audio');
  return { sampleRate, samples: concatSamples(chunks) };
}
