// Test-only helpers for libs/audio specs (this folder is excluded from the build). Real CLI encoders and
// decoders (ffmpeg, ffprobe, sox, opusdec, flac, lame) serve as independent references.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Directory of the committed encoder-made fixtures. */
export const FIXTURES = path.resolve(__dirname, '../../fixtures');

/** Bytes of a fixture file. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FIXTURES, name)));
}

const available = new Map<string, boolean>();

/**
 * Whether CLI `tool` is installed. Outside CI a missing tool makes the caller skip its tests; in CI
 * (`CI=true`) it throws, so a test that needs a missing tool fails instead of silently skipping.
 */
export function hasTool(tool: string): boolean {
  let found = available.get(tool);
  if (found === undefined) {
    found = spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
    available.set(tool, found);
  }
  if (!found && process.env.CI === 'true') throw new Error(`CI needs the ${tool} CLI (see .ci/run need_apt)`);
  return found;
}

/** `it` when every tool is present, `it.skip` otherwise (outside CI only: see `hasTool`). */
export function itWithTools(...tools: string[]): jest.It {
  return tools.every(hasTool) ? it : it.skip;
}

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-audio-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `bytes` to a temp file with `extension` and returns what ffprobe says of its first audio stream. */
export function ffprobe(
  bytes: Uint8Array,
  extension: string,
): { codec: string; sampleRate: number; channels: number; duration?: number } {
  return withTempDir((dir) => {
    const file = path.join(dir, `audio.${extension}`);
    writeFileSync(file, bytes);
    const output = execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'a:0',
        '-show_entries',
        'stream=codec_name,sample_rate,channels,duration',
        '-of',
        'json',
        file,
      ],
      { encoding: 'utf8' },
    );
    const stream = (JSON.parse(output) as { streams?: Array<Record<string, string | number>> }).streams?.[0];
    if (stream === undefined) throw new Error('ffprobe found no audio stream');
    const duration = Number(stream.duration);
    return {
      codec: String(stream.codec_name),
      sampleRate: Number(stream.sample_rate),
      channels: Number(stream.channels),
      ...(Number.isFinite(duration) ? { duration } : {}),
    };
  });
}

/**
 * Decodes `bytes` with ffmpeg to mono s16 at `rate`; strict (`-xerror`: any decode error fails) except for
 * WAV, where ffmpeg flags the short final read of a streamed (0xFFFFFFFF-sized) file as a corrupt packet yet
 * still decodes it. `inputArgs` go before `-i` (e.g. `-f mulaw -ar 8000` for headerless input).
 */
export function ffmpegDecode(bytes: Uint8Array, extension: string, rate: number, inputArgs: string[] = []): Int16Array {
  return withTempDir((dir) => {
    const file = path.join(dir, `audio.${extension}`);
    writeFileSync(file, bytes);
    const pcm = execFileSync(
      'ffmpeg',
      [
        ...(extension === 'wav' ? ['-v', 'quiet'] : ['-v', 'error', '-xerror']),
        ...inputArgs,
        '-i',
        file,
        '-ac',
        '1',
        '-ar',
        String(rate),
        '-f',
        's16le',
        '-',
      ],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length >> 1);
  });
}

/** Runs a CLI on `bytes` written to a temp file named `audio.<extension>`; returns stdout (throws on failure). */
export function runOnFile(
  bytes: Uint8Array,
  extension: string,
  command: string,
  args: (file: string, dir: string) => string[],
): Buffer {
  return withTempDir((dir) => {
    const file = path.join(dir, `audio.${extension}`);
    writeFileSync(file, bytes);
    return execFileSync(command, args(file, dir), { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  });
}

/** A sine of `frequency` Hz, `seconds` long, at `rate`, peak `amplitude`. */
export function sine(frequency: number, seconds: number, rate: number, amplitude = 12_000): Int16Array {
  const out = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / rate));
  return out;
}

/** Root-mean-square of `samples`. */
export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const value of samples) sum += value * value;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/**
 * Dominant frequency of `samples` between `low` and `high` Hz, by a Goertzel scan in 1 Hz steps refined to
 * 0.1 Hz around the peak. Robust for tones; for speech use `medianPitch`.
 */
