/**
 * Slow readers benchmark (not a test): run with `npm run bench:slow-readers` (needs Redis).
 *
 * The built gateway (dist/) in front of a fast local upstream that streams STREAM_BYTES of text per
 * completion as fast as the connection takes it. STREAMS clients open streams at once:
 *
 * A. slow: they read about READ_BYTES_PER_S each (a phone on a bad link), for READ_SECONDS, then hang up;
 * B. baseline, after A (so A starts from an idle heap): they read at full speed.
 *
 * For each run it samples the gateway's RSS (/proc) and prints (peak − idle) / STREAMS, and the RSS a few
 * seconds after every stream closed against the idle RSS. The gateway must stop reading the upstream while a
 * client is behind (backpressure): target ≤ 2 MB per slow stream, and memory back near idle afterwards. Both
 * runs share one gateway process, so the ratio B/A compares like with like.
 */
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { startBenchGateway } from './bench-gateway';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 50);
const STREAM_BYTES = 8 * 1024 * 1024;
const CHUNK_CHARS = 4096;
const READ_BYTES_PER_S = 20 * 1024;
const READ_SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 12);
const SETTLE_MS = 4_000;
const MB = 1024 * 1024;

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

function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
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
      if (response.statusCode !== 200) return reject(new Error(`HTTP ${response.statusCode}`));
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
  afterVsIdleMb: number;
}

async function measure(label: string, pid: number, open: () => Promise<number>[]): Promise<Run> {
  const idle = rssOf(pid);
  upstreamBytes = 0;
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 100);
  const received = await Promise.all(open());
  clearInterval(sampler);
  peak = Math.max(peak, rssOf(pid));
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const after = rssOf(pid);
  const perStreamMb = (peak - idle) / STREAMS / MB;
  const afterVsIdleMb = (after - idle) / MB;
  const readMb = received.reduce((sum, bytes) => sum + bytes, 0) / STREAMS / MB;
  console.log(`${label}`);
  console.log(
    `   RSS idle ${(idle / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB, after ${(after / MB).toFixed(1)} MB`,
  );
  console.log(
    `   per stream (peak − idle) / ${STREAMS}: ${perStreamMb.toFixed(2)} MB   (client read ${readMb.toFixed(2)} MB each)`,
  );
  console.log(`   after the streams closed − idle: ${afterVsIdleMb.toFixed(1)} MB`);
  console.log(`   upstream wrote ${(upstreamBytes / STREAMS / MB).toFixed(2)} MB per stream`);
  return { perStreamMb, afterVsIdleMb };
}

async function main(): Promise<void> {
  console.log(
    `Voxgate slow readers — node ${process.version}, ${cpus().length} cores, ${STREAMS} streams of ${STREAM_BYTES / MB} MB\n`,
  );
  const upstream = await fastUpstream();
  const gateway = await startBenchGateway(upstream.url);
  const { url: gatewayUrl, key, pid } = gateway;
  try {
    // Warm-up: code paths loaded, heap grown to its working size, before anything is measured.
    await Promise.all(Array.from({ length: 5 }, () => stream(gatewayUrl, key, Infinity, 60)));
    const slow = await measure(
      `A. ${STREAMS} streams read at ${READ_BYTES_PER_S / 1024} KB/s for ${READ_SECONDS} s`,
      pid,
      () => Array.from({ length: STREAMS }, () => stream(gatewayUrl, key, READ_BYTES_PER_S, READ_SECONDS)),
    );
    console.log('');
    const fast = await measure(`B. baseline: ${STREAMS} streams read at full speed`, pid, () =>
      Array.from({ length: STREAMS }, () => stream(gatewayUrl, key, Infinity, 120)),
    );
    console.log('');
    console.log(
      `   per slow stream ${slow.perStreamMb.toFixed(2)} MB (target ≤ 2 MB: ${slow.perStreamMb <= 2 ? 'met' : 'NOT met'}), ` +
        `slow/full-speed ratio ${(slow.perStreamMb / Math.max(fast.perStreamMb, 0.01)).toFixed(2)}`,
    );
  } finally {
    await gateway.stop();
    upstream.server.closeAllConnections();
    upstream.server.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
