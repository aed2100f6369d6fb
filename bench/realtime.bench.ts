import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startBenchGateway, type BenchGateway } from './bench-gateway';
import { rssOf, setGenerousQuotas } from './bench-processes';
import type { ProbeSample } from './gateway-memory-probe';

// Realtime bridge (`GET /v1/realtime`) through the built gateway, plain `ws` as the client, a paced stub
// chat-completions model as the upstream (in this process, so all timestamps share one clock).
//
// 1. Latency, over BENCH_TURNS server-VAD turns on one session: the client appends a real speech clip then
//    silence, in 20 ms appends at real time. Measured per turn:
//    - wait: from sending the append that held the clip's last speech frame to the first
//      `response.output_audio.delta` — what the user waits; it includes the VAD's silence window
//      (`silence_duration_ms`), which no implementation can skip;
//    - upstream: the stub's own time to first audio (request body received → first audio chunk written),
//      i.e. BENCH_THINK_MS plus timer slack;
//    - gateway share = wait − silence window − upstream, split into before the upstream call (VAD decision,
//      commit, WAV, pipeline admission) and after it (relay of the first chunk to the socket).
// 2. Capacity, for each K in BENCH_SESSIONS: a fresh gateway, K sockets opened at once, each appending
//    200 ms of (silent) audio every 2 s (10 % duty cycle, real time while it talks) for BENCH_HOLD_S;
//    prints the gateway's RSS before / with all open / after closing, per session, and whether every
//    session got `session.created` and stayed open. BENCH_CAPACITY_AUDIO=speech appends slices of the
//    speech clip instead (VAD on, no responses), so each talking session leases a Silero detector
//    (`realtime.vad.engine: silero`) while it talks and for a second after.
//
// Exits 1 if a session fails to open or drops, or a turn gets no audio. No timed pass/fail: numbers only.
// Run: `npm run bench:realtime` (builds the gateway; needs Redis). BENCH_TURNS (default 15),
// BENCH_THINK_MS (default 300), BENCH_SILENCE_MS (VAD silence_duration_ms, default 500),
// BENCH_SESSIONS (default 50,100,200), BENCH_HOLD_S (default 15), BENCH_CAPACITY_AUDIO (silence | speech,
// default silence), BENCH_VAD_ENGINES (realtime.vad.engine of each pass, default silero; e.g. energy,silero
// measures both in one run, for ratios under the same load).

const TURNS = Number(process.env.BENCH_TURNS ?? 15);
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 300);
const SILENCE_MS = Number(process.env.BENCH_SILENCE_MS ?? 500);
const SESSIONS = (process.env.BENCH_SESSIONS ?? '50,100,200').split(',').map(Number);
const HOLD_S = Number(process.env.BENCH_HOLD_S ?? 15);
const CAPACITY_SPEECH = process.env.BENCH_CAPACITY_AUDIO === 'speech';
/** `realtime.vad.engine` of the gateways, each measured in turn in the same run (default: the gateway's own default). */
const ENGINES = (process.env.BENCH_VAD_ENGINES ?? 'silero').split(',') as Array<'silero' | 'energy'>;

/** 24 kHz mono s16le: 48 bytes per ms, 960 per 20 ms frame. */
const BYTES_PER_MS = 48;
const FRAME_MS = 20;
const FRAME_BYTES = BYTES_PER_MS * FRAME_MS;
/** Silence appended after the clip: the VAD window plus room for the answer to start. */
const TAIL_MS = SILENCE_MS + THINK_MS + 1500;

// Compiled to dist/bench-realtime/bench/: the repository root is three levels up.
const SPEECH = readFileSync(path.resolve(__dirname, '../../../libs/testing/fixtures/speech/speech-24k.pcm16'));
/** The answer the stub speaks: the same clip (1.78 s), so a turn lasts as long as a short real answer. */
const ANSWER_PCM = SPEECH;

/**
 * Offset (ms) of the end of the clip's last 20 ms frame above -40 dBFS RMS — the level the gateway's
 * energy VAD maps the default threshold 0.5 onto (-60…-20 dBFS) — i.e. where the speech ends.
 */
