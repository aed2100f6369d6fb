import type { IncomingMessage } from 'node:http';
import type { ServerTools } from '@voxgate/conversation';
import type { ModelPricing } from '@voxgate/metering';
import { GatewayError } from '@voxgate/openai-wire';
import {
  type ClientEvent,
  parseClientEvent,
  randomId,
  type RealtimeErrorDetail,
  type SessionUpdate,
} from '@voxgate/realtime';
import { type RawData, WebSocket } from 'ws';
import type { JsonLogger } from '../../infra/json-logger';
import { rateLimitsOf } from '../rate-limits';
import { EventRateLimiter, REALTIME_LIMITS } from '../realtime-limits';
import { PassthroughMeter } from './passthrough-meter';
import type { PassthroughTarget } from './passthrough-target';
import { ServerToolRelay } from './server-tool-relay';
import { TranscriptionTap } from './transcription-tap';

export interface PassthroughConnectionOptions {
  /** The client's accepted socket. */
  readonly socket: WebSocket;
  readonly target: PassthroughTarget;
  readonly requestId: string;
  readonly tenantId: string;
  readonly meter: PassthroughMeter;
  /** The catalogue's id and `pricing` of the transcription model the session names (`meteredModelOf`). */
  readonly transcriptionModel: (name: string) => { readonly model: string; readonly pricing: ModelPricing };
  /**
   * A client secret's bound session settings (`model` dropped): sent to the provider in the gateway's
   * `session.update` at open, and the client's `session.created` is the provider's session once they
   * apply, as on the bridge. The client may still change them with `session.update`.
   */
  readonly initialSession?: SessionUpdate;
  /** The tenant's server tools, resolved once per session (undefined: none). */
  readonly resolveTools: (signal: AbortSignal) => Promise<ServerTools | undefined>;
  readonly logger: JsonLogger;
  /** Called once when both sockets are gone. */
  readonly onClosed: () => void;
}

type Json = Record<string, unknown>;

/** Close codes the relay uses (RFC 6455 §7.4.1). */
export const PASSTHROUGH_CLOSE = {
  /** The session ended normally (the provider closed it normally, or the client did). */
  normal: 1000,
  /** The server is going down. */
  goingAway: 1001,
  /** Over quota, or too many invalid events. */
  policy: 1008,
  /** The provider could not be reached or dropped the session. */
  upstreamFailed: 1011,
} as const;

/** Bytes of input audio per millisecond, by the session's input format (pcm16 24 kHz, G.711 8 kHz). */
const BYTES_PER_MS: Record<string, number> = { 'audio/pcm': 48, 'audio/pcmu': 8, 'audio/pcma': 8 };

/**
 * One realtime session relayed to the provider's own realtime endpoint (`realtime: passthrough`).
 *
 * Client → provider: every frame is checked like the bridge checks it (`parseClientEvent`: malformed,
 * unknown or unsupported events get an `error` event and are not sent on; the socket stays open, past
 * `maxViolations` it closes 1008), within the same rate and size bounds; `session.update` and
 * `response.create` get the tenant's server tools added to their `tools`, and `session.model` is
 * dropped (the model is fixed at connect time: it is what is priced and metered).
 * Provider → client: events are relayed as they come, except what concerns server tools
 * (`ServerToolRelay`), and any provider secret is scrubbed from the text.
 *
 * Every `response.done` is metered (`PassthroughMeter`); a session over budget gets the quota's `error`
 * event and is closed 1008. The provider key lives only in the upstream handshake. A provider that cannot
 * be reached (or refuses the handshake) or drops the session: an `error` event (`upstream_error`), then
 * close 1011; a provider closing normally (1000) closes the client 1000. The client closing closes the
 * upstream socket.
 */
export class PassthroughConnection {
  private upstream: WebSocket | null = null;
  private readonly queued: string[] = [];
  private readonly limiter = new EventRateLimiter(REALTIME_LIMITS.eventsPerSecond, REALTIME_LIMITS.eventsBurst);
  private violations = 0;
  private tools = new ServerToolRelay(undefined);
  /** Upstream events are handled one after the other (metering and tool runs are asynchronous). */
  private chain: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();
  private ended = false;
  private closing = false;
  private draining = false;
  /** `session.updated` replies to the gateway's own updates, to swallow. */
  private ownUpdates = 0;
  /** The provider's `session.created`, held until the bound settings apply (client secrets). */
  private createdPending = false;
  private inputFormat = 'audio/pcm';
  private outputFormat = 'audio/pcm';
  private audioInMs = 0;
  private readonly transcriptions: TranscriptionTap;
  private readonly responses = new Map<string, { startedAtMs: number; audioOutMs: number }>();
  private readonly expiry: NodeJS.Timeout;

