import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SPEECH_CLIPS_DIR } from '../fixtures/fixture-paths';
import { wavFromPcm16 } from './wav.format';

/**
 * Real speech for tests: LJ Speech LJ001-0008 (public domain), resampled from 22 050 Hz to 24 kHz mono
 * s16le with `ffmpeg -i LJ001-0008.wav -ar 24000 -ac 1 -f s16le speech-24k.pcm16`. About 1.78 s.
 */
export const SPEECH_FIXTURE_PATH = path.join(SPEECH_CLIPS_DIR, 'speech-24k.pcm16');

/** What the fixture says. */
export const SPEECH_TRANSCRIPT = 'has never been surpassed.';

/** Sample rate of OpenAI's `pcm16` and of the fixture. */
export const PCM16_SAMPLE_RATE = 24_000;

/** Bytes per second of 24 kHz mono s16le. */
export const PCM16_BYTES_PER_SECOND = PCM16_SAMPLE_RATE * 2;

let speech: Buffer | undefined;

/** The fixture as raw 24 kHz mono s16le samples (a fresh copy; callers may mutate it). */
export function speechPcm16(): Buffer {
  speech ??= readFileSync(SPEECH_FIXTURE_PATH);
  return Buffer.from(speech);
}

/** The fixture as a complete 24 kHz mono 16-bit WAV file. */
export function speechWav(): Buffer {
  return wavFromPcm16(speechPcm16(), PCM16_SAMPLE_RATE);
}
