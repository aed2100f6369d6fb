import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { OpenApiValidator } from '../openapi/openapi-validator';
import { checkApiKey, checkChatRequestBody, checkJsonBody } from './fake-upstream.checks';
import { type ErrorReply, invalidUrl, openAiError, specViolation } from './fake-upstream.errors';
import { Exchange } from './fake-upstream.exchange';
import { answerChat } from './fake-upstream.replier';
import { readChatRequest } from './fake-upstream.request';
import { FakeRealtimeSession, type RealtimeReply, type RecordedRealtimeSession } from './fake-upstream.realtime';
import { buildModelList } from './fake-upstream.responses';
import type { RecordedRequest, ScriptedReply } from './fake-upstream.script';
import { answerSpeech } from './fake-upstream.speech';
import { answerTranscription, checkForm, parseForm } from './fake-upstream.transcription';

export interface FakeUpstreamOptions {
  /** Key that requests must carry (`Authorization: Bearer …` or `api-key: …`); omit to accept any. */
  apiKey?: string;
  /** Checks chat request bodies against the OpenAI spec; defaults to a new `OpenApiValidator`, `false` skips. */
  validator?: OpenApiValidator | false;
  /** Pause before each streamed chunk, in milliseconds (default 0); also settable later. */
  chunkDelayMs?: number;
}

/**
 * A fake OpenAI-compatible upstream on 127.0.0.1 with a random port, for tests of the gateway.
 *
 * - `POST …/chat/completions` (any prefix, so Azure's `/openai/deployments/{d}/chat/completions?api-version=…`
 *   works too): checks the key and the body against the spec, then answers with the next scripted reply
 *   (`enqueue`) or like gpt-4o-audio-preview would (see README.md).
 * - `POST …/audio/speech`, `…/audio/transcriptions`, `…/audio/translations`: checked against the spec
 *   (`CreateSpeechRequest`, `CreateTranscriptionRequest`, `CreateTranslationRequest`), answered with real
 *   audio (the vendored speech clip, encoded in the asked format at the asked speed) and with the transcript
 *   of the vendored clip the upload matches (see fake-upstream.speech.ts, fake-upstream.transcription.ts).
 *   Queued replies apply to them too (`json`, `reset`, `delay`, `stall`, `streamError`).
 * - `GET …/models`: a short model list.
 * - `GET …/realtime` upgraded to a WebSocket (OpenAI's `/v1/realtime?model=…`, Azure's
 *   `/openai/realtime?api-version=…&deployment=…`): the key is checked at the handshake (a 401 refuses it),
 *   then a session behaving like OpenAI's Realtime API (fake-upstream.realtime.ts); every client event is
 *   checked against the spec's `RealtimeClientEvent`. Sessions are recorded in `realtimeSessions`; replies
 *   queued with `enqueueRealtime`; `refuseRealtime(status)` makes handshakes fail (fault injection).
 *
 * Every request is recorded in `requests`; every spec violation in `violations`, and answered with a 400.
 */
export class FakeUpstream {
  /** Requests in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Spec violations found in request bodies, each prefixed with the method and path. */
  readonly violations: string[] = [];
  /** Pause before each streamed chunk, in milliseconds. */
  chunkDelayMs: number;
  /** Realtime sessions in arrival order (refused handshakes included, with no events). */
  readonly realtimeSessions: RecordedRealtimeSession[] = [];
  private readonly realtimeQueue: RealtimeReply[] = [];
  private realtimeRefusal: number | null = null;
  private readonly wss = new WebSocketServer({ noServer: true });

  private readonly queue: ScriptedReply[] = [];
  private responder: ((body: unknown) => ScriptedReply | undefined) | undefined;
  private readonly validator: OpenApiValidator | undefined;
  private readonly apiKey: string | undefined;
  private origin = '';

  private constructor(
    private readonly server: Server,
    options: FakeUpstreamOptions,
  ) {
    this.apiKey = options.apiKey;
    this.validator = options.validator === false ? undefined : (options.validator ?? new OpenApiValidator());
    this.chunkDelayMs = options.chunkDelayMs ?? 0;
  }