function speechEndMs(pcm: Buffer): number {
  let end = 0;
  for (let at = 0; at + FRAME_BYTES <= pcm.length; at += FRAME_BYTES) {
    let sum = 0;
    for (let i = at; i < at + FRAME_BYTES; i += 2) sum += pcm.readInt16LE(i) ** 2;
    const dbfs = 20 * Math.log10(Math.sqrt(sum / (FRAME_BYTES / 2)) / 32768 || 1e-9);
    if (dbfs > -40) end = (at + FRAME_BYTES) / BYTES_PER_MS;
  }
  return end;
}
const SPEECH_END_MS = speechEndMs(SPEECH);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------- upstream

/** One answer as the stub saw it: body received, first audio chunk written (performance.now()). */
interface UpstreamTurn {
  received: number;
  firstAudio: number;
}

const upstreamTurns: UpstreamTurn[] = [];

/**
 * A chat-completions audio model with realistic pacing: headers and the role chunk at once, the first
 * audio chunk (with the first transcript words) after THINK_MS, then 20 ms of pcm16 every 20 ms at real
 * time, then `expires_at`, `finish_reason`, usage and `[DONE]`.
 */
function pacedUpstream(): Promise<{ url: string; close: () => void }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      const turn: UpstreamTurn = { received: performance.now(), firstAudio: 0 };
      upstreamTurns.push(turn);
      const chunk = (choices: unknown[], usage?: unknown) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-rt', object: 'chat.completion.chunk', created: 1, model: 'bench-model', choices, ...(usage ? { usage } : {}) })}\n\n`;
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write(chunk([{ index: 0, delta: { role: 'assistant', refusal: null }, finish_reason: null }]));
      const words = 'has never been surpassed.'.split(/(?= )/);
      let offset = 0;
      let timer: NodeJS.Timeout | undefined;
      const think = setTimeout(() => {
        const started = performance.now();
        let sent = 0;
        const tick = () => {
          // Real-time pacing against the clock, not the timer count (timers drift on a busy machine).
          while (offset < ANSWER_PCM.length && sent * FRAME_MS <= performance.now() - started) {
            const data = ANSWER_PCM.subarray(offset, offset + FRAME_BYTES).toString('base64');
            const transcript = words[sent % 10 === 0 ? sent / 10 : -1];
            const audio = { ...(sent === 0 ? { id: 'audio_rt' } : {}), data, ...(transcript ? { transcript } : {}) };
            response.write(chunk([{ index: 0, delta: { audio }, finish_reason: null }]));
            if (sent === 0) turn.firstAudio = performance.now();
            offset += FRAME_BYTES;
            sent++;
          }
          if (offset < ANSWER_PCM.length) return;
          clearInterval(timer);
          response.write(chunk([{ index: 0, delta: { audio: { expires_at: 4_000_000_000 } }, finish_reason: null }]));
          response.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
          response.write(
            chunk([], {
              prompt_tokens: 60,
              completion_tokens: 120,
              total_tokens: 180,
              prompt_tokens_details: { audio_tokens: 50, cached_tokens: 0 },
              completion_tokens_details: { audio_tokens: 110 },
            }),
          );
          response.end('data: [DONE]\n\n');
        };
        tick();
        timer = setInterval(tick, FRAME_MS / 2);
      }, THINK_MS);
      response.on('close', () => {
        clearTimeout(think);
        clearInterval(timer);
      });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
        close: () => server.close(),
      }),
    ),
  );
}

// ------------------------------------------------------------------------------------------------ client

interface ServerEvent {
  type: string;
  audio_end_ms?: number;
  response?: { status?: string };
  error?: { message?: string };
}

