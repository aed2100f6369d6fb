import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Decodes audio with ffmpeg, an independent decoder, to mono 24 kHz s16le; throws if ffmpeg cannot read it.
 * `inputArgs` name the input format for headerless data (e.g. `['-f', 'mulaw', '-ar', '8000']`).
 */
export function ffmpegSeconds(bytes: Buffer, extension: string, inputArgs: string[] = []): number {
  const directory = mkdtempSync(path.join(tmpdir(), 'voxgate-e2e-audio-'));
  try {
    const file = path.join(directory, `audio.${extension}`);
    writeFileSync(file, bytes);
    const pcm = execFileSync(
      'ffmpeg',
      ['-v', 'error', ...inputArgs, '-i', file, '-f', 's16le', '-ac', '1', '-ar', '24000', '-'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return pcm.length / 48_000;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** ffmpeg input options and file extension for each gateway output format. */
export const OUTPUT_DECODING: Record<string, { extension: string; inputArgs: string[] }> = {
  wav: { extension: 'wav', inputArgs: [] },
  mp3: { extension: 'mp3', inputArgs: [] },
  flac: { extension: 'flac', inputArgs: [] },
  opus: { extension: 'opus', inputArgs: [] },
  aac: { extension: 'aac', inputArgs: [] },
  pcm16: { extension: 'raw', inputArgs: ['-f', 's16le', '-ar', '24000', '-ac', '1'] },
  g711_ulaw: { extension: 'raw', inputArgs: ['-f', 'mulaw', '-ar', '8000', '-ac', '1'] },
  g711_alaw: { extension: 'raw', inputArgs: ['-f', 'alaw', '-ar', '8000', '-ac', '1'] },
};
