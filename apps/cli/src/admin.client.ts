import { GatewayError } from './cli.errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Query parameters; `undefined` values are left out, arrays become comma-separated lists. */
export type QueryParams = Readonly<Record<string, string | number | readonly string[] | undefined>>;

export interface AdminClientOptions {
  /** The gateway's origin, e.g. `http://127.0.0.1:8080` (a trailing slash is ignored). */
  readonly baseUrl: string;
  /** `VOXGATE_ADMIN_KEY`: sent as `Authorization: Bearer …`, never put in a message. */
  readonly adminKey: string;
  readonly fetch: typeof fetch;
  /** Whole request, answer included. */
  readonly timeoutMs: number;
}

/**
 * The admin API over HTTP: one call per method, the bearer admin key on each, JSON in and out. A non-2xx
 * answer becomes a `GatewayError` with the message of the gateway's OpenAI-shaped error envelope; an
 * unreachable gateway becomes a `GatewayError` naming the URL (without credentials) and the network error.
 */
export class AdminClient {
  private readonly origin: string;

  constructor(private readonly options: AdminClientOptions) {
    this.origin = options.baseUrl.replace(/\/+$/, '');
  }

  /** Sends one JSON request; resolves with the parsed JSON answer. */
  async call(
    method: HttpMethod,
    path: string,
    request: { body?: unknown; query?: QueryParams } = {},
  ): Promise<unknown> {
    const response = await this.send(method, path, request);
    const text = await response.text();
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new GatewayError(
        `The gateway answered ${method} ${path} with something that is not JSON.`,
        response.status,
      );
    }
  }

  /** Sends a GET whose answer is a download (usage events): the body, unread, for the caller to stream. */
  async download(path: string, query: QueryParams): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send('GET', path, { query });
    if (!response.body) throw new GatewayError(`The gateway sent no body for GET ${path}.`, response.status);
    return response.body;
  }

  private async send(
    method: HttpMethod,
    path: string,
    request: { body?: unknown; query?: QueryParams },
  ): Promise<Response> {
    const url = new URL(this.origin + path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      url.searchParams.set(name, typeof value === 'object' ? value.join(',') : String(value));
    }
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.adminKey}`,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new GatewayError(
        `Could not reach the gateway at ${this.safeOrigin()}: ${networkReason(error)}.`,
        undefined,
      );
    }
    if (!response.ok) throw await errorFrom(response, method, path);
    return response;
  }

  /** The origin without any `user:password@` the user may have put in `--url`. */
  private safeOrigin(): string {
    try {
      const url = new URL(this.origin);
      url.username = '';
      url.password = '';
      return url.toString().replace(/\/$/, '');
    } catch {
      return '(invalid URL)';
    }
  }
}

/** OpenAI's error envelope, as every gateway 4xx/5xx carries it. */
interface ErrorEnvelope {
  error: { message?: unknown; code?: unknown; param?: unknown };
}

async function errorFrom(response: Response, method: string, path: string): Promise<GatewayError> {
  const text = await response.text().catch(() => '');
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    envelope = undefined;
  }
  if (isEnvelope(envelope) && typeof envelope.error.message === 'string') {
    const { code, param } = envelope.error;
    return new GatewayError(
      envelope.error.message,
      response.status,
      typeof code === 'string' ? code : null,
      typeof param === 'string' ? param : null,
    );
  }
  return new GatewayError(`${method} ${path} failed with HTTP ${response.status}.`, response.status);
}

function isEnvelope(value: unknown): value is ErrorEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return typeof error === 'object' && error !== null;
}

/** `ECONNREFUSED`, `timed out`, … from what `fetch` throws (undici puts the socket error in `cause`). */
function networkReason(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