/** A realtime socket with its events queued; `next` waits for the next event of a type. */
class Session {
  readonly events: ServerEvent[] = [];
  closed: number | null = null;
  private readonly waiters: Array<{ type: string; resolve: (event: ServerEvent) => void }> = [];
  private readonly firstOf = new Map<string, number>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as ServerEvent;
      if (!this.firstOf.has(event.type)) this.firstOf.set(event.type, performance.now());
      this.events.push(event);
      const index = this.waiters.findIndex((waiter) => waiter.type === event.type);
      if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(event);
    });
    socket.on('close', (code) => (this.closed = code));
    socket.on('error', () => undefined); // seen as `closed`
  }

  static open(gateway: BenchGateway): Promise<Session> {
    const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/v1/realtime?model=bench-model`, {
      headers: { authorization: `Bearer ${gateway.key}` },
    });
    const session = new Session(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(session));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`handshake refused: HTTP ${response.statusCode}`)),
      );
    });
  }

  send(event: object): void {
    this.socket.send(JSON.stringify(event));
  }

  /** Forgets first-seen times, so `first(type)` reports the next turn's. */
  resetFirst(): void {
    this.firstOf.clear();
  }

  first(type: string): number | undefined {
    return this.firstOf.get(type);
  }

  /** Resolves once an event of `type` arrived (at any time, also before this call). */
  async seen(type: string, timeoutMs = 30_000): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (this.events.some((event) => event.type === type)) return true;
      if (this.closed !== null) return false;
      await sleep(50);
    }
    return false;
  }

  /** The next event of `type` arriving after this call. */
  next(type: string, timeoutMs = 15_000): Promise<ServerEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        type,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }
}

/**
 * Appends `pcm` in 20 ms appends at real time (scheduled against the clock); returns when the append
 * ending at `markMs` into `pcm` was sent (performance.now()) once all of it is sent.
 */
async function appendRealTime(session: Session, pcm: Buffer, markMs: number): Promise<number> {
  const started = performance.now();
  let marked = 0;
  for (let frame = 0; frame * FRAME_BYTES < pcm.length; frame++) {
    const due = started + frame * FRAME_MS;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const audio = pcm.subarray(frame * FRAME_BYTES, (frame + 1) * FRAME_BYTES).toString('base64');
    session.send({ type: 'input_audio_buffer.append', audio });
    if (marked === 0 && (frame + 1) * FRAME_MS >= markMs) marked = performance.now();
  }
  return marked;
}

// ----------------------------------------------------------------------------------------------- latency

interface Turn {
  wait: number;
  upstream: number;
  beforeUpstream: number;
  afterUpstream: number;
  vadEndMs: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function latency(gateway: BenchGateway): Promise<Turn[]> {
  const session = await Session.open(gateway);
  if (!(await session.seen('session.created'))) throw new Error('latency session: no session.created');
  session.send({
    type: 'session.update',
    session: {
      type: 'realtime',
      audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: SILENCE_MS } } },
    },
  });
  await session.next('session.updated');
  const lead = Buffer.alloc(BYTES_PER_MS * 400); // silence before speech, as a microphone gives
  const clip = Buffer.concat([lead, SPEECH, Buffer.alloc(BYTES_PER_MS * TAIL_MS)]);
  const turns: Turn[] = [];
  let clockMs = 0; // the session's audio clock (all audio appended so far), which audio_end_ms counts on
  for (let turn = -1; turn < TURNS; turn++) {
    // turn -1 warms the path (first pipeline call, connection to the upstream) and is not counted
    session.resetFirst();
    const before = upstreamTurns.length;
    const done = session.next('response.done', 30_000);
    const stopped = session.next('input_audio_buffer.speech_stopped', 30_000);
    const speechEnd = await appendRealTime(session, clip, 400 + SPEECH_END_MS);
    const response = await done;
    const firstDelta = session.first('response.output_audio.delta');
    const upstream = upstreamTurns[before];
    if (response.response?.status !== 'completed' || firstDelta === undefined || !upstream) {
      throw new Error(
        `turn ${turn}: no audio (response.done ${response.response?.status}, upstream calls ${upstreamTurns.length - before})`,
      );
    }
    const wait = firstDelta - speechEnd;
    if (turn >= 0) {
      turns.push({
        wait,
        upstream: upstream.firstAudio - upstream.received,
        beforeUpstream: upstream.received - speechEnd - SILENCE_MS,
        afterUpstream: firstDelta - upstream.firstAudio,
        vadEndMs: ((await stopped).audio_end_ms ?? NaN) - clockMs - 400,
      });
    }
    clockMs += clip.length / BYTES_PER_MS;
    await sleep(300);
  }
  session.socket.close(1000);
  return turns;
}

// ---------------------------------------------------------------------------------------------- capacity

const PROBE_FILE = path.join(tmpdir(), `voxgate-bench-rt-probe-${process.pid}.json`);

/** The gateway's memory right after a full GC (`gateway-memory-probe.ts`): what is still reachable. */
async function probeAfterGc(): Promise<ProbeSample> {
  rmSync(`${PROBE_FILE}.gc`, { force: true });
  writeFileSync(`${PROBE_FILE}.gc-request`, '');
  while (!existsSync(`${PROBE_FILE}.gc`)) await sleep(50);
  return JSON.parse(readFileSync(`${PROBE_FILE}.gc`, 'utf8')) as ProbeSample;
}

const live = (sample: ProbeSample) => sample.heapUsed + sample.external;

interface Capacity {
  sessions: number;
  liveBefore: number;
  liveOpen: number;
  liveClosed: number;
  opened: number;
  created: number;
  openAtEnd: number;
  rssBefore: number;
  rssOpen: number;
  rssEnd: number;
  rssClosed: number;
  openMs: number;
  /** The gateway's CPU time over the hold (from 3 s in to the end), as % of one core. */
  cpuPercent: number;
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function capacity(upstreamUrl: string, k: number, engine: string): Promise<Capacity> {
  const gateway = await startBenchGateway(
    upstreamUrl,
    // Memory is measured here, not Redis latency: a busy machine must not fail handshakes on a timeout.
    { redis: { commandTimeoutMs: 10_000 }, realtime: { vad: { engine } } },
    {
      args: ['--expose-gc', '--require', path.join(__dirname, 'gateway-memory-probe.js')],
      env: { VOXGATE_PROBE_FILE: PROBE_FILE, VOXGATE_PROBE_UPSTREAM_PORT: new URL(upstreamUrl).port },
    },
  );
  try {
    await setGenerousQuotas(gateway);
    // Warm-up: the handshake and session code loaded, before the baseline is taken.
    const warm = await Promise.all(Array.from({ length: 5 }, () => Session.open(gateway)));
    await Promise.all(warm.map((session) => session.seen('session.created')));
    for (const session of warm) session.socket.close(1000);
    await sleep(2000);
    const liveBefore = live(await probeAfterGc());
    const rssBefore = rssOf(gateway.pid);
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: k }, () => Session.open(gateway)));
    const sessions = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    await Promise.all(sessions.map((session) => session.seen('session.created')));
    const openMs = performance.now() - started;
    const created = sessions.filter((session) => session.events.some((event) => event.type === 'session.created'));
    const silence = Buffer.alloc(BYTES_PER_MS * 200).toString('base64');
    const slices = Array.from({ length: Math.floor(SPEECH.length / (BYTES_PER_MS * 200)) }, (_, index) =>
      SPEECH.subarray(index * BYTES_PER_MS * 200, (index + 1) * BYTES_PER_MS * 200).toString('base64'),
    );
    if (CAPACITY_SPEECH) {
      // VAD stays on (it is what is measured) but answers nothing: no upstream calls in a memory bench.
      const vad = { type: 'server_vad', create_response: false, interrupt_response: false };
      for (const session of sessions) {
        session.send({
          type: 'session.update',
          session: { type: 'realtime', audio: { input: { turn_detection: vad } } },
        });
      }
    }
    // Each session talks 200 ms every 2 s, the sessions staggered over the period.
    const timers = sessions.map((session, index) => {
      let nth = index;
      const talk = () => {
        const audio = CAPACITY_SPEECH ? slices[nth++ % slices.length]! : silence;
        if (session.socket.readyState === WebSocket.OPEN) session.send({ type: 'input_audio_buffer.append', audio });
      };
      let interval: NodeJS.Timeout | undefined;
      const start = setTimeout(
        () => {
          talk();
          interval = setInterval(talk, 2000);
        },
        (2000 * index) / k,
      );
      return () => {
        clearTimeout(start);
        clearInterval(interval);
      };
    });
    await sleep(Math.min(3000, HOLD_S * 1000));
    const rssOpen = rssOf(gateway.pid);
    const cpuOpen = cpuSecondsOf(gateway.pid);
    const holdStarted = performance.now();
    await sleep(Math.max(0, HOLD_S * 1000 - 3000));
    const rssEnd = rssOf(gateway.pid);
    const cpuPercent = ((cpuSecondsOf(gateway.pid) - cpuOpen) / ((performance.now() - holdStarted) / 1000)) * 100;
    const liveOpen = live(await probeAfterGc());
    for (const stop of timers) stop();
    const openAtEnd = sessions.filter((session) => session.closed === null).length;
    for (const session of sessions) session.socket.close(1000);
    await sleep(3000);
    const rssClosed = rssOf(gateway.pid);
    const liveClosed = live(await probeAfterGc());
    return {
      sessions: k,
      liveBefore,
      liveOpen,
      liveClosed,
      opened: sessions.length,
      created: created.length,
      openAtEnd,
      rssBefore,
      rssOpen,
      rssEnd,
      rssClosed,
      openMs,
      cpuPercent,
    };
  } finally {
    await gateway.stop();
    for (const suffix of ['', '.gc', '.gc-request', '.tmp', '.gc.tmp']) rmSync(PROBE_FILE + suffix, { force: true });
  }
}

// ------------------------------------------------------------------------------------------------- main

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  const upstream = await pacedUpstream();
  let failed = false;
  try {
    console.log(
      `realtime bench: host ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, load at start ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    for (const engine of ENGINES) {
      const gateway = TURNS > 0 ? await startBenchGateway(upstream.url, { realtime: { vad: { engine } } }) : null;
      let turns: Turn[] = [];
      try {
        if (gateway) await setGenerousQuotas(gateway);
        if (gateway) turns = await latency(gateway);
      } finally {
        await gateway?.stop();
      }
      if (turns.length > 0)
        console.log(
          `\nlatency (vad.engine ${engine}): ${TURNS} server-VAD turns (+1 warm-up), speech clip ${(SPEECH.length / BYTES_PER_MS).toFixed(0)} ms (speech ends at ${SPEECH_END_MS} ms), silence_duration_ms ${SILENCE_MS}, upstream think ${THINK_MS} ms then 20 ms chunks at real time`,
        );
      if (turns.length > 0) console.log('| ms | p50 | p95 |\n|---|---|---|');
      const row = (label: string, pick: (t: Turn) => number) =>
        turns.length > 0 &&
        console.log(
          `| ${label} | ${percentile(turns.map(pick), 50).toFixed(0)} | ${percentile(turns.map(pick), 95).toFixed(0)} |`,
        );
      row('end of speech → first audio delta (user wait)', (t) => t.wait);
      row('  of which VAD silence window (fixed)', () => SILENCE_MS);
      row('  of which upstream time to first audio', (t) => t.upstream);
      row('  of which gateway share', (t) => t.wait - SILENCE_MS - t.upstream);
      row('    gateway: end of silence window → upstream request received', (t) => t.beforeUpstream);
      row('    gateway: upstream first audio → client first delta', (t) => t.afterUpstream);
      row('VAD audio_end_ms − speech end in clip', (t) => t.vadEndMs - SPEECH_END_MS);

      console.log(
        `\ncapacity (vad.engine ${engine}): K sessions opened at once on a fresh gateway, each appending 200 ms of ${CAPACITY_SPEECH ? 'speech (VAD on, no answers)' : 'silence'} every 2 s, held ${HOLD_S} s`,
      );
      console.log(
        '| K | opened | session.created | open at end | open all ms | RSS before MiB | RSS 3 s in MiB | RSS at end MiB | RSS per session KiB | RSS after close MiB | live heap+external per session KiB (after GC) | live after close − before KiB | gateway CPU % of a core (hold) |',
      );
      console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
      for (const k of SESSIONS) {
        const c = await capacity(upstream.url, k, engine);
        if (c.opened < k || c.created < k || c.openAtEnd < k) failed = true;
        console.log(
          `| ${k} | ${c.opened} | ${c.created} | ${c.openAtEnd} | ${c.openMs.toFixed(0)} | ${mib(c.rssBefore)} | ${mib(c.rssOpen)} | ${mib(c.rssEnd)} | ${((c.rssEnd - c.rssBefore) / 1024 / k).toFixed(0)} | ${mib(c.rssClosed)} | ${((c.liveOpen - c.liveBefore) / 1024 / k).toFixed(0)} | ${((c.liveClosed - c.liveBefore) / 1024).toFixed(0)} | ${c.cpuPercent.toFixed(0)} |`,
        );
      }
    }
    console.log(
      `load at end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    upstream.close();
  }
  if (failed) {
    console.error('FAILED: some sessions did not open, did not get session.created, or closed early');
    process.exitCode = 1;
  }
  // No process.exit: the gateways' stdout pipes keep this process until they have exited (no EPIPE in them).
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
