// Local engines benchmark (@voxgate/local-voice): WER of the in-process STT on the speech clips vendored in
// the repository, real-time factors of STT and TTS per engine/voice, and the Debian CLIs
// (`pocketsphinx_continuous`, `flite`, `espeak-ng`, one process per input as a per-request spawn would run
// them) as the baseline in the same run. Also the largest event-loop delay seen while the engines worked.
// Run with `npm run bench:local-voice` (compiles this file and the libs with tsc, then runs it with node).
//
// RTF = wall-clock processing time / audio duration (lower is faster; 0.1 = ten times faster than real time).
// Ours is measured warm (engines loaded once first, as in a long-running gateway), median of BENCH_RUNS.
// Numbers are ratios from one run on one (shared, noisy) machine: compare rows of the same run only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LocalVoice, type PcmChunk, wordErrorRate } from '@voxgate/local-voice';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// The clips vendored with the test fixtures; this file runs compiled, from dist/bench-local-voice/bench/.
const CLIPS_DIR = path.resolve(__dirname, '../../../libs/testing/fixtures/speech');
const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Please tell me the weather forecast for tomorrow morning in Berlin.',
  'I would like to order two large pizzas and a bottle of water.',
  'Artificial intelligence can convert speech into text and back again.',
  'Thank you very much, that was exactly what I needed to know.',
];
const TTS_VOICES = ['flite:slt', 'flite:awb', 'flite:rms', 'flite:kal16', 'flite:kal', 'espeak-ng:en-us'];

interface Clip {
  file: string;
  transcript: string;
  samples: Int16Array;
  sampleRate: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** Mono s16 WAV → samples, walking the RIFF chunks (jfk.wav has a LIST chunk before `data`). */
function readWav(file: string): { samples: Int16Array; sampleRate: number } {
  const bytes = readFileSync(file);
  let sampleRate = 0;
  for (let offset = 12; offset + 8 <= bytes.length;) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ') sampleRate = bytes.readUInt32LE(offset + 12);
    if (id === 'data') {
      const data = new Uint8Array(bytes.subarray(offset + 8, offset + 8 + size - (size % 2)));
      return { samples: new Int16Array(data.buffer), sampleRate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

function clips(): Clip[] {
  const [, ...rows] = readFileSync(path.join(CLIPS_DIR, 'manifest.tsv'), 'utf8').trimEnd().split('\n');
  return rows
    .map((row) => row.split('\t'))
    .filter(([file]) => file?.endsWith('.wav'))
    .map(([file = '', transcript = '']) => ({ file, transcript, ...readWav(path.join(CLIPS_DIR, file)) }));
}

function seconds(chunks: readonly PcmChunk[]): number {
  return chunks.reduce((sum, chunk) => sum + chunk.samples.length / chunk.sampleRate, 0);
}

function wavSeconds(file: string): number {
  const { samples, sampleRate } = readWav(file);
  return samples.length / sampleRate;
}

/** CPU seconds (user + system) of this process, all threads, and of its waited-for children (/proc/self/stat). */
function cpuSeconds(): { own: number; children: number } {
  const usage = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[13] ?? 0) + Number(fields[14] ?? 0); // cutime + cstime, at 100 Hz
  return { own: (usage.user + usage.system) / 1e6, children: ticks / 100 };
}

let maxDelayMs = 0;

/**
 * Runs in-process work under a fresh event-loop delay histogram and keeps the largest delay seen. (One
 * histogram toggled around the CLI baselines would count their blocking spawnSync gaps on re-enable.)
 */
async function watched<T>(work: () => Promise<T> | T): Promise<T> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, 30)); // it counts from its first tick, not from enable()
  try {
    return await work();
  } finally {
    histogram.disable();
    maxDelayMs = Math.max(maxDelayMs, histogram.max / 1e6);
  }
}

async function unwatched<T>(work: () => Promise<T> | T): Promise<T> {
  return work();
}

/** Wall and CPU time of `work`, as RTFs over the seconds of audio it returns. */
async function measure(
  wrap: (work: () => Promise<number> | number) => Promise<number>,
  work: () => Promise<number> | number,
): Promise<{ wall: number; cpu: number }> {
  const cpuBefore = cpuSeconds();
  const started = performance.now();
  const audioSeconds = await wrap(work);
  const wall = (performance.now() - started) / 1000;
  const cpuAfter = cpuSeconds();
  const cpu = cpuAfter.own - cpuBefore.own + (cpuAfter.children - cpuBefore.children);
  return { wall: wall / audioSeconds, cpu: cpu / audioSeconds };
}

