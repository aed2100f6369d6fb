import { connect } from 'node:net';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { validator } from './e2e-env';

/** Spec schema of each server event type the gateway may send (spec `RealtimeServerEvent*`). */
const SCHEMA_OF: Record<string, string> = {
  error: 'RealtimeServerEventError',
  'session.created': 'RealtimeServerEventSessionCreated',
  'session.updated': 'RealtimeServerEventSessionUpdated',
  'input_audio_buffer.speech_started': 'RealtimeServerEventInputAudioBufferSpeechStarted',
  'input_audio_buffer.speech_stopped': 'RealtimeServerEventInputAudioBufferSpeechStopped',
  'input_audio_buffer.committed': 'RealtimeServerEventInputAudioBufferCommitted',
  'input_audio_buffer.cleared': 'RealtimeServerEventInputAudioBufferCleared',
  'conversation.item.added': 'RealtimeServerEventConversationItemAdded',
  'conversation.item.done': 'RealtimeServerEventConversationItemDone',
  'conversation.item.retrieved': 'RealtimeServerEventConversationItemRetrieved',
  'conversation.item.deleted': 'RealtimeServerEventConversationItemDeleted',
  'conversation.item.truncated': 'RealtimeServerEventConversationItemTruncated',
  'conversation.item.input_audio_transcription.delta':
    'RealtimeServerEventConversationItemInputAudioTranscriptionDelta',
  'conversation.item.input_audio_transcription.completed':
    'RealtimeServerEventConversationItemInputAudioTranscriptionCompleted',
  'conversation.item.input_audio_transcription.failed':
    'RealtimeServerEventConversationItemInputAudioTranscriptionFailed',
  'response.created': 'RealtimeServerEventResponseCreated',
  'response.done': 'RealtimeServerEventResponseDone',
  'response.output_item.added': 'RealtimeServerEventResponseOutputItemAdded',
  'response.output_item.done': 'RealtimeServerEventResponseOutputItemDone',
  'response.content_part.added': 'RealtimeServerEventResponseContentPartAdded',
  'response.content_part.done': 'RealtimeServerEventResponseContentPartDone',
  'response.output_audio.delta': 'RealtimeServerEventResponseAudioDelta',
  'response.output_audio.done': 'RealtimeServerEventResponseAudioDone',
  'response.output_audio_transcript.delta': 'RealtimeServerEventResponseAudioTranscriptDelta',
  'response.output_audio_transcript.done': 'RealtimeServerEventResponseAudioTranscriptDone',
  'response.output_text.delta': 'RealtimeServerEventResponseTextDelta',
  'response.output_text.done': 'RealtimeServerEventResponseTextDone',
  'response.function_call_arguments.delta': 'RealtimeServerEventResponseFunctionCallArgumentsDelta',
  'response.function_call_arguments.done': 'RealtimeServerEventResponseFunctionCallArgumentsDone',
  'rate_limits.updated': 'RealtimeServerEventRateLimitsUpdated',
};

/**
 * The official SDK's realtime client (`openai/realtime/ws`) against the built gateway, collecting every
 * server event and validating each against its spec schema (undeclared keys refused): a violation fails
 * the test at `assertAllValid`.
 *
 * The SDK dials `wss://` only; the gateway here speaks plain HTTP (as behind a TLS-terminating proxy), so
 * the socket is opened with plain TCP through `ws`'s `createConnection` — the handshake and every frame
 * are the SDK's own.
 */
export class RealtimeTestClient {
  readonly events: RealtimeServerEvent[] = [];
  readonly violations: string[] = [];
  private closedWith: { code: number; reason: string } | null = null;

  private constructor(readonly rt: OpenAIRealtimeWS) {
    rt.on('event', (event) => {
      this.events.push(event);
      const schema = SCHEMA_OF[event.type];
      if (!schema) {
        this.violations.push(`unexpected event type ${event.type}`);
        return;
      }
      const result = validator.validate(schema, event, { rejectUndeclaredKeys: true });
      if (!result.valid) this.violations.push(`${event.type}: ${result.errors.join('; ')}`);
    });
    rt.on('error', () => undefined); // error events are collected above
    rt.socket.on('close', (code, reason) => (this.closedWith = { code, reason: reason.toString() }));
  }

  /** `headers` go on the handshake (e.g. `X-Session-Id` to resume a stored conversation). */
  static async open(
    gatewayUrl: string,
    key: string,
    model: string,
    headers: Record<string, string> = {},
  ): Promise<RealtimeTestClient> {
    const { hostname, port } = new URL(gatewayUrl);
    const client = new OpenAI({ apiKey: key, baseURL: `${gatewayUrl}/v1` });
    const rt = new OpenAIRealtimeWS(
      { model, options: { headers, createConnection: () => connect(Number(port), hostname) } },
      client,
    );
    const session = new RealtimeTestClient(rt);
    await new Promise<void>((resolve, reject) => {
      rt.socket.once('open', () => resolve());
      rt.socket.once('error', reject);
    });
    return session;
  }

  send(event: RealtimeClientEvent): void {
    this.rt.send(event);
  }

  /** Sends a frame the SDK's types would not allow (malformed events). */
  sendRaw(text: string): void {
    this.rt.socket.send(text);
  }

  /** Appends raw pcm16 in `chunkMs` appends, as a microphone stream would. */
  appendPcm16(pcm: Buffer, chunkMs = 100): void {
    const step = 48 * chunkMs;
    for (let at = 0; at < pcm.length; at += step) {
      this.send({ type: 'input_audio_buffer.append', audio: pcm.subarray(at, at + step).toString('base64') });
    }
  }

  of<T extends RealtimeServerEvent['type']>(type: T): Extract<RealtimeServerEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<RealtimeServerEvent, { type: T }> => event.type === type);
  }

  /** Resolves with the `nth` event of `type` (0-based) once it arrived. */
  async next<T extends RealtimeServerEvent['type']>(
    type: T,
    nth = 0,
    timeoutMs = 10_000,
  ): Promise<Extract<RealtimeServerEvent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(type)[nth];
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${type} #${nth} within ${timeoutMs} ms; got ${this.events.map((event) => event.type).join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  get closed(): { code: number; reason: string } | null {
    return this.closedWith;
  }

  assertAllValid(): void {
    if (this.violations.length > 0) throw new Error(`server events violate the spec:\n${this.violations.join('\n')}`);
  }

  close(): void {
    this.rt.close({ code: 1000, reason: 'done' });
  }
}
