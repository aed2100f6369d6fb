import { ffprobeAudio, readSseEvents, SPEECH_TRANSCRIPT, speechPcm16, wavFromPcm16 } from '@voxgate/testing';
import { spec, useRelayEnv } from './support/e2e-env';
import { chunksOf, rawStream } from './support/raw-stream';
import { ALIAS, SNAPSHOT } from './support/relay-config';

const audioStream = {
  model: ALIAS,
  modalities: ['text', 'audio'],
  audio: { voice: 'alloy', format: 'pcm16' },
  messages: [{ role: 'user', content: 'Say something' }],
};

describe('POST /v1/chat/completions, streaming', () => {
  const env = useRelayEnv();

  it('streams audio in the contract order and the SDK reassembles valid pcm16 speech', async () => {
    const { client } = env();
    const stream = await client.chat.completions.create({
      model: ALIAS,
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'pcm16' },
      messages: [{ role: 'user', content: 'Say something' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: unknown[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    for (const chunk of chunks) spec.assertValidStreamChunk(chunk);
    const typed = chunks as ReturnType<typeof chunksOf>;
    expect(new Set(typed.map((chunk) => chunk.model))).toEqual(new Set([SNAPSHOT]));
    expect(new Set(typed.map((chunk) => chunk.id)).size).toBe(1);

    const transcript = typed.map((chunk) => chunk.choices[0]?.delta.audio?.transcript ?? '').join('');
    expect(transcript).toBe(SPEECH_TRANSCRIPT);
    const pcm = Buffer.concat(typed.map((chunk) => Buffer.from(chunk.choices[0]?.delta.audio?.data ?? '', 'base64')));
    expect(pcm.equals(speechPcm16())).toBe(true);
    const probed = ffprobeAudio(wavFromPcm16(pcm), 'wav');
    expect(probed).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '24000', channels: 1 });

    // Order: ... transcript, data, expires_at-only delta, explicit finish chunk, usage chunk.
    const [expiresAt, finish, usage] = typed.slice(-3);
    expect(expiresAt?.choices[0]?.delta.audio).toEqual({ expires_at: expect.any(Number) });
    expect(expiresAt?.choices[0]?.finish_reason).toBeNull();
    expect(finish?.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    expect(usage?.choices).toEqual([]);
    expect(usage?.usage?.total_tokens).toBeGreaterThan(0);
    for (const chunk of typed.slice(0, -1)) expect(chunk.usage).toBeNull();
    const firstData = typed.findIndex((chunk) => chunk.choices[0]?.delta.audio?.data !== undefined);
    const lastTranscript = typed
      .map((chunk) => chunk.choices[0]?.delta.audio?.transcript !== undefined)
      .lastIndexOf(true);
    expect(lastTranscript).toBeLessThan(firstData);
  });

  it('omits usage when the client did not ask, yet always asks the upstream for it', async () => {
    const { gateway, key, upstream } = env();
    const { status, data } = await rawStream(gateway.url, key, audioStream);
    expect(status).toBe(200);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = chunksOf(data);
    for (const chunk of chunks) {
      spec.assertValidStreamChunk(chunk);
      expect(chunk).not.toHaveProperty('usage');
      expect(chunk.choices.length).toBe(1);
    }
    expect(chunks.at(-1)?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    expect((upstream.lastRequest().body as { stream_options: unknown }).stream_options).toEqual({
      include_usage: true,
    });
  });

  it('works with the SDK stream helper, which needs a finish_reason to finish', async () => {
    const { client } = env();
    const runner = client.chat.completions.stream({
      model: ALIAS,
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'pcm16' },
      messages: [{ role: 'user', content: 'Say something' }],
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.model).toBe(SNAPSHOT);
  });

  it('streams text and client tool calls through', async () => {
    const { client, upstream } = env();
    const text = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    });
    let content = '';
    let finish: string | null = null;
    for await (const chunk of text) {
      spec.assertValidStreamChunk(chunk);
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(content.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');

    upstream.enqueue({
      kind: 'toolCalls',
      calls: [{ name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_1' }],
    });
    const tools = client.chat.completions.stream({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        },
      ],
    });
    const final = await tools.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      id: 'call_1',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
  });

  it('relays chunks as they arrive instead of buffering the stream', async () => {
    const { gateway, key, upstream } = env();
    upstream.chunkDelayMs = 60;
    try {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...audioStream, stream: true }),
      });
      const arrivals: number[] = [];
      for await (const event of readSseEvents(response)) arrivals.push(event.receivedAt);
      expect(arrivals.length).toBeGreaterThan(6);
      // With 60 ms between upstream chunks, a buffering relay would deliver everything at once.
      expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(60 * (arrivals.length - 4));
    } finally {
      upstream.chunkDelayMs = 0;
    }
  });
});
