import { fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { SsrfRefusedError, type SsrfGuard } from './ssrf-guard';

/** The `fetch` shape the MCP SDK and the HTTP tool use (WHATWG types). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers kept when a redirect leaves the origin: never the tool's (secret) headers. */
const CROSS_ORIGIN_SAFE = new Set(['accept', 'content-type', 'user-agent']);

/**
 * `fetch` for tools: every connection goes through the SSRF guard's pinned dispatcher, and redirects are
 * followed by hand (at most `maxRedirects`), each hop checked again; a hop to another origin drops the
 * tool's headers, since they may hold secrets for the first host. A caller asking for
 * `redirect: 'manual'` gets the 3xx itself; `redirect: 'error'` fails on one.
 */
export function createGuardedFetch(guard: SsrfGuard, maxRedirects = 3): FetchLike {
  return async (input, init = {}) => {
    let url = new URL(input instanceof URL ? input.href : input);
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body ?? null;
    let headers = new Headers(init.headers);
    const mode = init.redirect ?? 'follow';
    for (let hop = 0; ; hop++) {
      guard.checkStatic(url);
      const request: UndiciRequestInit = {
        method,
        headers: [...headers.entries()],
        redirect: 'manual',
        dispatcher: guard.dispatcher,
      };
      if (body !== null) request.body = body as NonNullable<UndiciRequestInit['body']>;
      if (init.signal) request.signal = init.signal;
      const response = (await undiciFetch(url, request)) as unknown as Response;
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null || mode === 'manual') return response;
      await response.body?.cancel();
      if (mode === 'error') throw new TypeError(`redirect to ${location} refused (redirect: 'error')`);
      if (hop >= maxRedirects) throw new SsrfRefusedError(url.host, `more than ${maxRedirects} redirects`);
      const next = new URL(location, url);
      if (next.origin !== url.origin) {
        headers = new Headers([...headers.entries()].filter(([name]) => CROSS_ORIGIN_SAFE.has(name.toLowerCase())));
      }
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = null;
        headers.delete('content-type');
      }
      url = next;
    }
  };
}

/** A response body larger than the configured cap. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the response is larger than ${limitBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/** Reads a body as UTF-8, failing (and cancelling the stream) as soon as it exceeds `limitBytes`. */
export async function readCappedText(response: Response, limitBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limitBytes) {
    await response.body?.cancel();
    throw new ResponseTooLargeError(limitBytes);
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel();
      throw new ResponseTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
