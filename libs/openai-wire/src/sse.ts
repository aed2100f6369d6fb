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

export async function* decodeSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | undefined;
  let data: string[] = [];

  const dispatch = (): SseEvent | undefined => {
    const dispatched =
      data.length > 0 ? { ...(event === undefined ? {} : { event }), data: data.join('\n') } : undefined;
    event = undefined;
    data = [];
    return dispatched;
  };

  const takeLine = (line: string): SseEvent | undefined => {
    if (line === '') return dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    return undefined;
  };

  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const char = buffer[i];
      if (char !== '\n' && char !== '\r') continue;
      // A lone `\r` at the end of the buffer may be the first half of `\r\n`: wait for more bytes.
      if (char === '\r' && i === buffer.length - 1) break;
      const dispatched = takeLine(buffer.slice(start, i));
      if (char === '\r' && buffer[i + 1] === '\n') i++;
      start = i + 1;
      if (dispatched) yield dispatched;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (buffer.length > 0) {
    const dispatched = takeLine(buffer.replace(/\r$/, ''));
    if (dispatched) yield dispatched;
  }
  const last = dispatch();
  if (last) yield last;
}
