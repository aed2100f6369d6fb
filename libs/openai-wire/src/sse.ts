import { StringDecoder } from 'node:string_decoder';
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
const COLON = 58;
const SPACE = 32;
const BOM = 0xfeff;

/**
 * The SSE decoder as a push parser: `push` takes the bytes of one read and answers the events they
 * completed, in order; `end` answers what the end of the body completes. It holds at most one unfinished
 * event (bounded by `maxEventChars`, beyond which `push` throws `SseEventTooLargeError`) and the unscanned
 * rest of the last read. A consumer that handles events as they come (the chat stream reader) uses it
 * directly, without an async generator hop per event; `decodeSse` wraps it for the others.
 */
export class SseDecoder {
  /** Node's native decoder: several times faster than `TextDecoder` in streaming mode, same text for valid UTF-8. */
  private readonly decoder = new StringDecoder('utf8');
  /** Until the first character: a byte order mark there is dropped, as the SSE standard requires. */
  private atStart = true;
  private readonly maxChars: number;
  private buffer = '';
  /** How much of `buffer` was already searched for a line end. */
  private scanned = 0;
  private event: string | undefined;
  /** The event's `data:` lines: the first alone (the usual event has one), further ones in `more`. */
  private first: string | null = null;
  private more: string[] | null = null;
  private dataChars = 0;

  constructor(options: DecodeSseOptions = {}) {
    this.maxChars = options.maxEventChars ?? SSE_MAX_EVENT_CHARS;
  }

  push(bytes: Uint8Array): SseEvent[] {
    const events: SseEvent[] = [];
    let text = this.decoder.write(bytes);
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    const buffer = this.buffer + text;
    let start = 0;
    let i = this.scanned;
    if (buffer.indexOf('\r', i) === -1) {
      // The usual body: `\n` line ends only, found by `indexOf` rather than character by character.
      for (let end = buffer.indexOf('\n', i); end !== -1; end = buffer.indexOf('\n', start)) {
        this.takeLine(buffer.slice(start, end), events);
        start = end + 1;
      }
      i = buffer.length;
    } else {
      for (; i < buffer.length; i++) {
        const char = buffer.charCodeAt(i);
        if (char !== LF && char !== CR) continue;
        // A lone `\r` at the end of the buffer may be the first half of `\r\n`: wait for more bytes.
        if (char === CR && i === buffer.length - 1) break;
        this.takeLine(buffer.slice(start, i), events);
        if (char === CR && buffer.charCodeAt(i + 1) === LF) i++;
        start = i + 1;
      }
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
    this.scanned = i - start;
    if (this.buffer.length > this.maxChars) throw new SseEventTooLargeError(this.maxChars);
    return events;
  }

  end(): SseEvent[] {
    const events: SseEvent[] = [];
    let tail = this.decoder.end();
    if (this.atStart && tail.charCodeAt(0) === BOM) tail = tail.slice(1);
    const rest = this.buffer + tail;
    this.buffer = '';
    this.scanned = 0;
    if (rest.length > 0) this.takeLine(rest.replace(/\r$/, ''), events);
    this.dispatch(events);
    return events;
  }

  private takeLine(line: string, events: SseEvent[]): void {
    if (line === '') return this.dispatch(events);
    if (line.charCodeAt(0) === COLON) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === SPACE) value = value.slice(1);
    if (field === 'data') {
      this.dataChars += value.length + 1;
      if (this.dataChars > this.maxChars) throw new SseEventTooLargeError(this.maxChars);
      if (this.first === null) this.first = value;
      else (this.more ??= []).push(value);
    } else if (field === 'event') this.event = value;
  }

  private dispatch(events: SseEvent[]): void {
    if (this.first !== null) {
      const data = this.more === null ? this.first : [this.first, ...this.more].join('\n');
      events.push(this.event === undefined ? { data } : { event: this.event, data });
    }
    this.event = undefined;
    this.first = null;
    this.more = null;
    this.dataChars = 0;
  }
}

/**
 * The events of an SSE body, decoded as they arrive. Pull-based: it reads the next bytes only when asked
 * for the next event, and holds at most one unfinished event (bounded by `maxEventChars`, beyond which
 * it throws `SseEventTooLargeError`) plus the events of one read.
 */
export async function* decodeSse(
  body: AsyncIterable<Uint8Array>,
  options: DecodeSseOptions = {},
): AsyncGenerator<SseEvent> {
  const decoder = new SseDecoder(options);
  for await (const bytes of body) {
    for (const event of decoder.push(bytes)) yield event;
  }
  for (const event of decoder.end()) yield event;
}
