/**
 * Server-sent events, the framing of streamed chat completions: one `data: <json>\n\n` event per chunk,
 * `data: [DONE]` at the end, no event names except `error` from some providers.
 *
 * The decoder follows the WHATWG event-stream rules that matter here: `\n`, `\r\n` or `\r` line ends,
 * comment lines (`:`) ignored, several `data:` lines of one event joined by `\n`, one optional space
 * after the colon. It is the only SSE parser in Voxgate.
 */
export interface SseEvent {
  /** `event:` field, absent for ordinary chunks. */
  event?: string;
  data: string;
}

export const SSE_DONE = '[DONE]';

/** One SSE event carrying `data`. `data` must not contain line breaks (JSON.stringify output never does). */
export function encodeSseData(data: string): string {
  return `data: ${data}\n\n`;
}

/**
 * The most the decoder holds for one event, in UTF-16 code units: its unfinished line, and its `data:`
 * lines together. OpenAI's largest stream events (audio deltas) are tens of KiB; 1 Mi is a bound on
 * memory per stream, not a limit a well-behaved provider reaches.
 */
export const SSE_MAX_EVENT_CHARS = 1024 * 1024;

/** Thrown by `decodeSse` when an event (or one line of it) is longer than its bound. */
export class SseEventTooLargeError extends Error {
  constructor(readonly maxChars: number) {
    super(`server-sent event longer than ${maxChars} characters`);
    this.name = 'SseEventTooLargeError';
  }
}

export interface DecodeSseOptions {
  /** Bound on one event and on one line, in UTF-16 code units; default `SSE_MAX_EVENT_CHARS`. */
  readonly maxEventChars?: number;
}

const LF = 10;
const CR = 13;

/**
 * The events of an SSE body, decoded as they arrive. Pull-based: it reads the next bytes only when asked
 * for the next event, and holds at most one unfinished event (bounded by `maxEventChars`, beyond which
 * it throws `SseEventTooLargeError`) plus the bytes of one read.
 */
export async function* decodeSse(
  body: AsyncIterable<Uint8Array>,
  options: DecodeSseOptions = {},
): AsyncGenerator<SseEvent> {
  const maxChars = options.maxEventChars ?? SSE_MAX_EVENT_CHARS;
  const decoder = new TextDecoder();
  let buffer = '';
  /** How much of `buffer` was already searched for a line end. */
  let scanned = 0;
  let event: string | undefined;
  let data: string[] = [];
  let dataChars = 0;

  const dispatch = (): SseEvent | undefined => {
    const dispatched =
      data.length > 0 ? { ...(event === undefined ? {} : { event }), data: data.join('\n') } : undefined;
    event = undefined;
    data = [];
    dataChars = 0;
    return dispatched;
  };

  const takeLine = (line: string): SseEvent | undefined => {
    if (line === '') return dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      dataChars += value.length + 1;
      if (dataChars > maxChars) throw new SseEventTooLargeError(maxChars);
      data.push(value);
    } else if (field === 'event') event = value;
    return undefined;
  };

  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let start = 0;
    let i = scanned;
    for (; i < buffer.length; i++) {
      const char = buffer.charCodeAt(i);
      if (char !== LF && char !== CR) continue;
      // A lone `\r` at the end of the buffer may be the first half of `\r\n`: wait for more bytes.
      if (char === CR && i === buffer.length - 1) break;
      const dispatched = takeLine(buffer.slice(start, i));
      if (char === CR && buffer.charCodeAt(i + 1) === LF) i++;
      start = i + 1;
      if (dispatched) yield dispatched;
    }
    buffer = buffer.slice(start);
    scanned = i - start;
    if (buffer.length > maxChars) throw new SseEventTooLargeError(maxChars);
  }
  buffer += decoder.decode();
  if (buffer.length > 0) {
    const dispatched = takeLine(buffer.replace(/\r$/, ''));
    if (dispatched) yield dispatched;
  }
  const last = dispatch();
  if (last) yield last;
}
