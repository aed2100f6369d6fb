/**
 * Slow readers benchmark (not a test): run with `npm run bench:slow-readers` (needs Redis).
 *
 * The built gateway (dist/) in front of a fast local upstream that streams STREAM_BYTES of text per
 * completion as fast as the connection takes it. STREAMS clients open streams at once:
 *
 * A. slow: they read about READ_BYTES_PER_S each (a phone on a bad link), for READ_SECONDS, then hang up;
 * B. baseline, after A (so A starts from an idle heap): they read at full speed.
 *
 * The gateway runs with `gateway-memory-probe.ts` preloaded, which reports its `process.memoryUsage()`
 * and how many bytes its sockets to the upstream delivered (excluding the kernel's socket buffers). For
 * each run it prints, per stream: RSS, heap and external memory at the peak over idle, the upstream bytes
 * the gateway read (halfway through and at the end: with backpressure they stop growing while the client
 * is behind) against what the upstream managed to write (which includes the kernel's buffers); and after
 * every stream closed: RSS against idle, and the memory still reachable after a forced GC against idle
 * (a leak shows there; RSS that stays up with it back at idle is the allocator's, not the streams').
 * Target: ≤ 2 MB RSS per slow stream. Both runs share one gateway process, so the ratio compares like
 * with like. Then C: the gateway's RSS at boot (5 s after it listened, before any request) against the
 * 100 MB idle target of issue #12, and after A and B and BENCH_QUIET_MS (30 s) of quiet against boot.
 * BENCH_TCP_UNSENT_BYTES sets `server.tcpUnsentBytes` (0: the kernel's defaults), BENCH_NODE_ARGS adds
 * V8 flags to the gateway's command line.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { startBenchGateway } from './bench-gateway';
import type { ProbeSample } from './gateway-memory-probe';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 50);
const STREAM_BYTES = 8 * 1024 * 1024;
const CHUNK_CHARS = 4096;
const READ_BYTES_PER_S = 20 * 1024;
const READ_SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 12);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 4_000);
const MB = 1024 * 1024;
/** RSS per slow stream the gateway must stay under. */
const TARGET_MB = 2;
/** RSS of the idle gateway (issue #12), and after load once quiet it should come back near it. */
const IDLE_TARGET_MB = 100;
const BOOT_QUIET_MS = 5_000;
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 30_000);
const ZERO: ProbeSample = {
  rss: 0,
  heapUsed: 0,
  heapTotal: 0,
  external: 0,
  arrayBuffers: 0,
  upstreamRead: 0,
  spaces: {},
};

/** Bytes the upstream managed to write, all streams together: what the gateway read (or the kernel holds). */
let upstreamBytes = 0;

/** Streams STREAM_BYTES of content deltas per request, respecting TCP backpressure only. */
async function fastUpstream(): Promise<{ server: Server; url: string }> {
  const content = 'x'.repeat(CHUNK_CHARS);
  const event = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-bench',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'bench-model',
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => void send(response));
  });
  const send = async (response: ServerResponse) => {
    {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(event({ role: 'assistant', content: '' }));
      let closed = false;
      response.once('close', () => (closed = true));
      for (let sent = 0; sent < STREAM_BYTES && !closed; sent += CHUNK_CHARS) {
        const data = event({ content });
        upstreamBytes += data.length;
        if (!response.write(data)) await new Promise((resolve) => response.once('drain', resolve));
      }
      if (closed) return;
      response.write(event({}, 'stop'));
      response.write(
        `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench-model', choices: [], usage: { prompt_tokens: 5, completion_tokens: STREAM_BYTES / 4, total_tokens: 5 + STREAM_BYTES / 4 } })}\n\n`,
      );
      response.end('data: [DONE]\n\n');
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

const PROBE_FILE = path.join(tmpdir(), `voxgate-bench-probe-${process.pid}.json`);

/** The probe's latest sample of the gateway. */
function probe(): ProbeSample {
  return JSON.parse(readFileSync(PROBE_FILE, 'utf8')) as ProbeSample;
}

/** A sample taken right after a full GC in the gateway: what is still reachable. */
async function probeAfterGc(): Promise<ProbeSample> {
  rmSync(`${PROBE_FILE}.gc`, { force: true });
  writeFileSync(`${PROBE_FILE}.gc-request`, '');
  while (!existsSync(`${PROBE_FILE}.gc`)) await sleep(50);
  return JSON.parse(readFileSync(`${PROBE_FILE}.gc`, 'utf8')) as ProbeSample;
}

/** User + system CPU seconds of process `pid` so far (Linux; 0 elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function sysctl(name: string): string {
  try {
    return readFileSync(`/proc/sys/${name}`, 'utf8').trim();
  } catch {
    return 'n/a';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One streaming request read at `bytesPerS` (Infinity: as fast as possible) for at most `seconds`. */
function stream(gatewayUrl: string, key: string, bytesPerS: number, seconds: number): Promise<number> {
  const url = new URL(`${gatewayUrl}/v1/chat/completions`);
  const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'hi' }], stream: true });
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
    req.once('error', reject);
    req.once('response', (response) => {
      if (response.statusCode !== 200) {
        let text = '';
        response.on('data', (data: Buffer) => (text += data.toString()));
        response.once('end', () => reject(new Error(`HTTP ${response.statusCode}: ${text}`)));
        return;
      }
      let received = 0;
      const stop = setTimeout(() => {
        clearInterval(tick);
        response.destroy();
        resolve(received);
      }, seconds * 1000);
      let tick: NodeJS.Timeout | undefined;
      if (bytesPerS === Infinity) {
        response.on('data', (data: Buffer) => (received += data.length));
      } else {
        // 10 reads a second of a tenth of the budget; the rest waits in the socket, as with a slow link.
        response.pause();
        tick = setInterval(() => {
          const take = Math.min(bytesPerS / 10, response.readableLength);
          const data = take > 0 ? (response.read(take) as Buffer | null) : null;
          if (data) received += data.length;
        }, 100);
      }
      response.once('end', () => {
        clearTimeout(stop);
        clearInterval(tick);
        resolve(received);
      });
      response.once('error', () => undefined);
    });
    req.end(body);
  });
}

