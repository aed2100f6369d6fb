// Test-only helpers for libs/local-voice specs (this folder is excluded from the build).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseWav, readSpeechClip, SPEECH_CLIPS_DIR, type SpeechClip } from '@voxgate/testing';
import path from 'node:path';

/** Debian 12 sonames and model the engines need (`.ci/run` and the Dockerfile install their packages). */
const NEEDED = [
  'libflite.so.1',
  'libflite_cmu_us_slt.so.1',
  'libespeak-ng.so.1',
  'libpocketsphinx.so.3',
  'libsphinxbase.so.3',
] as const;
const MODEL = '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin';

let missing: string[] | undefined;

/** Libraries or model files of the local engines that this host lacks. */
export function missingEngines(): string[] {
  if (missing === undefined) {
    const cache = spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '';
    missing = NEEDED.filter((soname) => !cache.includes(soname));
    if (!existsSync(MODEL)) missing.push(MODEL);
  }
  return missing;
}

/**
 * `describe` when the engines are installed. Outside CI a missing engine skips the block with the reason in
 * its name; under `CI=true` the block runs anyway, so its tests fail (engine_unavailable) instead of skipping.
 */
export function describeWithEngines(name: string, body: () => void): void {
  const lacking = missingEngines();
  if (lacking.length === 0 || process.env.CI === 'true') describe(name, body);
  else describe.skip(`${name} (skipped: local engines missing: ${lacking.join(', ')}; see docs/local-voice.md)`, body);
}

/** A vendored speech clip's samples (mono PCM16) and rate, read from its RIFF chunks. */
export function speechClipPcm(clip: SpeechClip): { samples: Int16Array; sampleRate: number } {
  const bytes = readSpeechClip(clip);
  const wav = parseWav(bytes);
  if (wav === undefined || wav.channels !== 1 || wav.bitsPerSample !== 16)
    throw new Error(`${clip} is not mono s16 WAV`);
  const copy = bytes.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes - (wav.dataBytes % 2));
  return { samples: new Int16Array(new Uint8Array(copy).buffer), sampleRate: wav.sampleRate };
}

/** Transcripts of the vendored clips, from the folder's `manifest.tsv`. */
export function speechTranscripts(): Map<string, string> {
  const [, ...rows] = readFileSync(path.join(SPEECH_CLIPS_DIR, 'manifest.tsv'), 'utf8').trimEnd().split('\n');
  return new Map(rows.map((row) => row.split('\t')).map(([file, transcript]) => [file ?? '', transcript ?? '']));
}

/** RMS level of samples in dBFS (−120 for silence). */
export function levelDbfs(samples: Int16Array): number {
  let energy = 0;
  for (const sample of samples) energy += (sample / 32768) ** 2;
  return Math.max(-120, 10 * Math.log10(energy / Math.max(1, samples.length) + 1e-12));
}
