// Audio codec/DSP benchmark: @voxgate/audio against the native CLIs on the same files in the same run.
// Run with `npm run bench:audio` (compiles this file and libs/audio with tsc, then runs it with node).
//
// x-realtime (x-RT) = seconds of audio processed per wall-clock second on one core. Ours is measured in
// process (median of warm runs; the codec packages are loaded and warmed first, as in a long-running
// gateway). The CLIs are whole processes pinned to one core with `taskset` when available, `-threads 1` for
// ffmpeg; their time includes process start-up (ffmpeg ~70 ms), exactly as a per-request spawn would pay it.
// Numbers are ratios from one run on one machine: compare rows of the same run, never across machines.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAudioEncoder, decodeAudio, Resampler, TimeStretcher, type OutputAudioFormat } from '@voxgate/audio';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHUNK_MS = 100;
// The clip vendored with the test fixtures; this file runs compiled, from dist/bench/bench/.
const SPEECH = path.resolve(__dirname, '../../../libs/testing/fixtures/speech/jfk.wav');

interface Row {
  task: string;
  ours: number;
  peer: string;
  peerXrt: number | undefined;
  /** Target on ours / peer, or on ms CPU per audio-second when `cpuMsTarget` is set. */
  target?: number;
  cpuMsPerSecond?: number;
  cpuMsTarget?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

const pin = has('taskset') ? ['taskset', '-c', '0'] : [];

/** Median wall seconds of `runs` runs of a CLI (after one cold run); undefined when the tool is missing. */
function timeCli(command: string, args: string[], runs = Math.max(3, RUNS - 2)): number | undefined {
  if (!has(command)) return undefined;
  const run = (): number => {
    const [exe, ...rest] = [...pin, command, ...args];
    const started = performance.now();
    const result = spawnSync(exe ?? command, rest, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr.toString().slice(0, 500)}`);
    return (performance.now() - started) / 1000;
  };
  run();
  return median(Array.from({ length: runs }, run));
}

/** Median wall seconds and CPU ms of an in-process task (after one warm-up run). */
async function timeOurs(task: () => Promise<void>): Promise<{ seconds: number; cpuMs: number }> {
  await task();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    await task();
    walls.push((performance.now() - started) / 1000);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  return { seconds: median(walls), cpuMs: median(cpus) };
}

function sh(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr.toString()}`);
}

function chunks(samples: Int16Array, rate: number): Int16Array[] {
  const size = (rate * CHUNK_MS) / 1000;
  const out: Int16Array[] = [];
  for (let offset = 0; offset < samples.length; offset += size) out.push(samples.subarray(offset, offset + size));
  return out;
}

function readPcm(file: string): Int16Array {
  const bytes = readFileSync(file);
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1).slice();
}