  constructor(private readonly options: PassthroughConnectionOptions) {
    const { socket } = options;
    this.transcriptions = new TranscriptionTap(options.meter, options.transcriptionModel);
    socket.on('message', (data, isBinary) => this.onClientMessage(data, isBinary));
    socket.on('close', () => this.end());
    socket.on('error', (error) =>
      options.logger.event('info', 'realtime socket error', { requestId: options.requestId, error: error.message }),
    );
    this.expiry = setTimeout(() => {
      this.error('invalid_request_error', 'session_expired', 'The session reached its maximum duration of 60 minutes.');
      this.close(PASSTHROUGH_CLOSE.normal, 'session expired');
    }, REALTIME_LIMITS.lifetimeSeconds * 1000);
    this.expiry.unref();
    void this.start();
  }

  /** Closes both sockets as the server goes down (1001). */
  shutdown(): void {
    this.close(PASSTHROUGH_CLOSE.goingAway, 'server shutting down');
  }

  /** The server is draining: close (1001) once no response is in flight, so an answer being spoken finishes. */
  closeWhenIdle(): void {
    if (this.draining) return;
    this.draining = true;
    if (this.responses.size === 0) this.shutdown();
  }

  private async start(): Promise<void> {
    const { options } = this;
    try {
      await options.meter.open();
      this.tools = new ServerToolRelay(await options.resolveTools(this.abort.signal));
    } catch (error) {
      this.failWith(error);
      return;
    }
    if (this.ended) return;
    options.logger.event('info', 'realtime.open', {
      requestId: options.requestId,
      tenantId: options.tenantId,
      model: options.target.model,
      backend: 'passthrough',
    });
    const upstream = new WebSocket(options.target.url, {
      headers: options.target.headers,
      perMessageDeflate: false,
      maxPayload: REALTIME_LIMITS.maxFrameBytes,
      handshakeTimeout: 10_000,
    });
    this.upstream = upstream;
    upstream.on('unexpected-response', (_request, response: IncomingMessage) => {
      response.resume();
      this.upstreamFailed(`The provider refused the realtime session (HTTP ${response.statusCode ?? 0}).`);
      upstream.terminate();
    });
    upstream.on('error', (error) => {
      options.logger.event('warn', 'realtime upstream error', { requestId: options.requestId, error: error.message });
      this.upstreamFailed('The provider could not be reached.');
    });
    upstream.on('open', () => {
      const bound = options.initialSession;
      if (bound) {
        const { model: _model, ...session } = bound;
        this.createdPending = true;
        this.ownUpdates++;
        if (session.audio?.input?.format) this.inputFormat = session.audio.input.format.type;
        upstream.send(
          JSON.stringify({
            type: 'session.update',
            session: {
              ...session,
              ...(this.tools.active || session.tools ? { tools: this.tools.withServerTools(session.tools ?? []) } : {}),
            },
          }),
        );
      } else if (this.tools.active) {
        this.ownUpdates++;
        upstream.send(
          JSON.stringify({ type: 'session.update', session: { type: 'realtime', tools: this.tools.definitions() } }),
        );
      }
      for (const text of this.queued.splice(0)) this.forward(text);
    });
    upstream.on('message', (data) => {
      const text = textOf(data);
      this.chain = this.chain.then(() => this.onUpstreamMessage(text)).catch((error: unknown) => this.failWith(error));
    });
    upstream.on('close', (code) => {
      // Events already received go out first, then the close.
      void this.chain.then(() => {
        if (this.closing || this.ended) return;
        if (code === PASSTHROUGH_CLOSE.normal) this.close(PASSTHROUGH_CLOSE.normal, 'upstream closed the session');
        else this.upstreamFailed(`The provider closed the session (code ${code}).`);
      });
    });
  }

  private onClientMessage(data: RawData, isBinary: boolean): void {
    if (this.closing) return;
    if (!this.limiter.take()) {
      this.violation('rate_limit_exceeded', `Too many events: at most ${REALTIME_LIMITS.eventsPerSecond} per second.`);
      return;
    }
    if (isBinary) {
      this.violation('invalid_event', 'Binary frames are not accepted: send events as JSON text frames.');
      return;
    }
    const text = textOf(data);
    // Until the provider session is open (and the server tools known), frames wait unparsed.
    if (this.upstream?.readyState !== WebSocket.OPEN) {
      if (this.queued.length < REALTIME_LIMITS.eventsBurst) this.queued.push(text);
      else this.violation('rate_limit_exceeded', 'Too many events before the session was connected.');
      return;
    }
    this.forward(text);
  }

