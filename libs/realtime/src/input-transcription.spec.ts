import { type ChatCompletionChunk, GatewayError } from '@voxgate/openai-wire';
import type { InputTranscriber, InputTranscriptionEvent, InputTranscriptionRequest } from './input-transcription';
import { RealtimeSession } from './realtime-session';
import type { OutgoingServerEvent } from './server-events';
import type { TurnRequest, TurnRunner } from './turn-runner';

const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: 'stop' | null = null) =>
  ({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  }) as ChatCompletionChunk;

/** Answers every turn at once, with a short transcript; records the messages it was sent. */
class AnsweringRunner implements TurnRunner {
  readonly requests: TurnRequest[] = [];
  async *run(request: TurnRequest): AsyncIterable<ChatCompletionChunk> {
    this.requests.push(request);
    await Promise.resolve();
    yield chunk({ role: 'assistant', audio: { id: 'a', transcript: 'Sure.' } });
    yield chunk({}, 'stop');
  }
}

/** A transcriber double: each call waits until the test releases it, then yields two deltas and the transcript. */
class HeldTranscriber implements InputTranscriber {
  readonly requests: InputTranscriptionRequest[] = [];
  readonly checked: string[] = [];
  private releases: Array<() => void> = [];
  fail: GatewayError | null = null;

  check(model: string): void {
    this.checked.push(model);
    if (model === 'no-such-model') {
      throw new GatewayError(404, 'invalid_request_error', 'model_not_found', `The model '${model}' does not exist.`);
    }
  }

  async *transcribe(request: InputTranscriptionRequest): AsyncIterable<InputTranscriptionEvent> {
    this.requests.push(request);
    await new Promise<void>((resolve) => this.releases.push(resolve));
    if (this.fail) throw this.fail;
    const text = `words of ${request.audio.samples.length} samples`;
    yield { type: 'delta', delta: 'words ' };
    yield { type: 'delta', delta: text.slice('words '.length) };
    yield { type: 'completed', transcript: text, usage: { type: 'duration', seconds: 1 } };
  }

