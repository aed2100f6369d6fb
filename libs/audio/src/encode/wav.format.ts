/** Size fields of a WAV whose length is not known when the header is sent (streamed WAV). */
export const WAV_UNKNOWN_SIZE = 0xffffffff;

/**
 * The canonical 44-byte RIFF/WAVE header for mono s16le at `sampleRate`. With `dataBytes` undefined both size
 * fields are 0xFFFFFFFF (the streamed-WAV convention ffmpeg, sox and browsers accept); otherwise they are exact.
 */
export function wavHeader(sampleRate: number, dataBytes?: number): Uint8Array {
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i++) header[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, dataBytes === undefined ? WAV_UNKNOWN_SIZE : 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes === undefined ? WAV_UNKNOWN_SIZE : dataBytes, true);
  return header;
}