  /** Validates one client frame and sends it upstream, or answers the client with an `error` event. */
  private forward(text: string): void {
    const parsed = parseClientEvent(text);
    if (!parsed.ok) {
      if (this.countViolation()) this.send({ type: 'error', error: parsed.error });
      return;
    }
    const event = this.upstreamEvent(parsed.event);
    if (!event) return;
    this.upstream?.send(JSON.stringify(event));
  }

  /** The client event as sent upstream (server tools added, the model fixed), or null if refused. */
  private upstreamEvent(event: ClientEvent): Json | null {
    switch (event.type) {
      case 'session.update': {
        const { model: _model, ...session } = event.session;
        const input = session.audio?.input?.format?.type;
        const output = session.audio?.output?.format?.type;
        if (input) this.inputFormat = input;
        if (output) this.outputFormat = output;
        if (session.tools && !this.clientToolsAllowed(session.tools, event.event_id, 'session.tools')) return null;
        return {
          ...event,
          session: session.tools ? { ...session, tools: this.tools.withServerTools(session.tools) } : session,
        };
      }
      case 'response.create': {
        const tools = event.response?.tools;
        if (!tools || !event.response) return event;
        if (!this.clientToolsAllowed(tools, event.event_id, 'response.tools')) return null;
        return { ...event, response: { ...event.response, tools: this.tools.withServerTools(tools) } };
      }
      case 'input_audio_buffer.append':
        this.audioInMs += Buffer.byteLength(event.audio, 'base64') / (BYTES_PER_MS[this.inputFormat] ?? 48);
        return event;
      default:
        return event;
    }
  }

