/** One server-sent event as a test sees it. */
export interface SseEvent {
  /** `event:` field, if any. */
  event: string | undefined;
  /** The `data:` lines joined with `\n`, e.g. a chunk's JSON or `[DONE]`. */
  data: string;
  /** `Date.now()` when the event's last byte arrived; lets tests prove a stream was not buffered. */
  receivedAt: number;
}

/**
 * Reads the events of a `text/event-stream` body (a fetch `Response` or its body) as they arrive.
 * Deliberately independent of the gateway's own SSE decoder, so each checks the other.
 */
export async function* readSseEvents(source: Response | ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const body = source instanceof ReadableStream ? source : source.body;
  if (body === null) return;
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const bytes of body as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(bytes, { stream: true }).replace(/\r\n?/g, '\n');
    let boundary = buffered.indexOf('\n\n');
    while (boundary !== -1) {
      const event = parseEvent(buffered.slice(0, boundary));
      buffered = buffered.slice(boundary + 2);
      if (event !== undefined) yield event;
      boundary = buffered.indexOf('\n\n');
    }
  }
  const last = parseEvent(buffered);
  if (last !== undefined) yield last;
}

/** All events of a stream, once it has ended. */
export async function collectSseEvents(source: Response | ReadableStream<Uint8Array>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of readSseEvents(source)) events.push(event);
  return events;
}

function parseEvent(block: string): SseEvent | undefined {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  if (data.length === 0 && event === undefined) return undefined;
  return { event, data: data.join('\n'), receivedAt: Date.now() };
}
