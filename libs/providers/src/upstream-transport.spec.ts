import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GatewayError } from '@voxgate/openai-wire';
import { CallAbort, type UpstreamSignal } from './call-abort';
import { ManualTimers } from './__fixtures__/manual-timers';
import { defaultDeps, OpenAICompatibleAdapter } from './openai-compatible/openai-compatible.adapter';
import { settings } from './openai-compatible/__fixtures__/adapter-harness';
import { release } from './upstream-deadline';
import { UpstreamStreamError } from './upstream-stream-error';
import { type UpstreamTransport, upstreamTransport } from './upstream-transport';

/**
 * The production transport against a real HTTP server on loopback: what reaches the provider, keep-alive,
 * and that every way a call can end early (abort before or during the answer, a body let go, a timeout of
 * the adapter's deadline, the client leaving) closes the provider's connection. Timeouts run on a manual
 * clock: nothing here waits for time to pass.
 */

type Handler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void;

interface Upstream {
  readonly url: string;
  /** Connections the server accepted. */
  readonly connections: () => number;
  /** Resolves once the `n`th request (from 0) arrived whole. */
  readonly requested: (n: number) => Promise<void>;
  /** Resolves when the connection of the `n`th request (from 0) is closed. */
  readonly closed: (n: number) => Promise<void>;
}

const servers: Server[] = [];

async function upstream(handler: Handler): Promise<Upstream> {
  let connections = 0;
  const sockets: Socket[] = [];
  const server = createServer((request, response) => {
    const pieces: Buffer[] = [];
    request.on('data', (piece: Buffer) => pieces.push(piece));
    request.on('end', () => {
      sockets.push(request.socket);
      handler(request, response, Buffer.concat(pieces));
    });
  });
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const requested = async (n: number) => {
    while (!sockets[n]) await new Promise((resolve) => setImmediate(resolve));
  };
  const closed = async (n: number) => {
    await requested(n);
    const socket = sockets[n]!;
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    connections: () => connections,
    requested,
    closed,
  };
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of body) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces).toString('utf8');
}

const never = () => new AbortController().signal;