  release(): void {
    for (const release of this.releases.splice(0)) release();
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function open(transcriber: HeldTranscriber | undefined, historyAudioBytes?: number) {
  const events: OutgoingServerEvent[] = [];
  const runner = new AnsweringRunner();
  const session = new RealtimeSession({
    model: 'gpt-audio',
    keyId: 'key_1',
    runner,
    emit: (event) => events.push(event),
    maxBufferSeconds: 60,
    lifetimeSeconds: 3600,
    sessionId: 'conv-1',
    ...(transcriber ? { transcriber } : {}),
    ...(historyAudioBytes !== undefined ? { historyAudioBytes } : {}),
  });
  session.start();
  const send = (event: object) => session.handle(JSON.stringify(event));
  const of = (type: string) => events.filter((event) => event.type === type) as Array<Record<string, unknown>>;
  /** Appends `ms` of a 440 Hz tone and commits it (manual turns). */
  const speak = async (ms: number) => {
    const samples = new Int16Array(24 * ms).map((_, i) => Math.round(8000 * Math.sin(i / 8.7)));
    await send({ type: 'input_audio_buffer.append', audio: Buffer.from(samples.buffer).toString('base64') });
    await send({ type: 'input_audio_buffer.commit' });
  };
  return { session, events, runner, send, of, speak };
}

const TRANSCRIPTION_ON = {
  type: 'session.update',
  session: {
    type: 'realtime',
    audio: { input: { turn_detection: null, transcription: { model: 'whisper-1', language: 'en' } } },
  },
};

describe('RealtimeSession input audio transcription', () => {
  it('is off by default, and session.update turns it on (checked) and off again with null', async () => {
    const transcriber = new HeldTranscriber();
    const { send, of, events } = open(transcriber);
    expect(events[0]).toMatchObject({
      type: 'session.created',
      session: { audio: { input: { transcription: null } } },
    });
    await send(TRANSCRIPTION_ON);
    expect(transcriber.checked).toEqual(['whisper-1']);
    expect(of('session.updated')[0]).toMatchObject({
      session: { audio: { input: { transcription: { model: 'whisper-1', language: 'en' } } } },
    });
    await send({ type: 'session.update', session: { type: 'realtime', audio: { input: { transcription: null } } } });
    expect(of('session.updated')[1]).toMatchObject({ session: { audio: { input: { transcription: null } } } });
  });

  it('refuses an unknown model or an unknown field with an error event, and keeps the session as it was', async () => {
    const { send, of } = open(new HeldTranscriber());
    await send({ ...TRANSCRIPTION_ON, event_id: 'evt_model' });
    await send({
      type: 'session.update',
      event_id: 'evt_unknown',
      session: { type: 'realtime', audio: { input: { transcription: { model: 'no-such-model' } } } },
    });
    await send({
      type: 'session.update',
      event_id: 'evt_field',
      session: { type: 'realtime', audio: { input: { transcription: { model: 'whisper-1', temperature: 0 } } } },
    });
    expect(of('error').map((event) => event.error)).toEqual([
      expect.objectContaining({ code: 'model_not_found', event_id: 'evt_unknown' }),
      expect.objectContaining({ code: 'invalid_value', event_id: 'evt_field' }),
    ]);
    expect(of('session.updated')).toHaveLength(1);
    await send({ type: 'session.update', session: { type: 'realtime', instructions: 'still here' } });
    expect(of('session.updated')[1]).toMatchObject({
      session: { instructions: 'still here', audio: { input: { transcription: { model: 'whisper-1' } } } },
    });
  });

  it('without a transcriber, turning transcription on is an error event', async () => {
    const { send, of } = open(undefined);
    await send(TRANSCRIPTION_ON);
    expect(of('error')[0]).toMatchObject({ error: { code: 'unsupported_value' } });
    expect(of('session.updated')).toHaveLength(0);
  });

  it('transcribes each committed turn beside its response: deltas, completed, the transcript on the item', async () => {
    const transcriber = new HeldTranscriber();
    const { session, send, of, speak } = open(transcriber);
    await send(TRANSCRIPTION_ON);
    await speak(500);
    const itemId = of('input_audio_buffer.committed')[0]?.item_id as string;
    expect(transcriber.requests).toHaveLength(1);
    expect(transcriber.requests[0]).toMatchObject({
      keyId: 'key_1',
      itemId,
      sessionId: 'conv-1',
      settings: { model: 'whisper-1', language: 'en' },
      audio: { sampleRate: 24000 },
    });
    expect(transcriber.requests[0]?.audio.samples.length).toBe(12_000);

    // The response does not wait for the transcription.
    await send({ type: 'response.create' });
    for (let i = 0; i < 20 && session.responding; i++) await tick();
    expect(of('response.done')[0]).toMatchObject({ response: { status: 'completed' } });
    expect(of('conversation.item.input_audio_transcription.completed')).toHaveLength(0);

    transcriber.release();
    await session.idle();
    const transcript = 'words of 12000 samples';
    expect(of('conversation.item.input_audio_transcription.delta').map((event) => event.delta)).toEqual([
      'words ',
      'of 12000 samples',
    ]);
    expect(of('conversation.item.input_audio_transcription.completed')).toEqual([
      expect.objectContaining({
        item_id: itemId,
        content_index: 0,
        transcript,
        usage: { type: 'duration', seconds: 1 },
        event_id: expect.any(String),
      }),
    ]);
    await send({ type: 'conversation.item.retrieve', item_id: itemId });
    expect(of('conversation.item.retrieved')[0]).toMatchObject({
      item: { id: itemId, content: [{ type: 'input_audio', transcript }] },
    });
  });

  it('older user audio beyond the audio budget reaches the model as its transcript', async () => {
    const transcriber = new HeldTranscriber();
    // Room for one 500 ms turn of WAV (24 044 bytes), not two.
    const { session, send, runner, speak } = open(transcriber, 30_000);
    await send(TRANSCRIPTION_ON);
    await speak(500);
    transcriber.release();
    await session.idle();
    await speak(500);
    await send({ type: 'response.create' });
    transcriber.release();
    await session.idle();
    const user = runner.requests[0]?.messages.filter((message) => message.role === 'user');
    expect(user?.[0]).toEqual({ role: 'user', content: [{ type: 'text', text: 'words of 12000 samples' }] });
    expect(user?.[1]).toMatchObject({ content: [{ type: 'input_audio' }] });
  });

  it('a failing transcription is a failed event naming the item, and the session goes on', async () => {
    const transcriber = new HeldTranscriber();
    transcriber.fail = new GatewayError(429, 'tokens', 'rate_limit_exceeded', 'Quota exceeded: tokens per day.');
    const { session, send, of, speak } = open(transcriber);
    await send(TRANSCRIPTION_ON);
    await speak(300);
    transcriber.release();
    await session.idle();
    const itemId = of('input_audio_buffer.committed')[0]?.item_id;
    expect(of('conversation.item.input_audio_transcription.failed')).toEqual([
      expect.objectContaining({
        item_id: itemId,
        content_index: 0,
        error: { type: 'transcription_error', code: 'rate_limit_exceeded', message: 'Quota exceeded: tokens per day.' },
      }),
    ]);
    expect(of('error')).toHaveLength(0);
    await send({ type: 'conversation.item.retrieve', item_id: itemId });
    expect(of('conversation.item.retrieved')[0]).toMatchObject({ item: { content: [{ transcript: null }] } });
  });

  it('closing the socket aborts a transcription in flight and emits nothing more', async () => {
    const transcriber = new HeldTranscriber();
    const { session, send, of, speak } = open(transcriber);
    await send(TRANSCRIPTION_ON);
    await speak(300);
    const closed = session.close();
    expect(transcriber.requests[0]?.signal.aborted).toBe(true);
    transcriber.release();
    await closed;
    expect(of('conversation.item.input_audio_transcription.completed')).toHaveLength(0);
    expect(of('conversation.item.input_audio_transcription.failed')).toHaveLength(0);
  });
});