  static async start(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
    const server = createServer();
    const upstream = new FakeUpstream(server, options);
    server.on(
      'request',
      (request: IncomingMessage, response: ServerResponse) => void upstream.handle(request, response),
    );
    server.on('connection', (socket) => socket.setNoDelay(true));
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      upstream.upgrade(request, socket, head),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    upstream.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return upstream;
  }

  /** `http://127.0.0.1:<port>/v1`, the `baseURL` for OpenAI clients. */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  /** `http://127.0.0.1:<port>`, for Azure-style or other path layouts. */
  get url(): string {
    return this.origin;
  }

  /** Queues replies for the next requests to `…/chat/completions`, one per request, in order. */
  enqueue(...replies: ScriptedReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /**
   * Decides the reply from the (validated) request body whenever nothing is queued, e.g. a tool call
   * first and an answer once a tool result is in the conversation: scripts that stay right however
   * concurrent requests interleave. `undefined` (from the function, or to remove it) means the default.
   */
  respondWith(responder: ((body: unknown) => ScriptedReply | undefined) | undefined): this {
    this.responder = responder;
    return this;
  }

  /** Queues what the next realtime `response.create`s get, one each, in order (any session). */
  enqueueRealtime(...replies: RealtimeReply[]): this {
    this.realtimeQueue.push(...replies);
    return this;
  }

  /** Makes realtime handshakes fail with `status` (a JSON error body) until called with `null`. */
  refuseRealtime(status: number | null): this {
    this.realtimeRefusal = status;
    return this;
  }

  /** Scripted replies not consumed yet. */
  get pendingReplies(): number {
    return this.queue.length;
  }

  /** Requests whose client went away before the answer was complete. */
  get abortedCount(): number {
    return this.requests.filter((request) => request.aborted).length;
  }

  /** The most recent request; throws if there was none. */
  lastRequest(): RecordedRequest {
    const last = this.requests.at(-1);
    if (last === undefined) throw new Error('The fake upstream has received no request');
    return last;
  }

  /** Throws, listing them, if any request broke the spec. */
  assertNoViolations(): void {
    if (this.violations.length === 0) return;
    throw new Error(
      `The fake upstream saw ${this.violations.length} spec violation(s):\n  - ${this.violations.join('\n  - ')}`,
    );
  }

  /** Forgets requests, violations and pending replies. */
  clear(): void {
    this.requests.length = 0;
    this.violations.length = 0;
    this.queue.length = 0;
    this.responder = undefined;
    this.realtimeSessions.length = 0;
    this.realtimeQueue.length = 0;
    this.realtimeRefusal = null;
  }

  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number, timeoutMs = 2_000): Promise<void> {
    return waitUntil(
      () => this.requests.length >= count,
      timeoutMs,
      `${count} request(s), got ${this.requests.length}`,
    );
  }