describe('upstreamTransport', () => {
  it('sends the method, path, headers and bytes as given, and answers status, headers and body', async () => {
    const seen: { method?: string; url?: string; headers?: IncomingMessage['headers']; body?: Buffer } = {};
    const server = await upstream((request, response, body) => {
      Object.assign(seen, { method: request.method, url: request.url, headers: request.headers, body });
      response.setHeader('x-multi', ['a', 'b']);
      response.writeHead(201, { 'content-type': 'application/json', 'X-Request-Id': 'req_up' });
      response.end('{"ok":true}');
    });
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const transport = upstreamTransport(1_000);
    const response = await transport({
      url: `${server.url}/audio/transcriptions?api-version=1`,
      headers: { authorization: 'Bearer sk-t', 'content-type': 'multipart/form-data; boundary=x' },
      body: bytes,
      signal: never(),
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('X-Request-Id')).toBe('req_up');
    expect(response.headers.get('x-multi')).toBe('a, b');
    expect(response.headers.get('absent')).toBeNull();
    expect(await text(response.body)).toBe('{"ok":true}');
    expect(seen).toMatchObject({ method: 'POST', url: '/v1/audio/transcriptions?api-version=1' });
    expect(seen.headers).toMatchObject({ authorization: 'Bearer sk-t', 'content-length': '4' });
    expect([...seen.body!]).toEqual([...bytes]);
  });

  it('keeps its connections alive across sequential calls of one provider', async () => {
    const server = await upstream((_request, response) => response.end('{}'));
    const transport = upstreamTransport(1_000);
    for (let i = 0; i < 10; i++) {
      const response = await transport({
        url: `${server.url}/chat/completions`,
        headers: {},
        body: '{}',
        signal: never(),
      });
      expect(await text(response.body)).toBe('{}');
    }
    // undici opens a second connection for the call right after the first one (`fetch` on the same
    // `Agent` does too); from then on the pool reuses them.
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  /** Both kinds of call signal the transport takes: a WHATWG controller's, and the adapter's `CallAbort`. */
  const signals: [string, () => { signal: UpstreamSignal; abort: (reason: unknown) => void }][] = [
    [
      'an AbortSignal',
      () => {
        const controller = new AbortController();
        return { signal: controller.signal, abort: (reason) => controller.abort(reason) };
      },
    ],
    [
      'a CallAbort',
      () => {
        const call = new CallAbort();
        return { signal: call, abort: (reason) => call.abort(reason) };
      },
    ],
  ];

  it.each(signals)(
    'rejects with the abort reason and closes the connection when aborted before the answer (%s)',
    async (_kind, signalOf) => {
      const server = await upstream(() => undefined);
      const { signal, abort } = signalOf();
      const reason = new Error('client left');
      const pending = upstreamTransport(1_000)({ url: `${server.url}/x`, headers: {}, body: '{}', signal });
      await server.requested(0);
      abort(reason);
      await expect(pending).rejects.toBe(reason);
      await server.closed(0);
    },
  );

  it.each(signals)(
    'errors the body with the abort reason and closes the connection when aborted mid-body (%s)',
    async (_kind, signalOf) => {
      const server = await upstream((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write('data: 1\n\n');
      });
      const { signal, abort } = signalOf();
      const reason = new Error('client left');
      const response = await upstreamTransport(1_000)({ url: `${server.url}/x`, headers: {}, body: '{}', signal });
      const reads = response.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const first = await reads.next();
      expect(String(first.value)).toBe('data: 1\n\n');
      const next = reads.next();
      abort(reason);
      await expect(next).rejects.toBe(reason);
      await server.closed(0);
    },
  );

  it('rejects at once with the reason of a CallAbort aborted before the call', async () => {
    const server = await upstream(() => undefined);
    const call = new CallAbort();
    const reason = new Error('already gone');
    call.abort(reason);
    await expect(
      upstreamTransport(1_000)({ url: `${server.url}/x`, headers: {}, body: '{}', signal: call }),
    ).rejects.toBe(reason);
  });

  it('closes the connection of a body released before its end', async () => {
    const server = await upstream((_request, response) => {
      response.writeHead(200);
      response.write('partial');
    });
    const transport = upstreamTransport(1_000);
    const response = await transport({ url: `${server.url}/x`, headers: {}, body: '{}', signal: never() });
    release(response.body);
    await server.closed(0);
  });
});

describe('OpenAICompatibleAdapter over the real transport', () => {
  const EVENT = `data: ${JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }],
  })}\n\n`;

  /** A provider that starts a stream, sends one event and then stays silent. */
  async function stallingProvider() {
    return upstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(EVENT);
    });
  }

  function adapterFor(server: Upstream, timers: ManualTimers, transport = upstreamTransport(1_000)) {
    return new OpenAICompatibleAdapter(
      'real',
      settings({
        baseUrl: server.url,
        timeouts: { connectMs: 1_000, firstByteMs: 5_000, idleMs: 2_000, totalMs: 60_000 },
      }),
      { inputAudioFormats: [], streamingAudioFormats: [] },
      { ...defaultDeps, transport, timers },
    );
  }

  const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], stream: true };

  it('returns the connection of a stream read to [DONE] to the pool, without an error', async () => {
    const server = await upstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(`${EVENT}data: [DONE]\n\n`);
    });
    const errors: unknown[] = [];
    const inner = upstreamTransport(1_000);
    const transport: UpstreamTransport = async (call) => {
      const response = await inner(call);
      response.body.on('error', (error) => errors.push(error));
      return response;
    };
    const adapter = adapterFor(server, new ManualTimers(), transport);
    for (let i = 0; i < 10; i++) {
      const stream = await adapter.streamChatCompletion(request, { requestId: `req_${i}`, signal: never() });
      for await (const chunk of stream.chunks) expect(chunk.choices[0]?.delta.content).toBe('hi');
    }
    await new Promise((resolve) => setImmediate(resolve));
    // Not aborted (an abort error costs a stack trace per stream)…
    expect(errors).toEqual([]);
    // …and, as for JSON calls above, at most the two connections undici opens for back-to-back calls.
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  it('ends a silent stream with upstream_timeout after idleMs and closes the provider connection', async () => {
    const server = await stallingProvider();
    const timers = new ManualTimers();
    const stream = await adapterFor(server, timers).streamChatCompletion(request, {
      requestId: 'req_1',
      signal: never(),
    });
    const chunks = stream.chunks[Symbol.asyncIterator]();
    expect((await chunks.next()).done).toBe(false);
    const next = chunks.next().then(
      () => null,
      (error: unknown) => error,
    );
    await new Promise((resolve) => setImmediate(resolve));
    timers.advance(2_000);
    expect(((await next) as UpstreamStreamError).error.code).toBe('upstream_timeout');
    await server.closed(0);
    expect(timers.scheduled).toBe(0);
  });

  it('closes the provider connection when the client leaves mid-stream', async () => {
    const server = await stallingProvider();
    const caller = new AbortController();
    const reason = new Error('client disconnected');
    const stream = await adapterFor(server, new ManualTimers()).streamChatCompletion(request, {
      requestId: 'req_2',
      signal: caller.signal,
    });
    const chunks = stream.chunks[Symbol.asyncIterator]();
    expect((await chunks.next()).done).toBe(false);
    const next = chunks.next();
    caller.abort(reason);
    await expect(next).rejects.toBe(reason);
    await server.closed(0);
  });

  it('answers 504 when the provider accepts the connection but not the request within firstByteMs', async () => {
    const server = await upstream(() => undefined);
    const timers = new ManualTimers();
    const pending = adapterFor(server, timers)
      .chatCompletion({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { requestId: 'r', signal: never() })
      .then(
        () => null,
        (error: unknown) => error,
      );
    await server.requested(0);
    timers.advance(5_000);
    const error = (await pending) as GatewayError;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 504, code: 'upstream_timeout' });
    await server.closed(0);
  });
});
