import { decodeSse, encodeSseData, SSE_DONE, type SseEvent, SseEventTooLargeError } from './sse';

const encoder = new TextEncoder();

async function* fromChunks(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
  await Promise.resolve();
}

async function decodeAll(chunks: readonly (Uint8Array | string)[]): Promise<SseEvent[]> {
  const bytes = chunks.map((chunk) => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk));
  const events: SseEvent[] = [];
  for await (const event of decodeSse(fromChunks(bytes))) events.push(event);
  return events;
}

/** Cuts `bytes` at every given offset, e.g. inside a multi-byte character or between `\r` and `\n`. */
function cutAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const bounds = [0, ...offsets, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.slice(bounds[i], end));
}

const STREAM = [
  'data: {"delta":{"audio":{"transcript":"Grüße 🎤 日本"}}}',
  '',
  ': keep-alive',
  '',
  'data: {"delta":{"audio":{"data":"CAAIAAkA"}}}',
  '',
  'data: [DONE]',
  '',
  '',
];
const EXPECTED: SseEvent[] = [
  { data: '{"delta":{"audio":{"transcript":"Grüße 🎤 日本"}}}' },
  { data: '{"delta":{"audio":{"data":"CAAIAAkA"}}}' },
  { data: SSE_DONE },
];

describe('decodeSse: framing', () => {
  it.each([
    ['\\n', '\n'],
    ['\\r\\n', '\r\n'],
    ['\\r', '\r'],
  ])('decodes %s line endings', async (_label, eol) => {
    expect(await decodeAll([STREAM.join(eol)])).toEqual(EXPECTED);
  });

  it('decodes the same events whatever byte boundary splits the stream (\\r\\n, multi-byte UTF-8)', async () => {
    const bytes = encoder.encode(STREAM.join('\r\n'));
    for (let offset = 1; offset < bytes.length; offset++) {
      expect(await decodeAll(cutAt(bytes, [offset]))).toEqual(EXPECTED);
    }
  });

  it('decodes a stream delivered one byte at a time', async () => {
    const bytes = encoder.encode(STREAM.join('\r\n'));
    const single = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(await decodeAll(cutAt(bytes, single))).toEqual(EXPECTED);
  });

  it('reassembles a 4-byte emoji split over three chunks', async () => {
    const bytes = encoder.encode('data: 🎤\n\n');
    const emojiStart = encoder.encode('data: ').length;
    expect(await decodeAll(cutAt(bytes, [emojiStart + 1, emojiStart + 3]))).toEqual([{ data: '🎤' }]);
  });

  it('treats \\r at the end of one chunk and \\n at the start of the next as one line end', async () => {
    // Were `\r` and `\n` two line ends, the `\n` would be a blank line and split this into two events.
    expect(await decodeAll(['data: first\r', '\ndata: second\r', '\n\r', '\n'])).toEqual([{ data: 'first\nsecond' }]);
  });

  it('drops a byte order mark at the start of the stream, also when its bytes come split, and only there', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    const body = encoder.encode('data: a\n\n');
    expect(await decodeAll([bom, body])).toEqual([{ data: 'a' }]);
    expect(await decodeAll([bom.slice(0, 1), bom.slice(1, 2), bom.slice(2), body])).toEqual([{ data: 'a' }]);
    expect(await decodeAll([encoder.encode('data: \ufeffa\n\n')])).toEqual([{ data: '\ufeffa' }]);
    expect(await decodeAll([bom, encoder.encode('data: b')])).toEqual([{ data: 'b' }]);
  });

  it('still treats a lone \\r at a chunk end as a line end when other text follows', async () => {
    expect(await decodeAll(['data: a\r', 'data: b\r\r'])).toEqual([{ data: 'a\nb' }]);
  });

  it('reads events from a fetch Response body', async () => {
    const response = new Response(STREAM.join('\n'), { headers: { 'content-type': 'text/event-stream' } });
    const events: SseEvent[] = [];
    for await (const event of decodeSse(response.body!)) events.push(event);
    expect(events).toEqual(EXPECTED);
  });
});