export function dominantFrequency(samples: Int16Array, rate: number, low = 50, high = 2000): number {
  const power = (frequency: number): number => {
    const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / rate);
    let s1 = 0;
    let s2 = 0;
    for (const value of samples) {
      const s0 = value + coefficient * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  };
  let best = low;
  let bestPower = -1;
  for (let f = low; f <= high; f += 1) {
    const p = power(f);
    if (p > bestPower) [best, bestPower] = [f, p];
  }
  for (let f = best - 1; f <= best + 1; f += 0.1) {
    const p = power(f);
    if (p > bestPower) [best, bestPower] = [f, p];
  }
  return best;
}

/**
 * Median fundamental frequency (Hz) of the voiced 40 ms frames of `samples`, by YIN (de Cheveigné & Kawahara
 * 2002: cumulative-mean-normalised difference, first dip under 0.15), searched over 70–1200 Hz. YIN avoids the
 * octave errors of a plain autocorrelation peak, so it shows whether a speed change kept the speaker's pitch.
 */
export function medianPitch(samples: Int16Array, rate: number): number {
  const frame = Math.round(rate * 0.04);
  const minLag = Math.floor(rate / 1200);
  const maxLag = Math.ceil(rate / 70);
  const pitches: number[] = [];
  const difference = new Float64Array(maxLag + 1);
  for (let start = 0; start + frame + maxLag < samples.length; start += frame) {
    let energy = 0;
    for (let i = 0; i < frame; i++) energy += (samples[start + i] ?? 0) ** 2;
    if (energy / frame < 500 ** 2) continue;
    let running = 0;
    let found = 0;
    for (let lag = 1; lag <= maxLag; lag++) {
      let sum = 0;
      for (let i = 0; i < frame; i++) sum += ((samples[start + i] ?? 0) - (samples[start + i + lag] ?? 0)) ** 2;
      running += sum;
      difference[lag] = running > 0 ? (sum * lag) / running : 1;
    }
    for (let lag = minLag; lag < maxLag; lag++) {
      if ((difference[lag] ?? 1) < 0.15) {
        while (lag + 1 < maxLag && (difference[lag + 1] ?? 1) < (difference[lag] ?? 1)) lag++;
        found = lag;
        break;
      }
    }
    if (found > 0) pitches.push(rate / found);
  }
  pitches.sort((a, b) => a - b);
  return pitches[Math.floor(pitches.length / 2)] ?? 0;
}

/**
 * Signal-to-noise ratio (dB) of `actual` against `reference` after the best alignment within ±`maxLag`
 * samples and a least-squares gain, over their common length.
 */
export function snrDb(reference: Int16Array, actual: Int16Array, maxLag = 0): number {
  let best = -Infinity;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let cross = 0;
    let power = 0;
    let refPower = 0;
    const start = Math.max(0, -lag);
    const end = Math.min(reference.length, actual.length - lag);
    for (let i = start; i < end; i++) {
      const r = reference[i] ?? 0;
      const a = actual[i + lag] ?? 0;
      cross += r * a;
      power += a * a;
      refPower += r * r;
    }
    const gain = power > 0 ? cross / power : 0;
    let noise = 0;
    for (let i = start; i < end; i++) noise += ((reference[i] ?? 0) - gain * (actual[i + lag] ?? 0)) ** 2;
    best = Math.max(best, 10 * Math.log10(refPower / Math.max(noise, 1e-9)));
  }
  return best;
}

/** Collects a streaming encoder/pipeline run: pushes `samples` in chunks of the given sizes (cycled). */
export async function runChunked(
  target: { push(chunk: Int16Array): Uint8Array; end(): Promise<Uint8Array> },
  samples: Int16Array,
  chunkSizes: readonly number[],
): Promise<{ bytes: Uint8Array; pieces: number[] }> {
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (let i = 0; offset < samples.length; i++) {
    const size = chunkSizes[i % chunkSizes.length] ?? 2400;
    parts.push(target.push(samples.subarray(offset, offset + size)));
    offset += size;
  }
  parts.push(await target.end());
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, pieces: parts.map((part) => part.length) };
}
