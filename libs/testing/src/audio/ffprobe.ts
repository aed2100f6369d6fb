import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What ffprobe reports about the first audio stream of a file. */
export interface ProbedAudio {
  codec_name: string;
  sample_rate: string;
  channels: number;
  duration: string;
}

/** Whether `ffprobe` is on the PATH; tests that need it are skipped otherwise. */
export function hasFfprobe(): boolean {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs ffprobe on `bytes` (written to a temp file with `extension`), as an independent decoder. */
export function ffprobeAudio(bytes: Buffer, extension = 'wav'): ProbedAudio {
  const directory = mkdtempSync(path.join(tmpdir(), 'voxgate-ffprobe-'));
  try {
    const file = path.join(directory, `audio.${extension}`);
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
    const stream = (JSON.parse(output) as { streams?: ProbedAudio[] }).streams?.[0];
    if (stream === undefined) throw new Error('ffprobe found no audio stream');
    return stream;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