describe('decodeSse: fields', () => {
  it('ignores comment lines, including between data lines of one event', async () => {
    expect(await decodeAll([': ping\n\ndata: a\n: in between\ndata: b\n\n'])).toEqual([{ data: 'a\nb' }]);
  });

  it('yields nothing for a stream of comments only', async () => {
    expect(await decodeAll([': keep-alive\n\n: keep-alive\n\n'])).toEqual([]);
  });

  it('joins several data lines of one event with \\n', async () => {
    expect(await decodeAll(['data: {"a":\ndata: 1}\n\n'])).toEqual([{ data: '{"a":\n1}' }]);
  });

  it('strips exactly one space after the colon', async () => {
    expect(await decodeAll(['data:x\n\ndata:  y\n\n'])).toEqual([{ data: 'x' }, { data: ' y' }]);
  });

  it('carries the event name of an error event, and only for that event', async () => {
    const error = '{"error":{"message":"boom","type":"server_error","param":null,"code":null}}';
    expect(await decodeAll([`event: error\ndata: ${error}\n\ndata: next\n\n`])).toEqual([
      { event: 'error', data: error },
      { data: 'next' },
    ]);
  });

  it('ignores id and retry fields and events without data', async () => {
    expect(await decodeAll(['id: 7\nretry: 100\n\nevent: ping\n\nid: 8\ndata: x\n\n'])).toEqual([{ data: 'x' }]);
  });

  it('yields a trailing event that has no blank line after it', async () => {
    expect(await decodeAll(['data: a\n\ndata: [DONE]'])).toEqual([{ data: 'a' }, { data: SSE_DONE }]);
    expect(await decodeAll(['data: [DONE]\r'])).toEqual([{ data: SSE_DONE }]);
  });

  it('yields nothing for an empty body', async () => {
    expect(await decodeAll([])).toEqual([]);
  });
});

describe('encodeSseData', () => {
  it('frames one data line followed by a blank line, and round-trips through decodeSse', async () => {
    const json = JSON.stringify({ choices: [{ delta: { content: 'héllo\nworld' } }] });
    expect(encodeSseData(json)).toBe(`data: ${json}\n\n`);
    expect(await decodeAll([encodeSseData(json), encodeSseData(SSE_DONE)])).toEqual([
      { data: json },
      { data: SSE_DONE },
    ]);
  });
});

describe('decodeSse: bounded memory', () => {
  /** Feeds `pieces` one read at a time, counting how many reads the decoder pulled. */
  function counted(pieces: readonly string[]): { body: AsyncGenerator<Uint8Array>; reads: () => number } {
    let reads = 0;
    async function* body(): AsyncGenerator<Uint8Array> {
      for (const piece of pieces) {
        reads++;
        yield await Promise.resolve(encoder.encode(piece));
      }
    }
    return { body: body(), reads: () => reads };
  }

  it('reads the next bytes only when the next event is asked for', async () => {
    const { body, reads } = counted(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n', 'data: 4\n\n']);
    const events = decodeSse(body);
    expect((await events.next()).value).toEqual({ data: '1' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(reads()).toBe(1);
    expect((await events.next()).value).toEqual({ data: '2' });
    expect(reads()).toBe(2);
    await events.return(undefined);
  });

  it('fails on a line longer than the bound instead of buffering it', async () => {
    const { body, reads } = counted(Array.from({ length: 100 }, () => 'x'.repeat(100)));
    const events = decodeSse(body, { maxEventChars: 1000 });
    await expect(events.next()).rejects.toBeInstanceOf(SseEventTooLargeError);
    expect(reads()).toBe(11);
  });

  it('fails on an event whose data lines together pass the bound', async () => {
    const lines = Array.from({ length: 20 }, () => `data: ${'y'.repeat(99)}\n`).join('');
    await expect(decodeSse(fromChunks([encoder.encode(lines + '\n')]), { maxEventChars: 1000 }).next()).rejects.toThrow(
      SseEventTooLargeError,
    );
  });

  it('takes events up to the bound, and many of them in one long body', async () => {
    const event = `data: ${'z'.repeat(993)}\n\n`;
    const pieces = Array.from({ length: 50 }, () => event);
    const decoded: SseEvent[] = [];
    for await (const item of decodeSse(fromChunks(pieces.map((piece) => encoder.encode(piece))), {
      maxEventChars: 1000,
    }))
      decoded.push(item);
    expect(decoded).toHaveLength(50);
    expect(decoded[49]!.data).toHaveLength(993);
  });
});
