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

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
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
  for (let offset = 12; offset + 8 <= bytes.length; ) {
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

async function main(): Promise<void> {
  const cpu = cpus();
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  const voice = LocalVoice.create({ poolSize: 1 });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const scratch = mkdtempSync(path.join(tmpdir(), 'voxgate-local-voice-bench-'));
  try {
    const capabilities = await voice.probe();
    if (!capabilities.stt.available || !capabilities.tts.flite.available) {
      throw new Error(`local engines missing: ${capabilities.stt.reason ?? capabilities.tts.flite.reason ?? ''}`);
    }
    const speech = clips();
    const audioSeconds = speech.reduce((sum, clip) => sum + clip.samples.length / clip.sampleRate, 0);
    await voice.transcribe({ pcm16: speech[0]!.samples.subarray(0, 16_000), sampleRate: speech[0]!.sampleRate }); // warm

    // STT in process
    delay.enable();
    const sttRuns: number[] = [];
    let hypotheses: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      hypotheses = [];
      for (const clip of speech) hypotheses.push((await voice.transcribe({ pcm16: clip.samples, sampleRate: clip.sampleRate })).text);
      sttRuns.push((performance.now() - started) / 1000 / audioSeconds);
    }
    delay.disable(); // the CLI baselines below block the main thread on purpose (spawnSync)
    const wer = wordErrorRate(speech.map((clip, index) => ({ reference: clip.transcript, hypothesis: hypotheses[index] ?? '' })));
    const words = speech.reduce((sum, clip) => sum + clip.transcript.split(/\s+/).length, 0);
    console.log(`\nSTT on ${speech.length} vendored clips (${audioSeconds.toFixed(1)} s, ${words} words)`);
    speech.forEach((clip, index) => console.log(`  ${clip.file.padEnd(16)} ${hypotheses[index]}`));

    // STT baseline: pocketsphinx_continuous, one process per clip (16 kHz input made with sox beforehand).
    const cli = has('pocketsphinx_continuous') && has('sox');
    const cliRuns: number[] = [];
    let cliHypotheses: string[] = [];
    if (cli) {
      const inputs = speech.map((clip) => {
        const out = path.join(scratch, clip.file);
        spawnSync('sox', [path.join(CLIPS_DIR, clip.file), '-r', '16000', '-c', '1', '-b', '16', out]);
        return out;
      });
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        cliHypotheses = inputs.map(
          (input) => spawnSync('pocketsphinx_continuous', ['-infile', input, '-logfn', '/dev/null'], { encoding: 'utf8' }).stdout.trim(),
        );
        cliRuns.push((performance.now() - started) / 1000 / audioSeconds);
      }
    }
    const cliWer = cli ? wordErrorRate(speech.map((clip, index) => ({ reference: clip.transcript, hypothesis: cliHypotheses[index] ?? '' }))) : NaN;
    console.log('\n| STT | WER | RTF (median) |');
    console.log('|---|---|---|');
    console.log(`| in process (koffi, worker thread, VAD + full-utterance) | ${wer.toFixed(3)} | ${median(sttRuns).toFixed(3)} |`);
    if (cli) {
      console.log(`| \`pocketsphinx_continuous\` CLI, one process per clip | ${cliWer.toFixed(3)} | ${median(cliRuns).toFixed(3)} |`);
      console.log(`| ratio CLI / in process | | ${(median(cliRuns) / median(sttRuns)).toFixed(2)}× |`);
    }

    // TTS in process, per engine voice, and the CLI of the same voice.
    console.log(`\n| TTS voice | rate | audio s | RTF in process | RTF CLI (process per sentence) | CLI / in process |`);
    console.log('|---|---|---|---|---|---|');
    for (const spec of TTS_VOICES) {
      const [engine, name = ''] = spec.split(':');
      let audio = 0;
      let rate = 0;
      const runs: number[] = [];
      delay.enable();
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        audio = 0;
        for (const text of SENTENCES) {
          const chunks: PcmChunk[] = [];
          for await (const chunk of voice.synthesize({ text, voice: spec })) chunks.push(chunk);
          audio += seconds(chunks);
          rate = chunks[0]?.sampleRate ?? 0;
        }
        runs.push((performance.now() - started) / 1000 / audio);
      }
      delay.disable();
      const tool = engine === 'flite' ? 'flite' : 'espeak-ng';
      let cliRtf = NaN;
      if (has(tool)) {
        const out = path.join(scratch, 'tts.wav');
        const cliTimes: number[] = [];
        for (let run = 0; run < RUNS; run++) {
          const started = performance.now();
          let cliAudio = 0;
          for (const text of SENTENCES) {
            const args = engine === 'flite' ? ['-voice', name, '-t', text, '-o', out] : ['-v', name, '-w', out, text];
            spawnSync(tool, args);
            cliAudio += statSync(out).size > 44 ? wavSeconds(out) : 0;
          }
          cliTimes.push((performance.now() - started) / 1000 / cliAudio);
        }
        cliRtf = median(cliTimes);
      }
      const ours = median(runs);
      console.log(`| ${spec} | ${rate} | ${audio.toFixed(1)} | ${ours.toFixed(4)} | ${cliRtf.toFixed(4)} | ${(cliRtf / ours).toFixed(1)}× |`);
    }
    console.log(`\nlargest event-loop delay while the in-process engines worked: ${(delay.max / 1e6).toFixed(1)} ms (p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms)`);
    console.log(`load average after: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await voice.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