function row(label: string, wer: string, runs: ReadonlyArray<{ wall: number; cpu: number }>): string {
  return `| ${label} | ${wer} | ${median(runs.map((run) => run.wall)).toFixed(3)} | ${median(runs.map((run) => run.cpu)).toFixed(3)} |`;
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log(
    `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `runs: ${RUNS}, ours and the CLI interleaved; RTF = processing time / audio time (wall, and CPU of all threads/processes)`,
  );
  const voice = LocalVoice.create({ poolSize: 1 });
  // The same STT with the energy VAD instead of Silero (the default), for the WER/RTF comparison.
  const energyVoice = LocalVoice.create({ poolSize: 1, vad: { engine: 'energy' } });
  const scratch = mkdtempSync(path.join(tmpdir(), 'voxgate-local-voice-bench-'));
  try {
    const capabilities = await voice.probe();
    if (!capabilities.stt.available || !capabilities.tts.flite.available) {
      throw new Error(`local engines missing: ${capabilities.stt.reason ?? capabilities.tts.flite.reason ?? ''}`);
    }
    // Baseline for the event-loop delay: the same process doing nothing for 5 s on this (shared) machine.
    await watched(() => new Promise((resolve) => setTimeout(resolve, 5_000)));
    const idleDelayMs = maxDelayMs;
    maxDelayMs = 0;
    const speech = clips();
    const audioSeconds = speech.reduce((sum, clip) => sum + clip.samples.length / clip.sampleRate, 0);
    await voice.transcribe({ pcm16: speech[0]!.samples.subarray(0, 16_000), sampleRate: speech[0]!.sampleRate }); // warm

    // STT: in process, and pocketsphinx_continuous one process per clip (16 kHz input made with sox first).
    const cli = has('pocketsphinx_continuous') && has('sox');
    const inputs = cli
      ? speech.map((clip) => {
          const out = path.join(scratch, clip.file);
          spawnSync('sox', [path.join(CLIPS_DIR, clip.file), '-r', '16000', '-c', '1', '-b', '16', out]);
          return out;
        })
      : [];
    const ours: Array<{ wall: number; cpu: number }> = [];
    const energy: Array<{ wall: number; cpu: number }> = [];
    let energyHypotheses: string[] = [];
    await energyVoice.transcribe({ pcm16: speech[0]!.samples.subarray(0, 16_000), sampleRate: speech[0]!.sampleRate }); // warm
    const theirs: Array<{ wall: number; cpu: number }> = [];
    let hypotheses: string[] = [];
    let cliHypotheses: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      ours.push(
        await measure(watched, async () => {
          hypotheses = [];
          for (const clip of speech)
            hypotheses.push((await voice.transcribe({ pcm16: clip.samples, sampleRate: clip.sampleRate })).text);
          return audioSeconds;
        }),
      );
      energy.push(
        await measure(watched, async () => {
          energyHypotheses = [];
          for (const clip of speech)
            energyHypotheses.push(
              (await energyVoice.transcribe({ pcm16: clip.samples, sampleRate: clip.sampleRate })).text,
            );
          return audioSeconds;
        }),
      );
      if (cli) {
        theirs.push(
          await measure(unwatched, () => {
            cliHypotheses = inputs.map((input) =>
              spawnSync('pocketsphinx_continuous', ['-infile', input, '-logfn', '/dev/null'], { encoding: 'utf8' })
                .stdout.trim()
                .replace(/\s+/g, ' '),
            );
            return audioSeconds;
          }),
        );
      }
    }
    const score = (texts: readonly string[]): string =>
      wordErrorRate(
        speech.map((clip, index) => ({ reference: clip.transcript, hypothesis: texts[index] ?? '' })),
      ).toFixed(3);
    const words = speech.reduce((sum, clip) => sum + clip.transcript.split(/\s+/).length, 0);
    console.log(`\nSTT on ${speech.length} vendored clips (${audioSeconds.toFixed(1)} s, ${words} words)`);
    speech.forEach((clip, index) =>
      console.log(
        `  ${clip.file.padEnd(16)} ours: ${hypotheses[index]}\n  ${''.padEnd(16)} CLI:  ${cliHypotheses[index] ?? '-'}`,
      ),
    );
    console.log('\n| STT | WER | RTF wall | RTF CPU |');
    console.log('|---|---|---|---|');
    console.log(
      row(`in process (koffi, worker thread, ${capabilities.stt.vad} VAD + full-utterance)`, score(hypotheses), ours),
    );
    console.log(row('in process, energy VAD', score(energyHypotheses), energy));
    if (cli) {
      console.log(row('`pocketsphinx_continuous` CLI, one process per clip', score(cliHypotheses), theirs));
      const ratio = (pick: (run: { wall: number; cpu: number }) => number): string =>
        (median(theirs.map(pick)) / median(ours.map(pick))).toFixed(2);
      console.log(`| ratio CLI / in process | | ${ratio((run) => run.wall)}× | ${ratio((run) => run.cpu)}× |`);
    }

    // TTS: per engine voice, in process and the CLI of the same voice (one process per sentence), interleaved.
    console.log(
      '\n| TTS voice | rate | audio s | RTF wall in process | RTF wall CLI | RTF CPU in process | RTF CPU CLI | CLI / in process (CPU) |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const spec of TTS_VOICES) {
      const [engine, name = ''] = spec.split(':');
      const tool = engine === 'flite' ? 'flite' : 'espeak-ng';
      const out = path.join(scratch, 'tts.wav');
      let audio = 0;
      let rate = 0;
      const inProcess: Array<{ wall: number; cpu: number }> = [];
      const spawned: Array<{ wall: number; cpu: number }> = [];
      for (let run = 0; run < RUNS; run++) {
        inProcess.push(
          await measure(watched, async () => {
            audio = 0;
            for (const text of SENTENCES) {
              const chunks: PcmChunk[] = [];
              for await (const chunk of voice.synthesize({ text, voice: spec })) chunks.push(chunk);
              audio += seconds(chunks);
              rate = chunks[0]?.sampleRate ?? 0;
            }
            return audio;
          }),
        );
        if (has(tool)) {
          spawned.push(
            await measure(unwatched, () => {
              let cliAudio = 0;
              for (const text of SENTENCES) {
                spawnSync(
                  tool,
                  engine === 'flite' ? ['-voice', name, '-t', text, '-o', out] : ['-v', name, '-w', out, text],
                );
                cliAudio += statSync(out).size > 44 ? wavSeconds(out) : 0;
              }
              return cliAudio;
            }),
          );
        }
      }
      const wall = (runs: typeof inProcess): number => median(runs.map((run) => run.wall));
      const cpuOf = (runs: typeof inProcess): number => median(runs.map((run) => run.cpu));
      console.log(
        `| ${spec} | ${rate} | ${audio.toFixed(1)} | ${wall(inProcess).toFixed(4)} | ${wall(spawned).toFixed(4)} | ${cpuOf(inProcess).toFixed(4)} | ${cpuOf(spawned).toFixed(4)} | ${(cpuOf(spawned) / cpuOf(inProcess)).toFixed(1)}× |`,
      );
    }
    // Streaming: time to the first chunk of a long answer against the time to all of it (flite slt).
    const long = Array.from({ length: 4 }, () => SENTENCES.join(' ')).join(' ');
    const firsts: number[] = [];
    const totals: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      let first = 0;
      await watched(async () => {
        for await (const chunk of voice.synthesize({ text: long, voice: 'flite:slt' })) {
          if (chunk.index === 0) first = performance.now() - started;
        }
      });
      firsts.push(first);
      totals.push(performance.now() - started);
    }
    console.log(
      `\nflite:slt, ${long.length} characters (20 sentences): first chunk after ${median(firsts).toFixed(0)} ms, all after ${median(totals).toFixed(0)} ms (medians)`,
    );
    console.log(
      `\nlargest event-loop delay while the in-process engines worked: ${maxDelayMs.toFixed(1)} ms (idle baseline, same process: ${idleDelayMs.toFixed(1)} ms)`,
    );
    console.log(
      `load average after: ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await voice.close();
    await energyVoice.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