  /** Resolves with the request at `index` (default: the last one) once its client has gone away. */
  async waitForAbort(index = -1, timeoutMs = 2_000): Promise<RecordedRequest> {
    await waitUntil(() => this.requests.at(index)?.aborted === true, timeoutMs, `request ${index} to be aborted`);
    return this.requests.at(index) as RecordedRequest;
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', this.origin);
    const record: RecordedRealtimeSession = {
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      events: [],
      closed: null,
    };
    this.realtimeSessions.push(record);
    const authError = this.apiKey === undefined ? undefined : checkApiKey(request.headers, this.apiKey);
    const refusal: ErrorReply | undefined =
      authError ??
      (!url.pathname.endsWith('/realtime') ? invalidUrl('GET', url.pathname) : undefined) ??
      (this.realtimeRefusal !== null
        ? { status: this.realtimeRefusal, body: openAiError('Injected fault.', 'server_error'), reason: 'spec' }
        : undefined);
    if (refusal) {
      const body = JSON.stringify(refusal.body);
      socket.end(
        `HTTP/1.1 ${refusal.status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      new FakeRealtimeSession(
        ws,
        record,
        this.validator,
        this.violations,
        () => this.realtimeQueue.shift(),
        () => this.chunkDelayMs,
      );
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.origin);
    let rawBytes: Buffer;
    try {
      rawBytes = await readBody(request);
    } catch {
      return; // The client went away while sending its body.
    }
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body: undefined,
      rawBody: rawBytes.toString('utf8'),
      rawBytes,
      answeredBy: 'default',
      aborted: false,
    };
    this.requests.push(record);
    const exchange = new Exchange(request, response, record);
    try {
      await this.route(exchange);
    } catch (error) {
      this.violations.push(`${record.method} ${record.path}: the fake upstream failed: ${String(error)}`);
      if (response.headersSent) response.destroy();
      else exchange.sendJson(500, openAiError('The fake upstream failed; see violations.', 'server_error'));
    }
  }

  private async route(exchange: Exchange): Promise<void> {
    const { method, path, headers } = exchange.record;
    const authError = this.apiKey === undefined ? undefined : checkApiKey(headers, this.apiKey);
    if (authError !== undefined) return refuse(exchange, authError);
    if (method === 'GET' && path.endsWith('/models')) return exchange.sendJson(200, buildModelList());
    if (method === 'POST' && path.endsWith('/audio/speech')) return this.speech(exchange);
    if (method === 'POST' && path.endsWith('/audio/transcriptions')) return this.transcription(exchange, 'transcribe');
    if (method === 'POST' && path.endsWith('/audio/translations')) return this.transcription(exchange, 'translate');
    if (method !== 'POST' || !path.endsWith('/chat/completions')) return refuse(exchange, invalidUrl(method, path));

    const check = checkChatRequestBody(exchange.record.rawBody, headers, this.validator);
    exchange.record.body = check.body;
    this.violations.push(...check.violations.map((violation) => `${method} ${path}: ${violation}`));
    if (check.error !== undefined) return refuse(exchange, check.error);
    const reply = this.queue.shift() ?? this.responder?.(check.body);
    await answerChat(exchange, readChatRequest(check.body), reply, this.chunkDelayMs);
  }

  private async speech(exchange: Exchange): Promise<void> {
    const { method, path, headers, rawBody } = exchange.record;
    const check = checkJsonBody(rawBody, headers, this.validator, 'CreateSpeechRequest');
    exchange.record.body = check.body;
    this.violations.push(...check.violations.map((violation) => `${method} ${path}: ${violation}`));
    if (check.error !== undefined) return refuse(exchange, check.error);
    await answerSpeech(exchange, check.body, this.queue.shift() ?? this.responder?.(check.body), this.chunkDelayMs);
  }

  private async transcription(exchange: Exchange, task: 'transcribe' | 'translate'): Promise<void> {
    const { method, path, headers, rawBytes } = exchange.record;
    const contentType = headers['content-type'] ?? '';
    const where = `${method} ${path}`;
    if (!contentType.startsWith('multipart/form-data')) {
      this.violations.push(`${where}: content-type is '${contentType}', expected multipart/form-data`);
      return refuse(exchange, {
        status: 400,
        body: openAiError('Expected a multipart/form-data body.'),
        reason: 'spec',
      });
    }
    const form = await parseForm(rawBytes, contentType);
    exchange.record.body = form.fields;
    const schema = task === 'translate' ? 'CreateTranslationRequest' : 'CreateTranscriptionRequest';
    const violations = checkForm(form, this.validator, schema);
    this.violations.push(...violations.map((violation) => `${where}: ${violation}`));
    if (violations.length > 0) return refuse(exchange, specViolation(violations, null));
    const reply = this.queue.shift() ?? this.responder?.(form.fields);
    const refusal = await answerTranscription(exchange, form, task, reply, this.chunkDelayMs);
    if (refusal) refuse(exchange, refusal);
  }
}

function refuse(exchange: Exchange, error: ErrorReply): void {
  exchange.record.answeredBy = error.reason;
  exchange.sendJson(error.status, error.body);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
