import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import type { UpstreamSignal } from './call-abort';

/** Response headers by lower-case name; several values of one name joined by `, ` (as `Headers.get`). */
export interface HeaderLookup {
  get(name: string): string | null;
}

/** One POST to a provider. */
export interface UpstreamRequest {
  /** Absolute `http(s)` URL, as `new URL(...).toString()` writes it. */
  readonly url: string;
  /** Lower-case names. Carries the provider key: never logged, never part of an error. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
  /**
   * Ends the call. Before the response starts, the returned promise rejects with the signal's reason;
   * after, the body errors with it and the connection is closed (not returned to the pool). The adapter
   * passes a `CallAbort` (undici takes either kind).
   */
  readonly signal: UpstreamSignal;
}

/** A provider's answer, any status, once its status line and headers arrived. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: HeaderLookup;
  /**
   * The body as a Node stream (bytes, pulled: nothing more is read from the socket while its small
   * buffer is full). Errors with the request's abort reason when the request's signal aborts. Whoever
   * takes the response must read it to its end or `destroy()` it; destroying an unfinished body closes
   * the connection.
   */
  readonly body: Readable;
}

/**
 * How the adapter reaches a provider: `upstreamTransport` in production, a scripted fake in tests.
 * Rejects with a network error (its `code`, or its cause's, says which: `ECONNREFUSED`,
 * `UND_ERR_CONNECT_TIMEOUT`, `UND_ERR_SOCKET`…) or with the signal's reason.
 */
export type UpstreamTransport = (request: UpstreamRequest) => Promise<UpstreamResponse>;

/**
 * The transport of one provider: undici's `Agent` (one keep-alive pool per origin, one request per
 * connection at a time) and its `request()`, whose body is a Node stream, rather than WHATWG `fetch`,
 * whose `Request`, `Headers`, web streams and per-call abort machinery cost several times the CPU of
 * the request itself. Connections must open within `connectMs` (`UND_ERR_CONNECT_TIMEOUT`); undici's
 * own header and body timeouts (300 s each by default) are off: `UpstreamDeadline` owns those, with the
 * provider's configured values and errors that say which one ran out. TLS as Node's defaults (system
 * CAs plus `NODE_EXTRA_CA_CERTS`), as `fetch` had.
 */
export function upstreamTransport(connectMs: number): UpstreamTransport {
  const agent = new Agent({ connect: { timeout: connectMs }, headersTimeout: 0, bodyTimeout: 0, pipelining: 1 });
  return async ({ url, headers, body, signal }) => {
    const { origin, path } = splitUrl(url);
    const response = await agent.request({
      origin,
      path,
      method: 'POST',
      headers,
      body,
      signal,
      highWaterMark: BODY_HIGH_WATER_MARK,
    });
    return { status: response.statusCode, headers: new ParsedHeaders(response.headers), body: response.body };
  };
}

/** True when `code` (see `networkCodeOf`) is the dispatcher's connect timeout. */
export function isConnectTimeout(code: string | null): boolean {
  return code === 'UND_ERR_CONNECT_TIMEOUT';
}

/**
 * What a response body buffers ahead of its reader before undici stops reading the socket: the 16 KiB
 * `fetch`'s body stream held, which keeps a slow client's stream to a few tens of KiB of the gateway's
 * memory (`bench:slow-readers`).
 */
const BODY_HIGH_WATER_MARK = 16 * 1024;

/** `https://host:port/v1/x?y` → origin `https://host:port`, path `/v1/x?y`, without a `URL` per call. */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('://') + 3);
  return slash === -1 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

/** undici's parsed headers (lower-case names; a repeated header as an array). */
class ParsedHeaders implements HeaderLookup {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
  }
}
