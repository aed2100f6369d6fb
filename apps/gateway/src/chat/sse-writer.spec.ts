import { EventEmitter } from 'node:events';
import type { RelayEvent } from '@voxgate/conversation';
import type { FastifyReply } from 'fastify';
import { Errors } from '@voxgate/openai-wire';
import { CallAbort } from '@voxgate/providers';
import { ClientDisconnectedError } from '../http/client-abort';
import { writeSse } from './sse-writer';

/**
 * The parts of a hijacked Fastify reply `writeSse` uses, recording what reached the wire and when. With
 * `stuck`, nothing written is ever taken: `write` returns false, no `drain` comes and `end` never
 * finishes (a client that stopped reading).
 */
function fakeReply(options: { stuck?: boolean; highWaterMark?: number } = {}) {
  const wire: string[] = [];
  /** How many events were on the wire each time the headers were flushed alone. */
  const headerFlushes: number[] = [];
  /** How many writes were on the wire each time the socket was uncorked (sent before the next tick). */
  const uncorks: number[] = [];
  const raw = Object.assign(new EventEmitter(), {
    writableEnded: false,
    writableFinished: false,
    writableLength: 0,
    writableHighWaterMark: options.highWaterMark,
    destroyed: false,
    socket: { uncork: () => uncorks.push(wire.length) },
    writeHead: () => undefined,
    flushHeaders: () => headerFlushes.push(wire.length),
    write: (data: string) => {
      wire.push(data);
      if (options.stuck) raw.writableLength += data.length;
      return !options.stuck;
    },
    end: (data?: string) => {
      if (data !== undefined) wire.push(data);
      raw.writableEnded = true;
      if (!options.stuck) raw.writableFinished = true;
    },
    destroy: () => {
      raw.destroyed = true;
      raw.emit('close');
    },
  });
  const reply = { hijack: () => undefined, raw, request: { id: 'req_1', headers: {} }, elapsedTime: 1 };
  return { reply: reply as unknown as FastifyReply, wire, raw, headerFlushes, uncorks };
}

