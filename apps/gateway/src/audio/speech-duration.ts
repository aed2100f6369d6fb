import { decodeAudio, type DeclaredInputAudioFormat, mp3DurationSeconds, pcmDurationSeconds } from '@voxgate/audio';
import type { SpeechFormat } from '@voxgate/openai-wire';

/** How each passed-through format is read back to measure it (mp3 and aac: counted from their frame headers). */
const DECODED_AS: Partial<Record<SpeechFormat, DeclaredInputAudioFormat>> = {
  flac: 'flac',
  opus: 'opus',
  wav: 'wav',
  pcm: 'pcm16',
};

/**
 * Seconds of a speech file the provider produced and the gateway passed through, for metering
 * (`audio_out_ms`) and the audio-seconds quota. Decoded in slices off the response path (the client already
 * has the bytes); null when the file cannot be measured, which is then metered as 0.
 */
export async function speechSeconds(format: SpeechFormat, file: Buffer): Promise<number | null> {
  if (format === 'aac') return adtsSeconds(file);
  // Headers only: decoding the whole file cost the event loop about 5 ms per short answer (bench:speech-overhead).
  if (format === 'mp3') return file.length === 0 ? null : measured(() => mp3DurationSeconds(file));
  const as = DECODED_AS[format];
  if (!as || file.length === 0) return null;
  try {
    return pcmDurationSeconds(await decodeAudio(file, as));
  } catch {
    return null;
  }
}

function measured(measure: () => number): number | null {
  try {
    return measure();
  } catch {
    return null;
  }
}

const ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** AAC in ADTS: 1024 samples per frame, at the rate its header names. */
function adtsSeconds(file: Buffer): number | null {
  let offset = 0;
  let frames = 0;
  let rate = 0;
  while (offset + 7 <= file.length) {
    if (file[offset] !== 0xff || ((file[offset + 1] ?? 0) & 0xf0) !== 0xf0) return null;
    rate = ADTS_RATES[((file[offset + 2] ?? 0) >> 2) & 0x0f] ?? 0;
    const length =
      (((file[offset + 3] ?? 0) & 0x03) << 11) | ((file[offset + 4] ?? 0) << 3) | ((file[offset + 5] ?? 0) >> 5);
    if (length < 7 || rate === 0) return null;
    frames++;
    offset += length;
  }
  return frames > 0 ? (frames * 1024) / rate : null;
}
