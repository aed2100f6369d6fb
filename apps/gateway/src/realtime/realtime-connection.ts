import {
  RealtimeSession,
  type RealtimeSessionOptions,
  type SessionUpdate,
  type TurnDetectorFactory,
  type TurnRunner,
} from '@voxgate/realtime';
import type { RawData, WebSocket } from 'ws';
import type { JsonLogger } from '../infra/json-logger';
import { EventRateLimiter, REALTIME_LIMITS } from './realtime-limits';

export interface RealtimeConnectionOptions {
  readonly socket: WebSocket;
  readonly model: string;
  readonly keyId: string;
  readonly tenantId: string;
  readonly requestId: string;
  readonly runner: TurnRunner;
  readonly maxBufferSeconds: number;
  /** Settings the session starts with (a client secret's bound session). */
  readonly initialSession?: SessionUpdate;
  /** The detector behind `turn_detection` (`realtime.vad.engine`). */
  readonly turnDetector?: TurnDetectorFactory;
  readonly logger: JsonLogger;
  /** Called once when the socket has closed and the session has ended. */
  readonly onClosed: () => void;
  /**
   * The conversation's session-store id, the items it resumes with, the audio budget per turn, and where
   * a truncation of a stored answer is recorded.
   */
  readonly history?: Pick<
    RealtimeSessionOptions,
    'sessionId' | 'restored' | 'historyAudioBytes' | 'onStoredAnswerTruncated'
  >;
  /** Input audio transcription of committed user turns (`audio.input.transcription`). */
  readonly transcriber?: RealtimeSessionOptions['transcriber'];
}

/**
 * One accepted realtime socket: frames in → `RealtimeSession`, events out → frames, with the socket's
 * bounds (`REALTIME_LIMITS`). A flooding or garbage-sending client gets `error` events, then past
 * `maxViolations` a clean close 1008; a client that stops reading is closed once `maxBufferedBytes` of
 * events wait for it. Nothing here throws into the event loop.
 */
export class RealtimeConnection {
  private readonly session: RealtimeSession;
  private readonly limiter = new EventRateLimiter(REALTIME_LIMITS.eventsPerSecond, REALTIME_LIMITS.eventsBurst);
  private violations = 0;
  private readonly expiry: NodeJS.Timeout;
  private ended = false;
  /** Characters of frames received and not yet handled (bounded by `maxPendingBytes`). */
  private pendingBytes = 0;
  private draining = false;
  /** Set once the socket is to be closed for misbehaviour: later frames are ignored. */
  private closing = false;

  constructor(private readonly options: RealtimeConnectionOptions) {
    const { socket } = options;
    this.session = new RealtimeSession({
      ...options.history,
      model: options.model,
      keyId: options.keyId,
      runner: options.runner,
      ...(options.transcriber ? { transcriber: options.transcriber } : {}),
      maxBufferSeconds: options.maxBufferSeconds,
      ...(options.initialSession ? { initialSession: options.initialSession } : {}),
      ...(options.turnDetector ? { turnDetector: options.turnDetector } : {}),
      lifetimeSeconds: REALTIME_LIMITS.lifetimeSeconds,
      emit: (event) => this.write(JSON.stringify(event)),
      onInvalidEvent: () => this.countViolation(),
      onResponseDone: (response) =>
        options.logger.event('info', 'realtime.response', {
          requestId: options.requestId,
          responseId: response.id,
          status: response.status,
          tokens: response.usage?.total_tokens ?? 0,
        }),
    });
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('close', () => void this.end());
    // `ws` closes the socket itself on a protocol error (1009 for an oversized frame, 1002…) and then
    // reports it here; terminating now would cut that close frame off.
    socket.on('error', (error) =>
      options.logger.event('info', 'realtime socket error', { requestId: options.requestId, error: error.message }),
    );
    this.expiry = setTimeout(() => {
      this.session.error({
        type: 'invalid_request_error',
        code: 'session_expired',
        message: 'The session reached its maximum duration of 60 minutes.',
        param: null,
      });
      socket.close(1000, 'session expired');
    }, REALTIME_LIMITS.lifetimeSeconds * 1000);
    this.expiry.unref();
    this.session.start();
    options.logger.event('info', 'realtime.open', {
      requestId: options.requestId,
      tenantId: options.tenantId,
      model: options.model,
    });
  }

  /** Closes the socket as the server goes down (1001), aborting a response in flight. */
  shutdown(): void {
    this.options.socket.close(1001, 'server shutting down');
  }

  /**
   * The server is draining: close (1001) once no response is in flight, so an answer being spoken
   * finishes; new events are no longer handled. The drain's deadline still cuts it (`shutdown`).
   */
  closeWhenIdle(): void {
    if (this.draining) return;
    this.draining = true;
    this.session.stopInput();
    void this.session.idle().then(() => this.shutdown());
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closing) return;
    if (!this.limiter.take()) {
      this.violation('rate_limit_exceeded', `Too many events: at most ${REALTIME_LIMITS.eventsPerSecond} per second.`);
      return;
    }
    if (isBinary) {
      this.violation('invalid_event', 'Binary frames are not accepted: send events as JSON text frames.');
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    if (this.pendingBytes + text.length > REALTIME_LIMITS.maxPendingBytes) {
      this.closing = true;
      this.session.stopInput();
      this.options.socket.close(1008, 'too much unhandled input');
      return;
    }
    this.pendingBytes += text.length;
    void this.session.handle(text).then(() => (this.pendingBytes -= text.length));
  }

  /** A refused frame (over the rate, binary): an `error` event, or the close once past the bound. */
  private violation(code: string, message: string): void {
    if (this.countViolation()) this.session.error({ type: 'invalid_request_error', code, message, param: null });
  }

  /** Counts a refused frame; false (and the socket closing with 1008) once past `maxViolations`. */
  private countViolation(): boolean {
    this.violations++;
    if (this.violations <= REALTIME_LIMITS.maxViolations) return true;
    if (this.violations === REALTIME_LIMITS.maxViolations + 1) {
      this.options.logger.event('warn', 'realtime socket closed: too many invalid events', {
        requestId: this.options.requestId,
      });
      this.closing = true;
      this.session.stopInput();
      // The answers to what came before go out first, then the close.
      void this.session.drained().then(() => this.options.socket.close(1008, 'too many invalid events'));
    }
    return false;
  }

  private write(frame: string): void {
    const { socket } = this.options;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > REALTIME_LIMITS.maxBufferedBytes) {
      socket.close(1008, 'client is not reading');
      return;
    }
    socket.send(frame);
  }

  private async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.expiry);
    await this.session.close().catch(() => undefined);
    this.options.logger.event('info', 'realtime.close', { requestId: this.options.requestId });
    this.options.onClosed();
  }
}
