import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { requestId } from './fake-upstream.ids';
import type { RecordedRequest } from './fake-upstream.script';
import type { OpenAiErrorBody } from './fake-upstream.wire';

/** Pause between the last chunk and a scripted reset, so the chunks reach the client first. */
const RESET_GRACE_MS = 50;

/** How an event stream ends after its chunks. */
export type StreamEnding =
  | { kind: 'done' }
  | { kind: 'none' }
  | { kind: 'error'; error: OpenAiErrorBody }
  | { kind: 'reset' }
  /** Nothing more, and the response stays open until the client goes away. */
  | { kind: 'stall' };

/**
 * One request/response pair: writes JSON or an event stream, and notices when the client goes away
 * (`signal` aborts, `record.aborted` becomes true) so pending delays and streams stop early.
 */
export class Exchange {
  private readonly controller = new AbortController();
  private resetByServer = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    readonly record: RecordedRequest,
  ) {
    response.on('close', () => {
      if (!response.writableFinished && !this.resetByServer) record.aborted = true;
      this.controller.abort();
    });
  }

  /** Aborted once the response is closed, whether finished, reset, or abandoned by the client. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  sendJson(status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (this.signal.aborted) return;
    const payload = JSON.stringify(body);
    this.response.writeHead(status, { ...this.commonHeaders(), 'content-type': 'application/json', ...headers });
    this.response.end(payload);
  }

  /** Sends each chunk as its own `data:` event, flushed at once, `delayMs` apart, then the ending. */
  async sendEventStream(chunks: readonly unknown[], ending: StreamEnding, delayMs: number): Promise<void> {
    if (this.signal.aborted) return;
    this.response.writeHead(200, {
      ...this.commonHeaders(),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    this.response.flushHeaders();
    for (const chunk of chunks) {
      if (delayMs > 0) await sleep(delayMs, this.signal);
      if (this.signal.aborted) return;
      this.response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    }
    if (ending.kind === 'reset') {
      // Otherwise the client's HTTP stack may see the reset before it has handed the chunks on, and
      // discard them: a test of "reset after n chunks" needs those n chunks delivered.
      if (chunks.length > 0) await sleep(RESET_GRACE_MS, this.signal);
      return this.signal.aborted ? undefined : this.reset();
    }
    if (ending.kind === 'stall') {
      await new Promise<void>((resolve) =>
        this.signal.aborted ? resolve() : this.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      return;
    }
    if (ending.kind === 'error') this.response.write(`data: ${JSON.stringify({ error: ending.error })}\n\n`);
    if (ending.kind === 'done') this.response.write('data: [DONE]\n\n');
    this.response.end();
  }

  /**
   * A binary body (status 200, chunked), one write per chunk `delayMs` apart; with `reset`, the
   * connection is reset after the chunks instead of ending the body.
   */
  async sendBinary(contentType: string, chunks: readonly Uint8Array[], delayMs: number, reset = false): Promise<void> {
    if (this.signal.aborted) return;
    this.response.writeHead(200, { ...this.commonHeaders(), 'content-type': contentType });
    this.response.flushHeaders();
    for (const chunk of chunks) {
      if (delayMs > 0) await sleep(delayMs, this.signal);
      if (this.signal.aborted) return;
      this.response.write(chunk);
    }
    if (reset) {
      await sleep(RESET_GRACE_MS, this.signal);
      return this.signal.aborted ? undefined : this.reset();
    }
    this.response.end();
  }

  /** A text body (status 200), e.g. a transcript as `text/plain`. */
  sendText(contentType: string, text: string): void {
    if (this.signal.aborted) return;
    this.response.writeHead(200, { ...this.commonHeaders(), 'content-type': contentType });
    this.response.end(text);
  }

  /** Drops the connection with a TCP reset, whatever was sent so far. */
  reset(): void {
    this.resetByServer = true;
    this.request.socket.resetAndDestroy();
  }

  private commonHeaders(): OutgoingHttpHeaders {
    return {
      'x-request-id': requestId(),
      'openai-version': '2020-10-01',
      'openai-processing-ms': String(Date.now() - this.startedAt),
    };
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
