import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { emptySummary, relayStream } from '@voxgate/conversation';
import { defaultDeps, OpenAICompatibleAdapter, type UpstreamTransport, upstreamTransport } from '@voxgate/providers';
import type { FastifyReply } from 'fastify';
import { writeSse } from './sse-writer';

/**
 * Backpressure through the whole streaming path: a real upstream HTTP server that writes as fast as its
 * socket takes, the real adapter over undici, the relay, and the SSE writer on a client socket that reads
 * nothing. What the gateway pulled from the upstream body is counted where the adapter reads it, so the
 * count excludes the kernel's socket buffers and does not depend on their autotuning.
 */

const EVENT = `data: ${JSON.stringify({
  id: 'chatcmpl-bp',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: { content: 'x'.repeat(4096) }, finish_reason: null }],
})}\n\n`;
/** Far more than any bound below: an upstream that would fill memory if nothing pushed back. */
const UPSTREAM_BYTES = 64 * 1024 * 1024;
/**
 * What one stream may pull while its client reads nothing: the body's 16 KiB high-water mark, the
 * chunk in flight through the relay, the SSE decoder's unfinished event and one read of the body.
 */
const BOUND = 256 * 1024;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fastUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      const pump = () => {
        while (sent < UPSTREAM_BYTES && !response.destroyed) {
          sent += EVENT.length;
          if (!response.write(EVENT)) return void response.once('drain', pump);
        }
        response.end('data: [DONE]\n\n');
      };
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

/** undici's transport, with the response body re-exposed one read per pull, counting the bytes pulled. */
function countingTransport(): { transport: UpstreamTransport; pulled: () => number } {
  let pulled = 0;
  const inner = upstreamTransport(1_000);
  const counting: UpstreamTransport = async (request) => {
    const response = await inner(request);
    const reads = response.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const body = new Readable({
      highWaterMark: 0,
      read() {
        reads.next().then(
          (read) => {
            if (read.done) return void this.push(null);
            pulled += read.value.byteLength;
            this.push(read.value);
          },
          (error: Error) => this.destroy(error),
        );
      },
      destroy(error, callback) {
        response.body.on('error', () => undefined).destroy(error ?? undefined);
        callback(error);
      },
    });
    return { ...response, body };
  };
  return { transport: counting, pulled: () => pulled };
}

/** A client socket with Node's default 16 KiB high-water mark that takes nothing until `read` is called. */
function stalledClient() {
  const held: (() => void)[] = [];
  let received = 0;
  let reading = false;
  const raw = Object.assign(
    new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (reading) callback();
        else held.push(() => callback());
      },
    }),
    { writeHead: () => undefined, flushHeaders: () => undefined },
  );
  const reply = { hijack: () => undefined, raw, request: { id: 'req_bp', headers: {} }, elapsedTime: 1 };
  return {
    reply: reply as unknown as FastifyReply,
    received: () => received,
    read: () => {
      reading = true;
      held.splice(0).forEach((release) => release());
    },
  };
}

describe('streaming backpressure (a client that reads nothing)', () => {
  let upstream: { server: Server; url: string };

  beforeAll(async () => {
    upstream = await fastUpstream();
  });

  afterAll(() => {
    upstream.server.closeAllConnections();
    upstream.server.close();
  });

  it('stops reading the upstream at a bound, resumes when the client reads, and cancels on abort', async () => {
    const { transport, pulled } = countingTransport();
    const adapter = new OpenAICompatibleAdapter(
      'bp',
      {
        baseUrl: upstream.url,
        apiKey: 'sk-bp',
        keys: [],
        chatCompletionsPath: '/chat/completions',
        query: {},
        authHeader: 'bearer',
        headers: {},
        timeouts: { connectMs: 1_000, firstByteMs: 5_000, idleMs: 5_000, totalMs: 60_000 },
      },
      { inputAudioFormats: [], streamingAudioFormats: [] },
      { ...defaultDeps, transport },
    );
    const abort = new AbortController();
    const stream = await adapter.streamChatCompletion(
      { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { requestId: 'req_bp', signal: abort.signal },
    );
    const summary = emptySummary();
    const client = stalledClient();
    const ended = writeSse(client.reply, relayStream(stream.chunks, { model: 'm', includeUsage: false }, summary), {
      headers: {},
      abort,
    });

    // The pipeline fills the socket's buffer, then waits: the count stops growing well below the upstream.
    await delay(300);
    const stalledAt = pulled();
    await delay(300);
    expect(pulled()).toBe(stalledAt);
    expect(stalledAt).toBeGreaterThan(0);
    expect(stalledAt).toBeLessThanOrEqual(BOUND);
    expect(client.received()).toBeLessThanOrEqual(BOUND);

    // The client reads: the gateway reads the upstream again (polled: on a busy host 300 ms was not
    // always enough for 1 MB, and this is about resuming, not speed).
    client.read();
    for (let waited = 0; pulled() <= 4 * BOUND && waited < 5_000; waited += 50) await delay(50);
    expect(pulled()).toBeGreaterThan(4 * BOUND);

    abort.abort(new Error('client went away'));
    await expect(ended).resolves.toBe('client_disconnected');
    const atEnd = pulled();
    await delay(100);
    expect(pulled()).toBe(atEnd);
    expect(atEnd).toBeLessThan(UPSTREAM_BYTES);
  }, 15_000);
});