interface Run {
  perStreamMb: number;
}

const mb = (bytes: number) => (bytes / MB).toFixed(2);

async function measure(label: string, seconds: number, open: () => Promise<number>[]): Promise<Run> {
  const idleLive = await probeAfterGc();
  await sleep(500);
  const idle = probe();
  upstreamBytes = 0;
  const peak = { rss: idle.rss, heapUsed: idle.heapUsed, external: idle.external };
  let atPeakRss = idle;
  const sampler = setInterval(() => {
    const now = probe();
    if (now.rss > atPeakRss.rss) atPeakRss = now;
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
    peak.external = Math.max(peak.external, now.external);
  }, 100);
  const readAt: number[] = [];
  const marks = (seconds > 0 ? [seconds / 2, seconds - 0.5] : []).map((at) =>
    setTimeout(() => readAt.push((probe().upstreamRead - idle.upstreamRead) / STREAMS), at * 1000),
  );
  const received = await Promise.all(open());
  clearInterval(sampler);
  marks.forEach(clearTimeout);
  await sleep(300); // the probe samples every 100 ms; the last sockets' counts must be in
  const closedAt = probe();
  const wrote = upstreamBytes / STREAMS;
  await sleep(SETTLE_MS);
  const after = probe();
  const afterLive = await probeAfterGc();
  const perStream = (key: 'rss' | 'heapUsed' | 'external') => (peak[key] - idle[key]) / STREAMS;
  const clientRead = received.reduce((sum, bytes) => sum + bytes, 0) / STREAMS;
  const gatewayRead = (closedAt.upstreamRead - idle.upstreamRead) / STREAMS;
  const live = (sample: ProbeSample) => sample.heapUsed + sample.external;
  console.log(label);
  console.log(
    `   RSS idle ${mb(idle.rss)} MB, peak ${mb(peak.rss)} MB, ${SETTLE_MS / 1000} s after the close ${mb(after.rss)} MB`,
  );
  console.log(
    `   per stream at the peak: RSS ${mb(perStream('rss'))} MB, heap used ${mb(perStream('heapUsed'))} MB, ` +
      `external ${mb(perStream('external'))} MB`,
  );
  console.log(`   at the RSS peak, over idle: ${breakdown(atPeakRss, idle)}`);
  console.log(
    `   per stream: client read ${mb(clientRead)} MB; gateway read from the upstream ` +
      (readAt.length === 2
        ? `${mb(readAt[0]!)} MB at ${seconds / 2} s, ${mb(readAt[1]!)} MB at ${seconds - 0.5} s, `
        : '') +
      `${mb(gatewayRead)} MB in all; upstream wrote ${mb(wrote)} MB (kernel buffers included)`,
  );
  console.log(
    `   after the close − idle: RSS ${mb(after.rss - idle.rss)} MB; reachable after a forced GC ` +
      `(heap used + external) ${mb(live(afterLive) - live(idleLive))} MB (idle ${mb(live(idleLive))} MB)`,
  );
  return { perStreamMb: perStream('rss') / MB };
}

/**
 * Where RSS went between two samples: V8's heap by space (reserved, not used), memory outside it that V8
 * knows of (`external`, of which array buffers), and the rest (native allocations, code, stacks).
 */