async function main(): Promise<void> {
  for (const tool of ['sox', 'ffmpeg']) if (!has(tool)) throw new Error(`bench:audio needs ${tool}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-bench-'));
  const f = (name: string): string => path.join(dir, name);
  try {
    // Test material: real speech (JFK, 11 s) looped to SECONDS, then encoded by the reference encoders.
    const loops = Math.ceil(SECONDS / 11);
    sh('sox', [...Array<string>(loops).fill(SPEECH), f('speech16k.wav'), 'trim', '0', String(SECONDS)]);
    sh('sox', [f('speech16k.wav'), '-r', '48000', f('speech48k.wav')]);
    sh('sox', [f('speech16k.wav'), '-r', '48000', '-t', 'raw', '-e', 'signed', '-b', '16', f('speech48k.pcm')]);
    sh('sox', [f('speech16k.wav'), '-r', '24000', '-t', 'raw', '-e', 'signed', '-b', '16', f('speech24k.pcm')]);
    sh('sox', [f('speech16k.wav'), '-r', '24000', f('speech24k.wav')]);
    sh('ffmpeg', [
      '-v',
      'error',
      '-i',
      f('speech48k.wav'),
      '-c:a',
      'libopus',
      '-b:a',
      '32k',
      '-application',
      'voip',
      f('speech.opus'),
    ]);
    sh('ffmpeg', ['-v', 'error', '-i', f('speech24k.wav'), '-c:a', 'libmp3lame', '-b:a', '64k', f('speech.mp3')]);
    const pcm24 = readPcm(f('speech24k.pcm'));
    const pcm48 = readPcm(f('speech48k.pcm'));
    const opusFile = new Uint8Array(readFileSync(f('speech.opus')));
    const mp3File = new Uint8Array(readFileSync(f('speech.mp3')));
    const rows: Row[] = [];
    const xrt = (seconds: number | undefined): number | undefined =>
      seconds === undefined ? undefined : SECONDS / seconds;
    const raw24 = ['-f', 's16le', '-ar', '24000', '-ac', '1', '-i', f('speech24k.pcm')];
    const ffmpeg = (...args: string[]): number | undefined =>
      timeCli('ffmpeg', ['-v', 'error', '-threads', '1', '-y', ...args]);

    // Opus decode: Ogg/Opus (48 kHz source) → 24 kHz mono s16. ffmpeg uses libopus, like us.
    const opusDecode = await timeOurs(async () => void (await decodeAudio(opusFile, 'opus')));
    const ffOpusDec = ffmpeg(
      '-c:a',
      'libopus',
      '-i',
      f('speech.opus'),
      '-ac',
      '1',
      '-ar',
      '24000',
      '-f',
      's16le',
      '/dev/null',
    );
    rows.push({
      task: 'Opus decode (Ogg, → 24 kHz mono)',
      ours: SECONDS / opusDecode.seconds,
      peer: 'ffmpeg libopus',
      peerXrt: xrt(ffOpusDec),
      target: 1.5,
    });
    const opusdec = timeCli('opusdec', ['--quiet', '--rate', '24000', f('speech.opus'), '/dev/null']);
    rows.push({
      task: 'Opus decode (Ogg, → 24 kHz mono)',
      ours: SECONDS / opusDecode.seconds,
      peer: 'opusdec',
      peerXrt: xrt(opusdec),
    });

    // Opus encode: 24 kHz mono pcm16 pushed in 100 ms chunks → Ogg/Opus 32 kbps voip. Ours runs libopus at
    // complexity 6; the target row compares with ffmpeg's default (10), the next row with ffmpeg at 6.
    const encodeWith = (format: OutputAudioFormat) => async (): Promise<void> => {
      const encoder = await createAudioEncoder(format, { sampleRate: 24_000 });
      for (const chunk of chunks(pcm24, 24_000)) encoder.push(chunk);
      await encoder.end();
    };
    const opusEncode = await timeOurs(encodeWith('opus'));
    const ffOpusEnc = ffmpeg(
      ...raw24,
      '-c:a',
      'libopus',
      '-b:a',
      '32k',
      '-application',
      'voip',
      '-f',
      'ogg',
      '/dev/null',
    );
    rows.push({
      task: 'Opus encode (24 kHz → Ogg/Opus 32k)',
      ours: SECONDS / opusEncode.seconds,
      peer: 'ffmpeg libopus',
      peerXrt: xrt(ffOpusEnc),
      target: 1.8,
    });
    const ffOpusEncSame = ffmpeg(
      ...raw24,
      '-c:a',
      'libopus',
      '-b:a',
      '32k',
      '-application',
      'voip',
      '-compression_level',
      '6',
      '-f',
      'ogg',
      '/dev/null',
    );
    rows.push({
      task: 'Opus encode (24 kHz → Ogg/Opus 32k)',
      ours: SECONDS / opusEncode.seconds,
      peer: 'ffmpeg libopus, same complexity 6',
      peerXrt: xrt(ffOpusEncSame),
    });
    const opusenc = timeCli('opusenc', [
      '--quiet',
      '--bitrate',
      '32',
      '--raw',
      '--raw-rate',
      '24000',
      '--raw-chan',
      '1',
      f('speech24k.pcm'),
      '/dev/null',
    ]);
    rows.push({
      task: 'Opus encode (24 kHz → Ogg/Opus 32k)',
      ours: SECONDS / opusEncode.seconds,
      peer: 'opusenc',
      peerXrt: xrt(opusenc),
    });

    // MP3 decode / encode (24 kHz mono, 64 kbps).
    const mp3Decode = await timeOurs(async () => void (await decodeAudio(mp3File, 'mp3')));
    rows.push({
      task: 'MP3 decode (24 kHz 64k)',
      ours: SECONDS / mp3Decode.seconds,
      peer: 'ffmpeg',
      peerXrt: xrt(ffmpeg('-i', f('speech.mp3'), '-f', 's16le', '/dev/null')),
    });
    rows.push({
      task: 'MP3 decode (24 kHz 64k)',
      ours: SECONDS / mp3Decode.seconds,
      peer: 'lame --decode',
      peerXrt: xrt(timeCli('lame', ['--quiet', '--decode', f('speech.mp3'), '/dev/null'])),
    });
    const mp3Encode = await timeOurs(encodeWith('mp3'));
    rows.push({
      task: 'MP3 encode (24 kHz → 64k CBR)',
      ours: SECONDS / mp3Encode.seconds,
      peer: 'ffmpeg libmp3lame',
      peerXrt: xrt(ffmpeg(...raw24, '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', '/dev/null')),
    });
    rows.push({
      task: 'MP3 encode (24 kHz → 64k CBR)',
      ours: SECONDS / mp3Encode.seconds,
      peer: 'lame -b 64',
      peerXrt: xrt(timeCli('lame', ['--quiet', '-m', 'm', '-b', '64', f('speech24k.wav'), '/dev/null'])),
    });

    // FLAC and AAC encode (informative; no target).
    const flacEncode = await timeOurs(encodeWith('flac'));
    rows.push({
      task: 'FLAC encode (24 kHz, level 5)',
      ours: SECONDS / flacEncode.seconds,
      peer: 'ffmpeg flac',
      peerXrt: xrt(ffmpeg(...raw24, '-c:a', 'flac', '-f', 'flac', '/dev/null')),
    });
    const aacEncode = await timeOurs(encodeWith('aac'));
    rows.push({
      task: 'AAC encode (24 kHz → ADTS 64k)',
      ours: SECONDS / aacEncode.seconds,
      peer: 'ffmpeg aac',
      peerXrt: xrt(ffmpeg(...raw24, '-c:a', 'aac', '-b:a', '64k', '-f', 'adts', '/dev/null')),
    });

    // Resample, streaming in 100 ms chunks.
    for (const [from, to, input] of [
      [48_000, 24_000, pcm48],
      [24_000, 8000, pcm24],
      [24_000, 16_000, pcm24],
    ] as const) {
      const ours = await timeOurs(async () => {
        const resampler = await Resampler.create(from, to);
        for (const chunk of chunks(input, from)) resampler.process(chunk);
        resampler.flush();
      });
      const source = from === 48_000 ? f('speech48k.wav') : f('speech24k.wav');
      const task = `Resample ${from / 1000}k → ${to / 1000}k`;
      rows.push({
        task,
        ours: SECONDS / ours.seconds,
        peer: 'ffmpeg aresample',
        peerXrt: xrt(ffmpeg('-i', source, '-ar', String(to), '-f', 's16le', '/dev/null')),
      });
      rows.push({
        task,
        ours: SECONDS / ours.seconds,
        peer: 'sox rate -h',
        peerXrt: xrt(timeCli('sox', [source, '-t', 'raw', '/dev/null', 'rate', '-h', String(to)])),
      });
    }

    // Time-stretch 24 kHz speech, streaming in 100 ms chunks; CPU ms per input audio-second against the target.
    for (const speed of [0.25, 0.5, 1.5, 2, 4]) {
      const ours = await timeOurs(async () => {
        const stretcher = await TimeStretcher.create(24_000, speed);
        for (const chunk of chunks(pcm24, 24_000)) stretcher.process(chunk);
        stretcher.flush();
      });
      const task = `Speed ${speed}× (24 kHz speech)`;
      const common = { task, ours: SECONDS / ours.seconds, cpuMsPerSecond: ours.cpuMs / SECONDS, cpuMsTarget: 5 };
      rows.push({
        ...common,
        peer: 'sox tempo -s',
        peerXrt: xrt(timeCli('sox', [f('speech24k.wav'), '-t', 'raw', '/dev/null', 'tempo', '-s', String(speed)])),
      });
      const atempo = speed < 0.5 ? `atempo=0.5,atempo=${speed / 0.5}` : `atempo=${speed}`;
      rows.push({
        ...common,
        peer: 'ffmpeg atempo',
        peerXrt: xrt(ffmpeg('-i', f('speech24k.wav'), '-af', atempo, '-f', 's16le', '/dev/null')),
      });
      rows.push({
        ...common,
        peer: 'rubberband',
        peerXrt: xrt(timeCli('rubberband', ['-q', '-T', String(speed), f('speech24k.wav'), f('rb.wav')], 1)),
      });
    }

    print(rows);
    const results = path.resolve(__dirname, '../../../bench/results');
    mkdirSync(results, { recursive: true });
    writeFileSync(path.join(results, 'audio.json'), JSON.stringify({ seconds: SECONDS, runs: RUNS, rows }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(rows: Row[]): void {
  const header = ['task', 'ours x-RT', 'peer', 'peer x-RT', 'ours/peer', 'target', 'ok'];
  const lines = rows.map((row) => {
    const ratio = row.peerXrt === undefined ? undefined : row.ours / row.peerXrt;
    let target = '';
    let ok = '';
    if (row.cpuMsTarget !== undefined && row.cpuMsPerSecond !== undefined) {
      target = `≤ ${row.cpuMsTarget} ms CPU/s (${row.cpuMsPerSecond.toFixed(2)})`;
      ok = row.cpuMsPerSecond <= row.cpuMsTarget ? 'yes' : 'NO';
    } else if (row.target !== undefined) {
      target = `≥ ${row.target}×`;
      ok = ratio === undefined ? 'n/a' : ratio >= row.target ? 'yes' : 'NO';
    }
    return [
      row.task,
      row.ours.toFixed(0),
      row.peer,
      row.peerXrt === undefined ? 'missing' : row.peerXrt.toFixed(0),
      ratio === undefined ? '' : `${ratio.toFixed(2)}×`,
      target,
      ok,
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const format = (cells: string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`\n@voxgate/audio vs native CLIs: ${SECONDS} s of speech, median of ${RUNS} runs, x-RT per core`);
  console.log(format(header));
  console.log(format(widths.map((width) => '-'.repeat(width))));
  for (const line of lines) console.log(format(line));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