async function* events(...items: RelayEvent[]): AsyncGenerator<RelayEvent> {
  for (const item of items) yield await Promise.resolve(item);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` chunks, one per microtask; `pulled` says how many the writer has taken so far. */
function counted(count: number): { readonly events: AsyncGenerator<RelayEvent>; readonly pulled: number } {
  let pulled = 0;
  async function* events(): AsyncGenerator<RelayEvent> {
    for (let i = 0; i < count; i++) {
      pulled++;
      yield await Promise.resolve(chunk);
    }
  }
  return {
    events: events(),
    get pulled() {
      return pulled;
    },
  };
}

const chunk: RelayEvent = {
  type: 'chunk',
  chunk: { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [] },
};

describe('writeSse', () => {
  it('writes the events that come in one turn as one write (a socket with a high-water mark)', async () => {
    const { reply, wire, uncorks } = fakeReply({ highWaterMark: 16_384 });
    await writeSse(reply, events(chunk, chunk, chunk, chunk, chunk), { headers: {}, abort: new AbortController() });
    // The source ended in the same turn, and nothing waits before `[DONE]`: it leaves with them.
    expect(wire).toHaveLength(1);
    expect(uncorks).toEqual([]);
    expect(wire[0]!.match(/^data: /gm)).toHaveLength(6);
    expect(wire[0]!.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('with firstEventsAtOnce, sends the first events at once and those that follow in their turn as one write', async () => {
    const { reply, wire, uncorks } = fakeReply({ highWaterMark: 16_384 });
    const written = await writeSse(reply, events(chunk, chunk, chunk, chunk, chunk), {
      headers: {},
      abort: new AbortController(),
      firstEventsAtOnce: true,
    });
    expect(written).toBe('completed');
    // The first event is written and the socket uncorked before the next event is pulled.
    expect(uncorks).toEqual([1]);
    expect(wire[0]!.match(/^data: /gm)).toHaveLength(1);
    expect(wire).toHaveLength(2);
    expect(wire[1]!.match(/^data: /gm)).toHaveLength(5);
    expect(wire[1]!.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('with firstEventsAtOnce, waits for drain after the first events when the socket refuses them', async () => {
    const { reply, wire, raw } = fakeReply({ stuck: true, highWaterMark: 1_000 });
    const source = counted(20);
    const abort = new AbortController();
    const written = writeSse(reply, source.events, { headers: {}, abort, firstEventsAtOnce: true });
    await delay(20);
    expect(source.pulled).toBe(1);
    expect(wire).toHaveLength(1);
    raw.writableLength = 0;
    raw.emit('drain');
    await delay(20);
    // Then batched as without the option: four events reach the high-water mark (as in 'writes at once…').
    expect(source.pulled).toBe(5);
    expect(wire).toHaveLength(2);
    expect(wire[1]!.match(/^data: /gm)).toHaveLength(4);
    abort.abort(new ClientDisconnectedError());
    await expect(written).resolves.toBe('client_disconnected');
  });

  it("holds the last turn's events while beforeEnd waits on I/O, and writes them with [DONE] in one write", async () => {
    const { reply, wire } = fakeReply({ highWaterMark: 16_384 });
    let seenWhileWaiting: string[] = [];
    await writeSse(reply, events(chunk, chunk, chunk), {
      headers: {},
      abort: new AbortController(),
      beforeEnd: async () => {
        await delay(2);
        seenWhileWaiting = [...wire];
      },
    });
    expect(seenWhileWaiting).toEqual([]);
    expect(wire).toHaveLength(1);
    expect(wire[0]!.match(/^data: /gm)).toHaveLength(4);
    expect(wire[0]!.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('holds them 10 ms at most: a slower beforeEnd sees them written alone, and [DONE] follows it', async () => {
    const { reply, wire } = fakeReply({ highWaterMark: 16_384 });
    const seen: number[] = [];
    await writeSse(reply, events(chunk, chunk, chunk), {
      headers: {},
      abort: new AbortController(),
      beforeEnd: async () => {
        await delay(4);
        seen.push(wire.length);
        await delay(26);
        seen.push(wire.length);
      },
    });
    expect(seen).toEqual([0, 1]);
    expect(wire[0]!.match(/^data: /gm)).toHaveLength(3);
    expect(wire).toEqual([wire[0], 'data: [DONE]\n\n']);
  });

  it("holds only the last turn's events: those of earlier turns leave in their turn", async () => {
    const { reply, wire } = fakeReply({ highWaterMark: 16_384 });
    async function* paced(): AsyncGenerator<RelayEvent> {
      yield chunk;
      await delay(5);
      yield chunk;
    }
    let seenWhileWaiting: string[] = [];
    await writeSse(reply, paced(), {
      headers: {},
      abort: new AbortController(),
      beforeEnd: async () => {
        await delay(2);
        seenWhileWaiting = [...wire];
      },
    });
    expect(seenWhileWaiting).toHaveLength(1);
    expect(wire).toHaveLength(2);
    expect(wire[1]!.match(/^data: /gm)).toHaveLength(2);
    expect(wire[1]!.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('writes at once, and pulls nothing more until drain, when the queued events may reach the high-water mark', async () => {
    const { reply, wire, raw } = fakeReply({ stuck: true, highWaterMark: 1_000 });
    const source = counted(20);
    const abort = new AbortController();
    const written = writeSse(reply, source.events, { headers: {}, abort });
    await delay(20);
    // An event is 88 bytes; counted at 3 bytes per character, the fourth brings the queue to 1,056 ≥ 1,000:
    // the four are written together, the socket refuses more, and the writer waits without pulling a fifth.
    expect(source.pulled).toBe(4);
    expect(wire).toHaveLength(1);
    expect(wire[0]!.match(/^data: /gm)).toHaveLength(4);
    raw.writableLength = 0;
    raw.emit('drain');
    await delay(20);
    expect(source.pulled).toBe(8);
    expect(wire).toHaveLength(2);
    abort.abort(new ClientDisconnectedError());
    await expect(written).resolves.toBe('client_disconnected');
  });

  it('sends the headers with the first event when it comes in the same turn (no write of headers alone)', async () => {
    const { reply, wire, headerFlushes } = fakeReply();
    await writeSse(reply, events(chunk, chunk), { headers: {}, abort: new AbortController() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(headerFlushes).toEqual([]);
    expect(wire).toHaveLength(3);
  });

  it('sends the headers alone at the end of the turn while no event has come (a client sees its 200 at once)', async () => {
    const { reply, wire, headerFlushes } = fakeReply();
    async function* slow(): AsyncGenerator<RelayEvent> {
      await delay(60);
      yield chunk;
    }
    const written = writeSse(reply, slow(), { headers: {}, abort: new AbortController() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(headerFlushes).toEqual([0]);
    await written;
    expect(headerFlushes).toEqual([0]);
    expect(wire).toHaveLength(2);
  });

  it('runs beforeEnd after the last chunk and before [DONE] reaches the client', async () => {
    const { reply, wire } = fakeReply();
    let seenAtBeforeEnd: string[] = [];
    const ends: string[] = [];
    const end = await writeSse(reply, events(chunk), {
      headers: {},
      abort: new AbortController(),
      beforeEnd: async (ending) => {
        ends.push(ending);
        await new Promise((resolve) => setTimeout(resolve, 20));
        seenAtBeforeEnd = [...wire];
      },
    });
    expect(end).toBe('completed');
    expect(ends).toEqual(['completed']);
    expect(seenAtBeforeEnd).toHaveLength(1);
    expect(seenAtBeforeEnd[0]).toContain('"id":"c"');
    expect(wire.at(-1)).toBe('data: [DONE]\n\n');
  });

  it('runs beforeEnd before the in-band upstream error, after the chunks before it', async () => {
    const { reply, wire } = fakeReply();
    let seenAtBeforeEnd: string[] = [];
    const ends: string[] = [];
    const error: RelayEvent = {
      type: 'error',
      error: { message: 'boom', type: 'server_error', param: null, code: null },
    };
    const end = await writeSse(reply, events(chunk, error), {
      headers: {},
      abort: new AbortController(),
      beforeEnd: async (ending) => {
        ends.push(ending);
        await new Promise((resolve) => setTimeout(resolve, 20));
        seenAtBeforeEnd = [...wire];
      },
    });
    expect(end).toBe('upstream_error');
    expect(ends).toEqual(['upstream_error']);
    expect(seenAtBeforeEnd.join('')).toContain('"id":"c"');
    expect(seenAtBeforeEnd.join('')).not.toContain('boom');
    expect(wire.join('')).toContain('boom');
    expect(wire.join('')).not.toContain('[DONE]');
  });

  it("runs beforeEnd, once the pipeline wound down, before the gateway's in-band error; not when the client left", async () => {
    const interruptedBy = async (reason: unknown) => {
      const { reply, wire } = fakeReply();
      const abort = new AbortController();
      const ends: string[] = [];
      let seenAtBeforeEnd = '';
      let wound = false;
      let woundAtBeforeEnd = false;
      async function* windingDown(): AsyncGenerator<RelayEvent> {
        try {
          yield chunk;
          abort.abort(reason);
          await delay(20); // the pipeline takes a moment to stop
          yield chunk;
        } finally {
          wound = true;
        }
      }
      const end = await writeSse(reply, windingDown(), {
        headers: {},
        abort,
        beforeEnd: (ending) => {
          ends.push(ending);
          seenAtBeforeEnd = wire.join('');
          woundAtBeforeEnd = wound;
          return Promise.resolve();
        },
      });
      return { end, ends, seenAtBeforeEnd, woundAtBeforeEnd, wire: wire.join('') };
    };
    const timedOut = await interruptedBy(Errors.streamSilent(1));
    expect(timedOut.end).toBe('interrupted');
    expect(timedOut.ends).toEqual(['interrupted']);
    expect(timedOut.woundAtBeforeEnd).toBe(true);
    expect(timedOut.seenAtBeforeEnd).toContain('"id":"c"');
    expect(timedOut.seenAtBeforeEnd).not.toContain('stream_timeout');
    expect(timedOut.wire).toContain('stream_timeout');
    const left = await interruptedBy(new ClientDisconnectedError());
    expect(left.end).toBe('client_disconnected');
    expect(left.ends).toEqual([]);
  });

  it('listens to the abort signal once per stream, not once per event, and stops listening at the end', async () => {
    const { reply } = fakeReply();
    const abort = new AbortController();
    const added = jest.spyOn(abort.signal, 'addEventListener');
    const removed = jest.spyOn(abort.signal, 'removeEventListener');
    const end = await writeSse(reply, events(...Array.from({ length: 20 }, () => chunk)), { headers: {}, abort });
    expect(end).toBe('completed');
    expect(added).toHaveBeenCalledTimes(1);
    expect(removed).toHaveBeenCalledTimes(1);
  });

  it("follows the route's CallAbort without making a WHATWG signal: one listener while it streams, none after; its abort interrupts", async () => {
    const made = jest.spyOn(CallAbort.prototype, 'signal', 'get');
    try {
      const { reply } = fakeReply();
      const abort = new CallAbort();
      const listening: number[] = [];
      async function* observed(): AsyncGenerator<RelayEvent> {
        for (let i = 0; i < 5; i++) {
          listening.push(abort.listenerCount('abort'));
          yield await Promise.resolve(chunk);
        }
      }
      await expect(writeSse(reply, observed(), { headers: {}, abort })).resolves.toBe('completed');
      expect(listening).toEqual([1, 1, 1, 1, 1]);
      expect(abort.listenerCount('abort')).toBe(0);

      const { reply: second, wire } = fakeReply();
      const interrupted = new CallAbort();
      async function* stalling(): AsyncGenerator<RelayEvent> {
        yield chunk;
        await new Promise((resolve) => interrupted.once('abort', resolve));
      }
      setTimeout(() => interrupted.abort(Errors.serverShuttingDown()), 20);
      await expect(writeSse(second, stalling(), { headers: {}, abort: interrupted })).resolves.toBe('interrupted');
      expect(wire.join('')).toContain('server_shutting_down');
      expect(made).not.toHaveBeenCalled();
    } finally {
      made.mockRestore();
    }
  });

  describe('when the request is aborted mid-stream', () => {
    /** One chunk, then an upstream that never sends again until aborted (a stall), then winds down. */
    function stalled(signal: AbortSignal): { events: AsyncGenerator<RelayEvent>; closed: () => boolean } {
      let closed = false;
      async function* generate(): AsyncGenerator<RelayEvent> {
        try {
          yield chunk;
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        } finally {
          closed = true;
        }
      }
      return { events: generate(), closed: () => closed };
    }

    it('writes a GatewayError reason in-band, ends without [DONE] and waits for the pipeline to wind down', async () => {
      const { reply, wire } = fakeReply();
      const abort = new AbortController();
      const upstream = stalled(abort.signal);
      setTimeout(() => abort.abort(Errors.serverShuttingDown()), 20);
      const end = await writeSse(reply, upstream.events, { headers: {}, abort });
      expect(end).toBe('interrupted');
      expect(upstream.closed()).toBe(true);
      expect(wire).toHaveLength(2);
      expect(JSON.parse(wire[1]!.replace(/^data: /, ''))).toEqual({
        error: expect.objectContaining({ type: 'server_error', code: 'server_shutting_down' }),
      });
      expect(wire.join('')).not.toContain('[DONE]');
    });

    it('writes nothing more when the client went away', async () => {
      const { reply, wire } = fakeReply();
      const abort = new AbortController();
      setTimeout(() => abort.abort(new ClientDisconnectedError()), 20);
      const end = await writeSse(reply, stalled(abort.signal).events, { headers: {}, abort });
      expect(end).toBe('client_disconnected');
      expect(wire).toHaveLength(1);
    });
  });

  it('stops keep-alives at maxSilenceMs and ends the stream in-band, cancelling the silent pipeline', async () => {
    const { reply, wire } = fakeReply();
    const abort = new AbortController();
    let closed = false;
    async function* silentAfterOneChunk(): AsyncGenerator<RelayEvent> {
      try {
        yield chunk;
        await new Promise((resolve) => abort.signal.addEventListener('abort', resolve, { once: true }));
      } finally {
        closed = true;
      }
    }
    const ended = writeSse(reply, silentAfterOneChunk(), { headers: {}, abort, keepAliveMs: 20, maxSilenceMs: 150 });
    const end = await Promise.race([ended, delay(2_000).then(() => 'still running')]);
    abort.abort(); // lets a writer that never ended on its own finish, so a failure fails rather than hangs
    await ended;
    const writtenAtEnd = wire.length;
    await delay(60);

    expect(end).toBe('interrupted');
    expect(closed).toBe(true);
    expect(wire.filter((item) => item === ': keep-alive\n\n').length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(wire.at(-1)!.replace(/^data: /, ''))).toEqual({
      error: expect.objectContaining({ type: 'server_error', code: 'stream_timeout' }),
    });
    expect(wire).toHaveLength(writtenAtEnd);
  });

  it('counts every event as progress: a stream longer than maxSilenceMs whose events keep coming completes, without keep-alives', async () => {
    const { reply, wire } = fakeReply();
    async function* steady(): AsyncGenerator<RelayEvent> {
      for (let i = 0; i < 12; i++) {
        await delay(25);
        yield chunk;
      }
    }
    // 12 events 25 ms apart: 300 ms in all, three times the silence bound, never 60 ms without an event.
    const end = await writeSse(reply, steady(), {
      headers: {},
      abort: new AbortController(),
      keepAliveMs: 60,
      maxSilenceMs: 100,
    });
    expect(end).toBe('completed');
    expect(wire.join('').match(/^data: \{/gm)).toHaveLength(12);
    expect(wire).not.toContain(': keep-alive\n\n');
    expect(wire.at(-1)).toBe('data: [DONE]\n\n');
  });

  describe('when the client stops reading', () => {
    async function* endless(): AsyncGenerator<RelayEvent> {
      for (;;) yield await Promise.resolve(chunk);
    }

    it('waits for drain instead of pulling more, and a blocked write counts as silence', async () => {
      const { reply, wire, raw } = fakeReply({ stuck: true });
      const abort = new AbortController();
      const end = await writeSse(reply, endless(), { headers: {}, abort, keepAliveMs: 10, maxSilenceMs: 150 });

      expect(end).toBe('interrupted');
      // One chunk, nothing pulled behind it, no keep-alive queued behind the blocked socket, the reason last.
      expect(wire).toHaveLength(2);
      expect(wire[0]).toContain('"id":"c"');
      expect(JSON.parse(wire[1]!.replace(/^data: /, ''))).toEqual({
        error: expect.objectContaining({ code: 'stream_timeout' }),
      });
      // Its tail cannot reach the client: the socket is destroyed shortly after, not left pinned.
      expect(raw.destroyed).toBe(false);
      await delay(700);
      expect(raw.destroyed).toBe(true);
    });

    it('a drained write is progress: a slow client that keeps reading is not cut off', async () => {
      const { reply, wire, raw } = fakeReply({ stuck: true });
      const abort = new AbortController();
      const drains = setInterval(() => raw.emit('drain'), 50);
      const ended = writeSse(reply, events(chunk, chunk, chunk, chunk, chunk, chunk), {
        headers: {},
        abort,
        maxSilenceMs: 150,
      });
      const end = await ended;
      clearInterval(drains);
      expect(end).toBe('completed');
      expect(wire.at(-1)).toBe('data: [DONE]\n\n');
    });

    it('destroys a completed stream whose tail does not flush within maxSilenceMs', async () => {
      const { reply, raw } = fakeReply({ stuck: true });
      const drains = setInterval(() => raw.emit('drain'), 5);
      const end = await writeSse(reply, events(chunk), {
        headers: {},
        abort: new AbortController(),
        maxSilenceMs: 200,
      });
      clearInterval(drains);
      expect(end).toBe('completed');
      await delay(100);
      expect(raw.destroyed).toBe(false);
      await delay(250);
      expect(raw.destroyed).toBe(true);
    });

    it('leaves a stream whose tail flushed alone', async () => {
      const { reply, raw } = fakeReply();
      await writeSse(reply, events(chunk), { headers: {}, abort: new AbortController(), maxSilenceMs: 50 });
      await delay(120);
      expect(raw.destroyed).toBe(false);
    });
  });
});
