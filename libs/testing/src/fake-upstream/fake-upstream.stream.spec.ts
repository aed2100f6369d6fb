import OpenAI from 'openai';
import { SPEECH_TRANSCRIPT, speechPcm16 } from '../audio/audio-fixtures';
import { OpenApiValidator } from '../openapi/openapi-validator';
import { collectSseEvents } from '../sse/sse-events.reader';
import { AUDIO_CHUNK_BYTES } from './fake-upstream.chunks';
import { FakeUpstream } from './fake-upstream.server';
import { UPSTREAM_KEY, postChat, sdkClient, streamingAudioRequest } from './fake-upstream.spec-helpers';

type Chunk = {
  id: string;
  created: number;
  choices: {
    index: number;
    delta: Record<string, unknown> & { audio?: Record<string, unknown> };
    finish_reason?: string | null;
  }[];
  usage?: unknown;
};

const validator = new OpenApiValidator();
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
});
afterEach(() => {
  upstream.chunkDelayMs = 0;
  upstream.assertNoViolations();
  upstream.clear();
});
afterAll(() => upstream.stop());

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

async function streamedChunks(body: unknown): Promise<{ chunks: Chunk[]; last: string; response: Response }> {
  const response = await postChat(upstream, body);
  const events = await collectSseEvents(response);
  const last = events.at(-1)?.data ?? '';
  return { chunks: events.slice(0, -1).map((event) => JSON.parse(event.data) as Chunk), last, response };
}

describe('FakeUpstream: streamed audio (openai-contract.md §3.2)', () => {
  it('sends role, transcript, data, expires_at-only marker, usage, [DONE], in that order', async () => {
    const { chunks, last, response } = await streamedChunks(streamingAudioRequest());
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(last).toBe('[DONE]');

    const deltas = chunks.slice(0, -1).map((chunk) => chunk.choices[0]?.delta);
    const words = SPEECH_TRANSCRIPT.split(' ').length;
    const dataChunks = Math.ceil(speechPcm16().length / AUDIO_CHUNK_BYTES);
    expect(deltas).toHaveLength(1 + words + dataChunks + 1);
    const audioId = deltas[1]?.audio?.['id'];
    expect(audioId).toMatch(/^audio_[0-9a-f]{32}$/);

    expect(deltas[0]).toEqual({ role: 'assistant', refusal: null });
    expect(deltas[1]).toEqual({ content: null, audio: { id: audioId, transcript: 'has' } });
    expect(deltas[2]).toEqual({ audio: { transcript: ' never' } });
    expect(deltas[1 + words]).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      audio: { id: audioId, data: expect.any(String) },
    });
    expect(Object.keys(deltas[2 + words]?.audio ?? {})).toEqual(['data']);
    expect(deltas.at(-1)).toEqual({ audio: { expires_at: chunks[0]!.created + 3600 } });
    expect(chunks.at(-2)?.choices[0]).not.toHaveProperty('finish_reason');
    expect(chunks.slice(0, -2).every((chunk) => chunk.choices[0]?.finish_reason === null)).toBe(true);

    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage).toMatchObject({ completion_tokens_details: { audio_tokens: 36, text_tokens: 7 } });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(new Set(chunks.map((chunk) => `${chunk.id}@${chunk.created}`)).size).toBe(1);
  });

  it('streams chunks that pass the spec and the delta.audio contract', async () => {
    const { chunks } = await streamedChunks(streamingAudioRequest());
    for (const chunk of chunks)
      validator.assertValidStreamChunk(chunk, { allowMissingFinishReason: true, rejectUndeclaredKeys: true });
    // Only the final marker lacks finish_reason, exactly as the real model sends it.
    const strictFailures = chunks.filter((chunk) => !validator.validateStreamChunk(chunk).valid);
    expect(strictFailures).toEqual([chunks.at(-2)]);
  });

  it('streams the whole fixture as whole-sample pcm16 fragments and the whole transcript', async () => {
    const { chunks } = await streamedChunks(streamingAudioRequest());
    const audio = chunks.flatMap((chunk) => (chunk.choices[0]?.delta.audio ? [chunk.choices[0].delta.audio] : []));
    const fragments = audio.flatMap((part) =>
      typeof part['data'] === 'string' ? [Buffer.from(part['data'], 'base64')] : [],
    );
    expect(fragments.every((fragment) => fragment.length % 2 === 0 && fragment.length <= AUDIO_CHUNK_BYTES)).toBe(true);
    expect(Buffer.concat(fragments).equals(speechPcm16())).toBe(true);
    expect(audio.map((part) => text(part['transcript'])).join('')).toBe(SPEECH_TRANSCRIPT);
  });

  it("refuses wav with stream=true with OpenAI's exact error", async () => {
    const request = streamingAudioRequest({
      audio: { voice: 'alloy', format: 'wav' },
    }) as unknown as OpenAI.ChatCompletionCreateParamsStreaming;
    const error: unknown = await sdkClient(upstream)
      .chat.completions.create(request)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      error: {
        message:
          "Unsupported value: 'audio.format' does not support 'wav' when stream=true. Supported values are: 'pcm16'.",
        type: 'invalid_request_error',
        param: 'audio.format',
        code: 'unsupported_value',
      },
    });
  });

  it('is readable by the official SDK, delta.audio included', async () => {
    const request = streamingAudioRequest() as unknown as OpenAI.ChatCompletionCreateParamsStreaming;
    let transcript = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of await sdkClient(upstream).chat.completions.create(request)) {
      const audio = (chunk.choices[0]?.delta as { audio?: { transcript?: string } } | undefined)?.audio;
      transcript += audio?.transcript ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(transcript).toBe(SPEECH_TRANSCRIPT);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });
});

describe('FakeUpstream: streamed text and tool calls (openai-contract.md §3.3)', () => {
  it('streams text with a content "" role chunk, a stop chunk, and no usage unless asked', async () => {
    const { chunks, last } = await streamedChunks({
      model: 'gpt-4o-audio-preview',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    expect(last).toBe('[DONE]');
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.map((chunk) => text(chunk.choices[0]?.delta['content'])).join('')).toBe(SPEECH_TRANSCRIPT);
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
    for (const chunk of chunks) validator.assertValidStreamChunk(chunk, { rejectUndeclaredKeys: true });
  });

  it('streams tool calls that the SDK reassembles', async () => {
    upstream.enqueue({
      kind: 'toolCalls',
      calls: [
        { name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } },
        { name: 'get_time', arguments: '{}' },
      ],
    });
    const request = streamingAudioRequest() as unknown as OpenAI.ChatCompletionCreateParamsStreaming;
    const stream = sdkClient(upstream).chat.completions.stream(request);
    const completion = await stream.finalChatCompletion();
    const calls = completion.choices[0]?.message.tool_calls ?? [];
    expect(
      calls.map((call) => (call.type === 'function' ? [call.function.name, call.function.arguments] : [])),
    ).toEqual([
      ['get_weather', '{"city":"Paris","unit":"celsius"}'],
      ['get_time', '{}'],
    ]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('flushes chunks one at a time, chunkDelayMs apart', async () => {
    upstream.chunkDelayMs = 40;
    const response = await postChat(upstream, {
      model: 'gpt-4o-audio-preview',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const events = await collectSseEvents(response);
    const gaps = events.slice(1).map((event, index) => event.receivedAt - events[index]!.receivedAt);
    expect(gaps.filter((gap) => gap >= 25).length).toBeGreaterThanOrEqual(events.length - 2);
  });
});
