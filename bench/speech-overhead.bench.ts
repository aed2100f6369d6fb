/**
 * Relay overhead of the speech routes (not a test): run with `npm run bench:speech-overhead` (builds first).
 *
 * The figures issue #14 asks for, as `bench:overhead` and `bench:compare` give them for chat completions:
 * sequential requests, interleaved (direct, gateway in alternating order, one keep-alive connection each),
 * straight to the minimal upstream (`minimal-upstream.ts`, its own process) and through the built gateway
 * (`dist/`: a tenant key, tenant quotas high enough never to refuse, metering on, default logging), for
 *
 * - `POST /v1/audio/speech`, `response_format` `mp3` and `pcm` (both in the provider's `speechFormats`, so
 *   the bytes pass through unconverted): time to the first body byte and to the end. Model `bench-tts`
 *   (upstream name `gpt-4o-mini-tts`): the gateway asks the upstream for `stream_format: sse` (for the
 *   usage) and turns its events back into the file; model `tts-1`: the upstream's bytes are relayed as they
 *   come. Both then decode the file once after the response, to meter its seconds;
 * - `POST /v1/audio/transcriptions`, multipart with a 0.5 s 16 kHz WAV made by ffmpeg (which the gateway decodes once, as it
 *   does every upload), `response_format: json`: time to the end of the answer.
 *
 * It prints p50/p99 of each series and what the gateway adds. Any answer other than a 200 carrying the
 * upstream's body, direct or through the gateway, throws: the bench exits 1 and never times errors.
 * A private `redis-server` is started when installed (REDIS_URL otherwise). BENCH_ROUNDS scales it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setGenerousQuotas, startRedis, startUpstream } from './bench-processes';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const WARMUP = Math.min(100, ROUNDS);

/** One way to reach the upstream: its base URL (with `/v1`), the bearer it needs, its own connection. */
interface Target {
  readonly name: 'direct' | 'gateway';
  readonly url: string;
  readonly authorization: string;
  readonly agent: Agent;
}

/** One request shape: route, body and what a correct answer is. */
interface Case {
  readonly label: string;
  readonly route: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** Throws unless `body` is the upstream's answer, relayed whole. */
  readonly check: (body: Buffer) => void;
}

interface Timing {
  readonly firstByte: number;
  readonly total: number;
  readonly body: Buffer;
}