  /** A client tool may not take a server tool's name: the gateway would run it instead. */
  private clientToolsAllowed(tools: readonly { name: string }[], eventId: string | undefined, param: string): boolean {
    const taken = tools.find((tool) => this.tools.has(tool.name));
    if (!taken) return true;
    this.send({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: 'tool_name_taken',
        message: `The tool name '${taken.name}' is a server tool of this tenant; give the client tool another name.`,
        param,
        event_id: eventId ?? null,
      },
    });
    return false;
  }

  private async onUpstreamMessage(text: string): Promise<void> {
    if (this.ended) return;
    let event: Json;
    try {
      event = JSON.parse(this.scrub(text)) as Json;
    } catch {
      this.options.logger.event('warn', 'realtime upstream sent a non-JSON frame', {
        requestId: this.options.requestId,
      });
      return;
    }
    this.transcriptions.observe(event);
    switch (event.type) {
      case 'session.created':
      case 'session.updated': {
        const session = event.session as Json;
        this.trackFormats(session);
        // With bound settings, the client's `session.created` is the session once they applied.
        if (event.type === 'session.created' && this.createdPending) return;
        if (event.type === 'session.updated' && this.ownUpdates > 0) {
          this.ownUpdates--;
          if (this.createdPending) {
            this.createdPending = false;
            this.send({ ...event, type: 'session.created', session: this.tools.clientSession(session) });
          }
          return;
        }
        this.send({ ...event, session: this.tools.clientSession(session) });
        return;
      }
      case 'response.created': {
        const id = String((event.response as Json).id);
        this.responses.set(id, { startedAtMs: Date.now(), audioOutMs: 0 });
        break;
      }
      case 'response.output_audio.delta': {
        const entry = this.responses.get(String(event.response_id));
        if (entry) {
          entry.audioOutMs +=
            Buffer.byteLength(String(event.delta), 'base64') / (BYTES_PER_MS[this.outputFormat] ?? 48);
        }
        break;
      }
      case 'response.done':
        await this.responseDone(event);
        return;
      case 'rate_limits.updated':
        // The provider's limits are the gateway's provider account's, not the tenant's: the gateway sends
        // the tenant's own after each response.done instead.
        return;
      default:
        if (this.tools.hides(event)) return;
    }
    this.send(event);
  }

  /** Relays `response.done`, meters it, then runs the server calls it made. */
  private async responseDone(event: Json): Promise<void> {
    const response = event.response as Json;
    const id = String(response.id);
    const seen = this.responses.get(id);
    this.responses.delete(id);
    const { calls, clientCalls, response: visible } = this.tools.finish(response);
    this.send({ ...event, response: visible });
    const audioInMs = this.audioInMs;
    this.audioInMs = 0;
    try {
      await this.options.meter.charge({
        responseId: id,
        status: String(response.status),
        usage: (response.usage as Json | undefined) ?? null,
        startedAtMs: seen?.startedAtMs ?? Date.now(),
        audioInMs,
        audioOutMs: seen?.audioOutMs ?? 0,
        toolCalls: calls.length,
      });
    } catch (error) {
      this.failWith(error);
      return;
    }
    const limits = rateLimitsOf(this.options.meter.rateLimitHeaders);
    if (limits.length > 0) this.send({ type: 'rate_limits.updated', rate_limits: limits });
    if (this.draining && (calls.length === 0 || response.status !== 'completed')) {
      if (this.responses.size === 0) this.shutdown();
      return;
    }
    if (calls.length === 0 || response.status !== 'completed') return;
    const { events, runs } = await this.tools.run(calls);
    this.options.logger.event('info', 'realtime.tool_runs', {
      requestId: this.options.requestId,
      responseId: id,
      tools: runs.map((run) => ({ name: run.name, status: run.status, replayed: run.replayed })),
    });
    if (this.ended || this.upstream?.readyState !== WebSocket.OPEN) return;
    for (const item of events) this.upstream.send(JSON.stringify(item));
    // With client calls in the same response, the client's own `response.create` continues the turn.
    if (!clientCalls) this.upstream.send(JSON.stringify({ type: 'response.create' }));
  }

  private trackFormats(session: Json): void {
    const audio = session.audio as { input?: { format?: Json }; output?: { format?: Json } } | undefined;
    if (typeof audio?.input?.format?.type === 'string') this.inputFormat = audio.input.format.type;
    if (typeof audio?.output?.format?.type === 'string') this.outputFormat = audio.output.format.type;
  }

  /** Provider secrets never reach the client, whatever the provider echoes. */
  private scrub(text: string): string {
    let out = text;
    for (const secret of this.options.target.secrets)
      if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }

  private upstreamFailed(message: string): void {
    if (this.closing || this.ended) return;
    this.error('server_error', 'upstream_error', message);
    this.close(PASSTHROUGH_CLOSE.upstreamFailed, 'upstream failed');
  }

  /** A refusal (the quota's 429, a tools outage): its `error` event, then the close. */
  private failWith(error: unknown): void {
    if (this.closing || this.ended) return;
    if (error instanceof GatewayError) {
      const { type, code, message, param } = error.toOpenAIError();
      this.send({ type: 'error', error: { type, code, message, param, event_id: null } });
      this.close(
        PassthroughMeter.isRefusal(error) ? PASSTHROUGH_CLOSE.policy : PASSTHROUGH_CLOSE.upstreamFailed,
        PassthroughMeter.isRefusal(error) ? 'quota exceeded' : 'session failed',
      );
      return;
    }
    this.options.logger.event('error', 'realtime passthrough failed', {
      requestId: this.options.requestId,
      error: error instanceof Error ? error.message : String(error),
    });
    this.error('server_error', 'internal_error', 'The gateway failed; the session is closed.');
    this.close(PASSTHROUGH_CLOSE.upstreamFailed, 'internal error');
  }

  private error(type: string, code: string, message: string): void {
    const detail: RealtimeErrorDetail = { type, code, message, param: null, event_id: null };
    this.send({ type: 'error', error: detail });
  }

  private violation(code: string, message: string): void {
    if (this.countViolation()) this.error('invalid_request_error', code, message);
  }

  private countViolation(): boolean {
    this.violations++;
    if (this.violations <= REALTIME_LIMITS.maxViolations) return true;
    if (this.violations === REALTIME_LIMITS.maxViolations + 1)
      this.close(PASSTHROUGH_CLOSE.policy, 'too many invalid events');
    return false;
  }

  /** Writes one event to the client, with a server `event_id` when the provider's had none. */
  private send(event: Json): void {
    const { socket } = this.options;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > REALTIME_LIMITS.maxBufferedBytes) {
      this.close(PASSTHROUGH_CLOSE.policy, 'client is not reading');
      return;
    }
    socket.send(JSON.stringify(typeof event.event_id === 'string' ? event : { event_id: randomId('event'), ...event }));
  }

  private close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.abort.abort();
    const upstream = this.upstream;
    if (upstream && (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING)) {
      if (upstream.readyState === WebSocket.OPEN) upstream.close(PASSTHROUGH_CLOSE.normal, 'client session ended');
      else upstream.terminate();
    }
    const { socket } = this.options;
    if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
    else this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.expiry);
    if (!this.closing) this.close(PASSTHROUGH_CLOSE.normal, 'client closed');
    this.abort.abort();
    this.options.meter.close();
    this.options.logger.event('info', 'realtime.close', { requestId: this.options.requestId });
    this.options.onClosed();
  }
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
}
