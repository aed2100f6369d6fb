import { type ChatCompletionChunk, GatewayError } from '@voxgate/openai-wire';
import { parseWav, speechPcm16 } from '@voxgate/testing';
import type { OutgoingServerEvent } from './server-events';
import { RealtimeSession, type RealtimeSessionOptions } from './realtime-session';
import type { TurnRequest, TurnRunner } from './turn-runner';

/** The server event type(s) whose `type` may be `T` (some share one shape for two types). */
type EventOf<T> = OutgoingServerEvent extends infer E
  ? E extends { type: infer U }
    ? T extends U
      ? E
      : never
    : never
  : never;

function chunk(
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: 'stop' | 'length' | null = null,
): ChatCompletionChunk {
  return {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

const USAGE_CHUNK: ChatCompletionChunk = {
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [],
  usage: {
    prompt_tokens: 50,
    completion_tokens: 30,
    total_tokens: 80,
    prompt_tokens_details: { audio_tokens: 40, cached_tokens: 0 },
    completion_tokens_details: { audio_tokens: 20 },
  },
};

/** A TurnRunner double: records requests; each run streams `script` and, if `hold`, then waits for abort. */
class ScriptedRunner implements TurnRunner {
  readonly requests: TurnRequest[] = [];
  constructor(
    private readonly script: ChatCompletionChunk[],
    private readonly options: { hold?: boolean; fail?: GatewayError; storeAs?: string } = {},
  ) {}

  async *run(request: TurnRequest): AsyncIterable<ChatCompletionChunk> {
    this.requests.push(request);
    if (this.options.fail) throw this.options.fail;
    for (const item of this.script) {
      await Promise.resolve();
      yield item;
    }
    if (this.options.hold) {
      await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
      throw new DOMException('aborted', 'AbortError');
    }
    if (this.options.storeAs) request.onStored(this.options.storeAs);
  }
}

const ANSWER = [
  chunk({ role: 'assistant', audio: { id: 'a', transcript: 'Hello ' } }),
  chunk({ audio: { transcript: 'there friend.' } }),
  chunk({ audio: { data: Buffer.alloc(48_000).toString('base64') } }), // 1000 ms
  chunk({}, 'stop'),
  USAGE_CHUNK,
];

function open(runner: TurnRunner, extra: Partial<RealtimeSessionOptions> = {}) {
  const events: OutgoingServerEvent[] = [];
  const session = new RealtimeSession({
    ...extra,
    model: 'gpt-audio',
    keyId: 'key_1',
    runner,
    emit: (event) => events.push(event),
    maxBufferSeconds: 60,
    lifetimeSeconds: 3600,
  });
  session.start();
  const send = (event: object) => session.handle(JSON.stringify(event));
  const types = () => events.map((event) => event.type);
  const find = <T extends OutgoingServerEvent['type']>(type: T) =>
    events.filter((event): event is EventOf<T> => event.type === type);
  const settle = async () => {
    for (let i = 0; i < 50 && session.responding; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return { session, events, send, types, find, settle };
}

describe('RealtimeSession', () => {
  it('sends session.created first, and session.update merges deeply and answers the full session', async () => {
    const { send, find, events } = open(new ScriptedRunner([]));
    expect(events[0]?.type).toBe('session.created');
    await send({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'marin' } } } });
    await send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 800 } } },
      },
    });
    const [first, second] = find('session.updated');
    expect(first?.session.audio.output.voice).toBe('marin');
    expect(second?.session.audio.output.voice).toBe('marin');
    expect(second?.session.audio.input.turn_detection).toMatchObject({
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 800,
    });
    expect(second?.session.instructions).toBe(first?.session.instructions);
    await send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } }, instructions: '' },
    });
    expect(find('session.updated')[2]?.session).toMatchObject({
      instructions: '',
      audio: { input: { turn_detection: null } },
    });
  });

  it('answers malformed events with an error event carrying their event_id, and stays usable', async () => {
    const { send, session, find } = open(new ScriptedRunner([]));
    await session.handle('{not json');
    await send({ type: 'bogus.event', event_id: 'evt_1' });
    await send({ type: 'session.update', event_id: 'evt_2', session: { type: 'realtime', voice: 'alloy' } });
    await send({ type: 'input_audio_buffer.append', event_id: 'evt_3', audio: 'not base64!' });
    await send({ type: 'input_audio_buffer.commit', event_id: 'evt_4' });
    expect(find('error').map((event) => event.error)).toEqual([
      expect.objectContaining({ type: 'invalid_request_error', code: 'invalid_json', event_id: null }),
      expect.objectContaining({ code: 'unknown_event', param: 'type', event_id: 'evt_1' }),
      expect.objectContaining({ code: 'invalid_value', param: 'session.voice', event_id: 'evt_2' }),
      expect.objectContaining({ code: 'invalid_audio', event_id: 'evt_3' }),
      expect.objectContaining({ code: 'input_audio_buffer_commit_empty', event_id: 'evt_4' }),
    ]);
    await send({ type: 'session.update', session: { type: 'realtime', instructions: 'still here' } });
    expect(find('session.updated')).toHaveLength(1);
  });

  it('runs a manual turn: commit makes a user audio item, response.create streams it as wav and maps the answer', async () => {
    const runner = new ScriptedRunner(ANSWER);
    const { send, types, find, settle } = open(runner);
    await send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    const speech = speechPcm16();
    await send({ type: 'input_audio_buffer.append', audio: speech.subarray(0, 24_001).toString('base64') }); // odd length
    await send({ type: 'input_audio_buffer.append', audio: speech.subarray(24_001).toString('base64') });
    await send({ type: 'input_audio_buffer.commit' });
    await send({ type: 'response.create' });
    await settle();

    const request = runner.requests[0]!;
    expect(request).toMatchObject({
      keyId: 'key_1',
      model: 'gpt-audio',
      modalities: ['text', 'audio'],
      voice: 'alloy',
      audioFormat: 'pcm16',
    });
    const user = request.messages.at(-1);
    expect(user?.role).toBe('user');
    const part = Array.isArray(user?.content) ? user.content[0] : undefined;
    if (part?.type !== 'input_audio') throw new Error('expected an input_audio part');
    const file = Buffer.from(part.input_audio.data, 'base64');
    const wav = parseWav(file)!;
    expect(wav).toMatchObject({ sampleRate: 24_000, channels: 1 });
    expect(file.subarray(wav.dataOffset).equals(speech.subarray(0, speech.length - (speech.length % 2)))).toBe(true);

    expect(types().slice(2)).toEqual([
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio_transcript.delta',
      'response.output_audio_transcript.delta',
      'response.output_audio.delta',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'conversation.item.done',
      'response.output_item.done',
      'response.done',
    ]);
    const done = find('response.done')[0]!.response;
    expect(done.status).toBe('completed');
    expect(done.output[0]).toMatchObject({
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_audio', transcript: 'Hello there friend.' }],
    });
    expect(done.usage).toEqual({
      total_tokens: 80,
      input_tokens: 50,
      output_tokens: 30,
      input_token_details: { text_tokens: 10, audio_tokens: 40, cached_tokens: 0 },
      output_token_details: { text_tokens: 10, audio_tokens: 20 },
    });
    const committed = find('input_audio_buffer.committed')[0]!;
    expect(find('response.output_item.added')[0]!.item.id).not.toBe(committed.item_id);
  });

  it('response.cancel aborts the runner and ends with response.done cancelled; a second create while active is refused', async () => {
    const runner = new ScriptedRunner(ANSWER.slice(0, 2), { hold: true });
    const { send, find, settle } = open(runner);
    await send({ type: 'response.create' });
    await new Promise((resolve) => setImmediate(resolve));
    await send({ type: 'response.create', event_id: 'evt_again' });
    expect(find('error')[0]?.error).toMatchObject({
      code: 'conversation_already_has_active_response',
      event_id: 'evt_again',
    });
    await send({ type: 'response.cancel' });
    await settle();
    expect(runner.requests[0]!.signal.aborted).toBe(true);
    const done = find('response.done')[0]!.response;
    expect(done).toMatchObject({
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'client_cancelled' },
    });
    expect(done.output[0]).toMatchObject({ status: 'incomplete' });
    await send({ type: 'response.cancel', event_id: 'evt_none' });
    expect(find('error')[1]?.error).toMatchObject({ code: 'response_cancel_not_active', event_id: 'evt_none' });
  });

  it('server VAD commits a spoken turn and answers; speech during the answer cancels it (barge-in) and truncate trims it', async () => {
    const runner = new ScriptedRunner(ANSWER.slice(0, 3), { hold: true });
    const { send, find, types, settle } = open(runner);
    const speech = speechPcm16();
    const silence = Buffer.alloc(48_000 * 0.8);
    for (const part of [silence, speech, silence])
      await send({ type: 'input_audio_buffer.append', audio: part.toString('base64') });
    await new Promise((resolve) => setImmediate(resolve));
    expect(types()).toEqual(
      expect.arrayContaining([
        'input_audio_buffer.speech_started',
        'input_audio_buffer.speech_stopped',
        'input_audio_buffer.committed',
        'response.created',
      ]),
    );
    const started = find('input_audio_buffer.speech_started')[0]!;
    expect(find('input_audio_buffer.committed')[0]!.item_id).toBe(started.item_id);
    expect(Math.abs(started.audio_start_ms - 500)).toBeLessThanOrEqual(60);
    // The committed audio runs from audio_start_ms (prefix included) to where the stop was decided: the
    // speech ends at 1.670 s of the clip (ffmpeg silencedetect), plus silence_duration_ms (500).
    const user = runner.requests[0]!.messages.at(-1);
    const part = Array.isArray(user?.content) ? user.content[0] : undefined;
    if (part?.type !== 'input_audio') throw new Error('expected an input_audio part');
    const sent = parseWav(Buffer.from(part.input_audio.data, 'base64'))!;
    expect(Math.abs(sent.dataBytes / 48 - (800 + 1670 + 500 - 500))).toBeLessThanOrEqual(60);

    // Barge-in: the user speaks again while the answer streams.
    await new Promise((resolve) => setImmediate(resolve));
    await send({ type: 'input_audio_buffer.append', audio: speech.toString('base64') });
    await settle();
    const done = find('response.done')[0]!.response;
    expect(done).toMatchObject({ status: 'cancelled', status_details: { reason: 'turn_detected' } });
    const assistantId = done.output[0]!.id;
    await send({ type: 'conversation.item.truncate', item_id: assistantId, content_index: 0, audio_end_ms: 400 });
    expect(find('conversation.item.truncated')[0]).toMatchObject({ item_id: assistantId, audio_end_ms: 400 });
    await send({
      type: 'conversation.item.truncate',
      event_id: 'evt_far',
      item_id: assistantId,
      content_index: 0,
      audio_end_ms: 5000,
    });
    expect(find('error').at(-1)?.error).toMatchObject({ param: 'audio_end_ms', event_id: 'evt_far' });

    await send({ type: 'input_audio_buffer.append', audio: silence.toString('base64') });
    await new Promise((resolve) => setImmediate(resolve));
    const history = runner.requests[1]!.messages;
    expect(history.find((message) => message.role === 'assistant')).toEqual({ role: 'assistant', content: 'Hello' });
    await send({ type: 'response.cancel' });
    await settle();
  });

  it('tells which stored turn an answer truncated after storing belongs to, and what the user heard of it', async () => {
    const heard: Array<[string, string]> = [];
    let truncatedBeforeStored = false;
    const onStoredAnswerTruncated = async (turnId: string, transcript: string) => {
      // The store answers later: `truncated` must wait for it (a resumed conversation holds what was heard).
      await new Promise((resolve) => setTimeout(resolve, 20));
      truncatedBeforeStored = stored.find('conversation.item.truncated').length > 0;
      heard.push([turnId, transcript]);
    };
    const stored = open(new ScriptedRunner(ANSWER, { storeAs: 'req_stored' }), { onStoredAnswerTruncated });
    await stored.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    await stored.send({ type: 'input_audio_buffer.append', audio: speechPcm16().toString('base64') });
    await stored.send({ type: 'input_audio_buffer.commit' });
    await stored.send({ type: 'response.create' });
    await stored.settle();
    const assistantId = stored.find('response.done')[0]!.response.output[0]!.id;
    await stored.send({
      type: 'conversation.item.truncate',
      item_id: assistantId,
      content_index: 0,
      audio_end_ms: 500,
    });
    await stored.send({ type: 'conversation.item.retrieve', item_id: assistantId });
    const item = stored.find('conversation.item.retrieved')[0]!.item;
    const part = item.type === 'message' ? item.content[0] : undefined;
    expect(part).toMatchObject({ type: 'output_audio', transcript: expect.any(String) });
    expect(part?.type === 'output_audio' ? part.transcript : null).not.toBe('Hello there friend.');
    expect(heard).toEqual([['req_stored', part?.type === 'output_audio' ? part.transcript : '']]);
    expect(truncatedBeforeStored).toBe(false);
    expect(stored.find('conversation.item.truncated')).toHaveLength(1);

    // A turn the runner did not store: nothing to correct in the store.
    heard.length = 0;
    const live = open(new ScriptedRunner(ANSWER), { onStoredAnswerTruncated });
    await live.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
    });
    await live.send({ type: 'response.create' });
    await live.settle();
    const liveId = live.find('response.done')[0]!.response.output[0]!.id;
    await live.send({ type: 'conversation.item.truncate', item_id: liveId, content_index: 0, audio_end_ms: 500 });
    expect(live.find('conversation.item.truncated')).toHaveLength(1);
    expect(heard).toEqual([]);
  });

  it('an upstream refusal becomes an error event and a failed response.done', async () => {
    const refusal = new GatewayError(429, 'tokens', 'rate_limit_exceeded', 'Rate limit reached for tokens.');
    const { send, find, settle } = open(new ScriptedRunner([], { fail: refusal }));
    await send({ type: 'response.create' });
    await settle();
    expect(find('error')[0]?.error).toEqual({
      type: 'tokens',
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached for tokens.',
      param: null,
      event_id: null,
    });
    expect(find('response.done')[0]?.response).toMatchObject({
      status: 'failed',
      status_details: { type: 'failed', error: { type: 'tokens', code: 'rate_limit_exceeded' } },
    });
  });
});
