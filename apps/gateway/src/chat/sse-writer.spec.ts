import { EventEmitter } from 'node:events';
import type { RelayEvent } from '@voxgate/conversation';
import type { FastifyReply } from 'fastify';
import { writeSse } from './sse-writer';

/** The parts of a hijacked Fastify reply `writeSse` uses, recording what reached the wire and when. */
function fakeReply() {
  const wire: string[] = [];
  const raw = Object.assign(new EventEmitter(), {
    writableEnded: false,
    writableLength: 0,
    writeHead: () => undefined,
    flushHeaders: () => undefined,
    write: (data: string) => wire.push(data) > 0,
    end: (data?: string) => {
      if (data !== undefined) wire.push(data);
      raw.writableEnded = true;
    },
  });
  const reply = { hijack: () => undefined, raw, request: { id: 'req_1', headers: {} }, elapsedTime: 1 };
  return { reply: reply as unknown as FastifyReply, wire };
}

async function* events(...items: RelayEvent[]): AsyncGenerator<RelayEvent> {
  for (const item of items) yield await Promise.resolve(item);
}

const chunk: RelayEvent = {
  type: 'chunk',
  chunk: { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [] },
};

describe('writeSse', () => {
  it('runs beforeDone after the last chunk and before [DONE] reaches the client', async () => {
    const { reply, wire } = fakeReply();
    let seenAtBeforeDone: string[] = [];
    const end = await writeSse(reply, events(chunk), {}, new AbortController().signal, 0, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seenAtBeforeDone = [...wire];
    });
    expect(end).toBe('completed');
    expect(seenAtBeforeDone).toHaveLength(1);
    expect(seenAtBeforeDone[0]).toContain('"id":"c"');
    expect(wire.at(-1)).toBe('data: [DONE]\n\n');
  });

  it('does not run beforeDone when the stream ends in an error', async () => {
    const { reply, wire } = fakeReply();
    let called = false;
    const error: RelayEvent = {
      type: 'error',
      error: { message: 'boom', type: 'server_error', param: null, code: null },
    };
    const end = await writeSse(reply, events(chunk, error), {}, new AbortController().signal, 0, () => {
      called = true;
      return Promise.resolve();
    });
    expect(end).toBe('upstream_error');
    expect(called).toBe(false);
    expect(wire.join('')).not.toContain('[DONE]');
  });
});
