/** pcm16 as OpenAI streams it: 24 kHz, mono, 16-bit. */
export const PCM16_BYTES_PER_SECOND = 48_000;

/**
 * Duration of encoded audio from its size, where the format makes that exact or close: pcm16 (exact),
 * WAV (byte rate from the header in `head` when given, else 24 kHz mono s16), MP3 (assumes 128 kbit/s).
 * Returns null where size says nothing (the audio engine measures those by decoding).
 */
export function audioDurationMs(format: string, bytes: number, head?: Uint8Array): number | null {
  switch (format) {
    case 'pcm16':
      return (bytes / PCM16_BYTES_PER_SECOND) * 1000;
    case 'wav': {
      const byteRate = head ? wavByteRate(head) : null;
      return (Math.max(0, bytes - 44) / (byteRate ?? PCM16_BYTES_PER_SECOND)) * 1000;
    }
    case 'mp3':
      return (bytes / 16_000) * 1000;
    default:
      return null;
  }
}

/** `byteRate` of a canonical RIFF/WAVE `fmt ` chunk at the start of the file, or null. */
function wavByteRate(head: Uint8Array): number | null {
  if (head.length < 32) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const tag = (offset: number) => String.fromCharCode(...head.subarray(offset, offset + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE' || tag(12) !== 'fmt ') return null;
  const byteRate = view.getUint32(28, true);
  return byteRate > 0 ? byteRate : null;
}
