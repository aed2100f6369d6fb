import { collectSseEvents } from './sse-events.reader';

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

describe('readSseEvents', () => {
  it('splits events across arbitrary byte boundaries and CRLF line ends', async () => {
    const events = await collectSseEvents(
      streamOf('data: {"a"', ':1}\r\n\r\n: keep-alive\n\nevent: error\ndata: x\ndata: y\n\ndata: [DONE]'),
    );
    expect(events.map(({ event, data }) => ({ event, data }))).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: 'error', data: 'x\ny' },
      { event: undefined, data: '[DONE]' },
    ]);
  });

  it('reads a fetch Response', async () => {
    const events = await collectSseEvents(new Response(streamOf('data: 1\n\n', 'data: 2\n\n')));
    expect(events.map((event) => event.data)).toEqual(['1', '2']);
  });
});