function timeRequest(target: Target, request: Case): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstByte = NaN;
    const parts: Buffer[] = [];
    const req = httpRequest(
      new URL(`${target.url}${request.route}`),
      {
        method: 'POST',
        agent: target.agent,
        headers: {
          authorization: target.authorization,
          'content-type': request.contentType,
          'content-length': request.body.length,
        },
      },
      (response) => {
        response.on('data', (part: Buffer) => {
          if (Number.isNaN(firstByte)) firstByte = performance.now() - start;
          parts.push(part);
        });
        response.on('end', () => {
          const body = Buffer.concat(parts);
          if (response.statusCode !== 200) {
            reject(new Error(`${target.name} ${request.label}: HTTP ${response.statusCode} ${body.toString()}`));
          } else resolve({ firstByte, total: performance.now() - start, body });
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function speechCase(model: 'bench-tts' | 'tts-1', format: 'mp3' | 'pcm', expectedBytes: number): Case {
  const label = `speech ${model} ${format}`;
  return {
    label,
    route: '/audio/speech',
    contentType: 'application/json',
    body: Buffer.from(
      JSON.stringify({ model, voice: 'alloy', input: 'Hello from the bench.', response_format: format }),
    ),
    check: (body) => {
      if (body.length !== expectedBytes) throw new Error(`${label}: ${body.length} bytes, not ${expectedBytes}`);
    },
  };
}

/** 0.5 s of a 440 Hz tone, 16 kHz mono s16le WAV, made by ffmpeg (a file, so its header holds real sizes). */
function benchWav(): Buffer {
  const folder = mkdtempSync(path.join(tmpdir(), 'voxgate-speech-bench-'));
  try {
    const file = path.join(folder, 'bench.wav');
    const ffmpeg = spawnSync('ffmpeg', [
      ...[
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=0.5:sample_rate=16000',
      ],
      ...[
        '-ac',
        '1',
        '-c:a',
        'pcm_s16le',
        '-map_metadata',
        '-1',
        '-fflags',
        '+bitexact',
        '-flags:a',
        '+bitexact',
        file,
      ],
    ]);
    if (ffmpeg.status !== 0) throw new Error(`ffmpeg failed: ${ffmpeg.stderr?.toString() ?? ffmpeg.error?.message}`);
    return readFileSync(file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function transcriptionCase(): Case {
  const boundary = 'voxgatebenchboundary';
  const field = (name: string, value: string) =>
    `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const body = Buffer.concat([
    Buffer.from(field('model', 'bench-stt') + field('response_format', 'json')),
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="bench.wav"\r\ncontent-type: audio/wav\r\n\r\n`,
    ),
    benchWav(),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return {
    label: 'transcription',
    route: '/audio/transcriptions',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body,
    check: (answer) => {
      const parsed = JSON.parse(answer.toString()) as { text?: string };
      if (parsed.text !== 'ok') throw new Error(`transcription: unexpected answer ${answer.toString()}`);
    },
  };
}

async function measure(targets: readonly Target[], request: Case, firstByteToo: boolean): Promise<void> {
  for (const target of targets) request.check((await timeRequest(target, request)).body);
  const firstByte = { direct: [] as number[], gateway: [] as number[] };
  const total = { direct: [] as number[], gateway: [] as number[] };
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    // Alternating order, so load drift and any order effect hit both series alike.
    for (let j = 0; j < targets.length; j++) {
      const target = targets[(i + j) % targets.length]!;
      const timing = await timeRequest(target, request);
      request.check(timing.body);
      if (i < WARMUP) continue;
      firstByte[target.name].push(timing.firstByte);
      total[target.name].push(timing.total);
    }
  }
  const f = (value: number) => value.toFixed(2).padStart(7);
  const line = (what: string, series: { direct: number[]; gateway: number[] }) => {
    const [d50, d99, g50, g99] = [
      percentile(series.direct, 0.5),
      percentile(series.direct, 0.99),
      percentile(series.gateway, 0.5),
      percentile(series.gateway, 0.99),
    ];
    console.log(
      `   ${what.padEnd(11)} direct p50 ${f(d50)} p99 ${f(d99)} | gateway p50 ${f(g50)} p99 ${f(g99)} | added p50 ${f(g50 - d50)} p99 ${f(g99 - d99)} ms`,
    );
  };
  console.log(`${request.label} (${ROUNDS} sequential requests each after ${WARMUP} warm-up, interleaved)`);
  if (firstByteToo) line('first byte', firstByte);
  line('total', total);
}

async function main(): Promise<void> {
  const redisServer = await startRedis();
  if (redisServer) process.env.REDIS_URL = redisServer.url;
  // Imported after REDIS_URL is settled: bench-gateway reads it at load.
  const { startBenchGateway, REDIS_URL } = await import('./bench-gateway.js');
  const upstream = await startUpstream(20);
  const gateway = await startBenchGateway(upstream.url, {
    models: [
      {
        id: 'bench-tts',
        provider: 'bench',
        upstreamModel: 'gpt-4o-mini-tts',
        endpoints: ['audio/speech'],
        pricing: { textInput: 1, audioOutput: 2 },
      },
      { id: 'tts-1', provider: 'bench', endpoints: ['audio/speech'], pricing: { textInput: 1 } },
      {
        id: 'bench-stt',
        provider: 'bench',
        endpoints: ['audio/transcriptions'],
        pricing: { audioInput: 1, textOutput: 2 },
      },
    ],
  });
  try {
    await setGenerousQuotas(gateway);
    const targets: Target[] = [
      {
        name: 'direct',
        url: upstream.url,
        authorization: 'Bearer sk-bench',
        agent: new Agent({ keepAlive: true, maxSockets: 1 }),
      },
      {
        name: 'gateway',
        url: `${gateway.url}/v1`,
        authorization: `Bearer ${gateway.key}`,
        agent: new Agent({ keepAlive: true, maxSockets: 1 }),
      },
    ];
    const [l1, l5] = loadavg();
    console.log(
      `Voxgate speech relay overhead — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ` +
        `${(totalmem() / 1024 ** 3).toFixed(1)} GB, load average ${l1!.toFixed(1)} / ${l5!.toFixed(1)} (1 / 5 min)`,
    );
    console.log(`Redis: ${redisServer ? `private redis-server at ${REDIS_URL}` : REDIS_URL}\n`);
    for (const model of ['bench-tts', 'tts-1'] as const) {
      await measure(targets, speechCase(model, 'mp3', 672), true);
      await measure(targets, speechCase(model, 'pcm', 4_800), true);
    }
    await measure(targets, transcriptionCase(), false);
    const [e1] = loadavg();
    console.log(`\nload average at the end: ${e1!.toFixed(1)}`);
  } finally {
    await gateway.stop();
    upstream.child.kill('SIGTERM');
    redisServer?.child.kill('SIGTERM');
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