function breakdown(at: ProbeSample, base: ProbeSample): string {
  const space = (name: string) => (at.spaces[name] ?? 0) - (base.spaces[name] ?? 0);
  const named = ['new_space', 'old_space', 'large_object_space'];
  const otherSpaces = at.heapTotal - base.heapTotal - named.reduce((sum, name) => sum + space(name), 0);
  const rest = at.rss - base.rss - (at.heapTotal - base.heapTotal) - (at.external - base.external);
  return (
    `RSS ${mb(at.rss - base.rss)} MB = V8 heap ${mb(at.heapTotal - base.heapTotal)} MB ` +
    `(new ${mb(space('new_space'))}, old ${mb(space('old_space'))}, large objects ${mb(space('large_object_space'))}, ` +
    `other ${mb(otherSpaces)}; used ${mb(at.heapUsed - base.heapUsed)}) + external ${mb(at.external - base.external)} MB ` +
    `(array buffers ${mb(at.arrayBuffers - base.arrayBuffers)}) + native/other ${mb(rest)} MB`
  );
}

async function main(): Promise<void> {
  console.log(
    `Voxgate slow readers — node ${process.version}, ${cpus().length} cores, ${STREAMS} streams of ${STREAM_BYTES / MB} MB\n`,
  );
  const upstream = await fastUpstream();
  // BENCH_TCP_UNSENT_BYTES=0 measures without the gateway's per-connection bound (the kernel's defaults).
  const unsent = process.env.BENCH_TCP_UNSENT_BYTES;
  console.log(
    `server.tcpUnsentBytes: ${unsent ?? 'default'}; net.ipv4.tcp_notsent_lowat: ${sysctl('net/ipv4/tcp_notsent_lowat')}\n`,
  );
  const gateway = await startBenchGateway(
    upstream.url,
    {
      // Memory is measured here, not Redis latency: a machine busy enough to delay Redis past the default
      // 1 s command timeout must not turn streams into 503s.
      redis: { commandTimeoutMs: 10_000 },
      ...(unsent === undefined ? {} : { server: { tcpUnsentBytes: Number(unsent) } }),
    },
    {
      // BENCH_NODE_ARGS: V8 flags to try on the gateway (e.g. `--max-semi-space-size=2`).
      args: [
        ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
        '--expose-gc',
        '--require',
        path.join(__dirname, 'gateway-memory-probe.js'),
      ],
      env: { VOXGATE_PROBE_FILE: PROBE_FILE, VOXGATE_PROBE_UPSTREAM_PORT: new URL(upstream.url).port },
    },
  );
  const { url: gatewayUrl, key } = gateway;
  try {
    // Idle as an operator sees it: booted, nothing served yet, a few seconds of quiet.
    await sleep(BOOT_QUIET_MS);
    const boot = probe();
    // Warm-up: code paths loaded, heap grown to its working size, before anything is measured.
    await Promise.all(Array.from({ length: 5 }, () => stream(gatewayUrl, key, Infinity, 60)));
    const slow = await measure(
      `A. ${STREAMS} streams read at ${READ_BYTES_PER_S / 1024} KB/s for ${READ_SECONDS} s`,
      READ_SECONDS,
      () => Array.from({ length: STREAMS }, () => stream(gatewayUrl, key, READ_BYTES_PER_S, READ_SECONDS)),
    );
    console.log('');
    const cpuBefore = cpuSeconds(gateway.pid);
    const fast = await measure(`B. baseline: ${STREAMS} streams read at full speed`, 0, () =>
      Array.from({ length: STREAMS }, () => stream(gatewayUrl, key, Infinity, 120)),
    );
    const cpu = cpuSeconds(gateway.pid) - cpuBefore;
    console.log(`   gateway CPU for B (its settle included): ${cpu.toFixed(2)} s`);
    console.log('');
    // After load: RSS once the gateway has been quiet for a while (Node runs no idle GC of its own).
    await sleep(QUIET_MS);
    const quiet = probe();
    console.log(
      `C. RSS idle at boot ${mb(boot.rss)} MB (${(boot.rss / MB / IDLE_TARGET_MB).toFixed(2)}× the ${IDLE_TARGET_MB} MB ` +
        `target: ${boot.rss / MB <= IDLE_TARGET_MB ? 'met' : 'NOT met'}); after A and B and ` +
        `${(SETTLE_MS + QUIET_MS) / 1000} s of quiet ${mb(quiet.rss)} MB (${(quiet.rss / boot.rss).toFixed(2)}× boot)`,
    );
    console.log(`   at boot: ${breakdown(boot, ZERO)}`);
    console.log(`   after the quiet period, over boot: ${breakdown(quiet, boot)}`);
    console.log('');
    console.log(
      `   per slow stream ${slow.perStreamMb.toFixed(2)} MB RSS, ${(slow.perStreamMb / TARGET_MB).toFixed(2)}× the ` +
        `${TARGET_MB} MB target (${slow.perStreamMb <= TARGET_MB ? 'met' : 'NOT met'}), ` +
        `slow/full-speed ratio ${(slow.perStreamMb / Math.max(fast.perStreamMb, 0.01)).toFixed(2)}`,
    );
  } finally {
    await gateway.stop();
    rmSync(PROBE_FILE, { force: true });
    rmSync(`${PROBE_FILE}.gc`, { force: true });
    upstream.server.closeAllConnections();
    upstream.server.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
