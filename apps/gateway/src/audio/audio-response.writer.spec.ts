import { EventEmitter } from 'node:events';
import type { FastifyReply } from 'fastify';
import { writeBinary, writeEvents } from './audio-response.writer';

/** A hijackable reply whose socket takes the first write and then never drains: a client that stopped reading. */
function stalledReply() {
  const raw = Object.assign(new EventEmitter(), {
    destroyed: false,
    writableEnded: false,
    writes: 0,
    writeHead: () => undefined,
    flushHeaders: () => undefined,
    write(): boolean {
      raw.writes++;
      return false;
    },
    end(): void {
      raw.writableEnded = true;
    },
    destroy(): void {
      if (raw.destroyed) return;
      raw.destroyed = true;
      raw.emit('close');
    },
  });
  const reply = { hijack: () => undefined, raw, request: { id: 'req_test', headers: {} }, elapsedTime: 0 };
  return { raw, reply: reply as unknown as FastifyReply };
}

/** Endless audio; `returned` says whether the writer released it (which cancels the provider call). */
function endlessSource() {
  const state = { returned: false };
  const iterator: AsyncIterator<Uint8Array> = {
    next: () => Promise.resolve({ done: false, value: new Uint8Array(1024) }),
    return: () => {
      state.returned = true;
      return Promise.resolve({ done: true, value: undefined });
    },
  };
  return { iterator, state };
}

describe('audio response writers and a client that stops reading', () => {
  it('destroy the socket and release the provider after maxSilenceMs without a drain (binary)', async () => {
    const { raw, reply } = stalledReply();
    const source = endlessSource();
    const written = await writeBinary(reply, new Uint8Array(1024), source.iterator, 'audio/mpeg', {
      headers: {},
      signal: new AbortController().signal,
      maxSilenceMs: 50,
    });
    expect(written.end).toBe('client_disconnected');
    expect(raw.destroyed).toBe(true);
    expect(raw.writes).toBe(1);
    expect(source.state.returned).toBe(true);
    expect(raw.listenerCount('drain')).toBe(0);
  });

  it('destroy the socket and release the provider after maxSilenceMs without a drain (events)', async () => {
    const { raw, reply } = stalledReply();
    const source = endlessSource();
    const written = await writeEvents(
      reply,
      null,
      source.iterator,
      () => ({ type: 'speech.audio.delta' }),
      () => [],
      {
        headers: {},
        signal: new AbortController().signal,
        maxSilenceMs: 50,
      },
    );
    expect(written.end).toBe('client_disconnected');
    expect(raw.destroyed).toBe(true);
    expect(source.state.returned).toBe(true);
  });

  it('keep writing once the client drains within the bound', async () => {
    const { raw, reply } = stalledReply();
    const chunks = [new Uint8Array(8), new Uint8Array(8)];
    const iterator: AsyncIterator<Uint8Array> = {
      next: () =>
        Promise.resolve(
          chunks.length > 0 ? { done: false, value: chunks.shift() as Uint8Array } : { done: true, value: undefined },
        ),
    };
    const drainSoon = setInterval(() => raw.emit('drain'), 5);
    try {
      const written = await writeBinary(reply, new Uint8Array(8), iterator, 'audio/mpeg', {
        headers: {},
        signal: new AbortController().signal,
        maxSilenceMs: 1_000,
      });
      expect(written.end).toBe('completed');
      expect(raw.writes).toBe(3);
      expect(raw.destroyed).toBe(false);
    } finally {
      clearInterval(drainSoon);
    }
  });
});
