import { ffprobeAudio, parseWav, readSpeechClip, SPEECH_TRANSCRIPT } from '@voxgate/testing';
import { spec, useRelayEnv } from './support/e2e-env';
import { ALIAS, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

const jfkWav = readSpeechClip('jfk.wav');

describe('POST /v1/chat/completions, non-streaming, through the official SDK', () => {
  const env = useRelayEnv();

  it('relays a text request, answers with the snapshot id, and sends the upstream model and key upstream', async () => {
    const { client, upstream } = env();
    const { data, response, request_id } = await client.chat.completions
      .create({
        model: ALIAS,
        messages: [{ role: 'user', content: 'Say hello' }],
        temperature: 0.7,
        max_completion_tokens: 50,
      })
      .withResponse();

    spec.assertValid('CreateChatCompletionResponse', data);
    expect(data.model).toBe(SNAPSHOT);
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expect(data.usage?.total_tokens).toBeGreaterThan(0);

    const sent = upstream.lastRequest();
    expect(sent.body).toMatchObject({ model: SNAPSHOT, temperature: 0.7, max_completion_tokens: 50 });
    expect(sent.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(sent.headers['x-request-id']).toBe(request_id);

    expect(request_id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(Number(response.headers.get('openai-processing-ms'))).toBeGreaterThanOrEqual(0);
    expect(response.headers.get('openai-version')).toBe('2020-10-01');
    expect(response.headers.get('x-voxgate-model')).toBe(SNAPSHOT);
    expect(response.headers.get('x-voxgate-provider')).toBe('openai');
  });

  it("owns x-request-id and echoes the client's correlation id as x-client-request-id", async () => {
    const { client, upstream } = env();
    for (const header of ['x-client-request-id', 'x-request-id']) {
      const kept = await client.chat.completions
        .create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }] }, { headers: { [header]: 'trace-42' } })
        .withResponse();
      expect(kept.request_id).toMatch(/^req_[0-9a-f]{32}$/);
      expect(kept.response.headers.get('x-client-request-id')).toBe('trace-42');
      expect(upstream.lastRequest().headers['x-request-id']).toBe(kept.request_id);
    }
    const malformed = await client.chat.completions
      .create(
        { model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-client-request-id': 'bad id\twith spaces' } },
      )
      .withResponse();
    expect(malformed.request_id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(malformed.response.headers.get('x-client-request-id')).toBeNull();
  });

  it('relays audio in and audio out: the answer is a WAV an independent decoder accepts', async () => {
    const { client, upstream } = env();
    const completion = await client.chat.completions.create({
      model: ALIAS,
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'wav' },
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this recording?' },
            { type: 'input_audio', input_audio: { data: jfkWav.toString('base64'), format: 'wav' } },
          ],
        },
      ],
    });

    spec.assertValid('CreateChatCompletionResponse', completion);
    const message = completion.choices[0]!.message;
    expect(message.content).toBeNull();
    expect(message.audio?.transcript).toBe(SPEECH_TRANSCRIPT);
    expect(message.audio?.id).toMatch(/^audio_/);
    expect(message.audio!.expires_at).toBeGreaterThan(completion.created);

    const wav = Buffer.from(message.audio!.data, 'base64');
    expect(parseWav(wav)).toMatchObject({ sampleRate: 24000, channels: 1, bitsPerSample: 16 });
    const probed = ffprobeAudio(wav, 'wav');
    expect(probed).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '24000', channels: 1 });
    expect(Number(probed.duration)).toBeGreaterThan(1);

    expect(completion.usage?.prompt_tokens_details?.audio_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens_details?.audio_tokens).toBeGreaterThan(0);

    // The input audio reached the provider byte for byte.
    const sent = upstream.lastRequest().body as { messages: { content: { input_audio?: { data: string } }[] }[] };
    expect(sent.messages[1]?.content[1]?.input_audio?.data).toBe(jfkWav.toString('base64'));
  });

  it('passes client tool calls through with finish_reason tool_calls', async () => {
    const { client, upstream } = env();
    upstream.enqueue({
      kind: 'toolCalls',
      calls: [{ name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_abc' }],
    });
    const completion = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        },
      ],
      tool_choice: 'auto',
    });
    spec.assertValid('CreateChatCompletionResponse', completion);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect((upstream.lastRequest().body as { tools: unknown[] }).tools).toHaveLength(1);
  });

  it('relays legacy functions, metadata, stop, seed, n and top_p untouched', async () => {
    const { client, upstream } = env();
    await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'hi' }],
      functions: [{ name: 'lookup', parameters: { type: 'object', properties: {} } }],
      function_call: 'auto',
      metadata: { customer: 'c-1' },
      stop: ['END'],
      seed: 7,
      n: 1,
      top_p: 0.9,
      max_tokens: 20,
    });
    expect(upstream.lastRequest().body).toMatchObject({
      functions: [{ name: 'lookup' }],
      function_call: 'auto',
      metadata: { customer: 'c-1' },
      stop: ['END'],
      seed: 7,
      n: 1,
      top_p: 0.9,
      max_tokens: 20,
    });
  });

  it('strips fields a provider leaks and that the spec does not define', async () => {
    const { gateway, key, upstream } = env();
    upstream.enqueue({
      kind: 'json',
      body: {
        id: 'chatcmpl-leak',
        object: 'chat.completion',
        created: 1729231143,
        model: 'whatever-upstream-calls-it',
        system_fingerprint: null,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'ok', refusal: null },
            finish_reason: 'stop',
            internal_metrics: [],
          },
        ],
        usage: {
          prompt_tokens: 3,
          completion_tokens: 1,
          total_tokens: 4,
          prompt_tokens_details: { cached_tokens: 0, cached_tokens_internal: 0 },
        },
      },
    });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: SNAPSHOT, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(200);
    const raw = (await response.json()) as Record<string, unknown>;
    expect(JSON.stringify(raw)).not.toMatch(/internal/);
    expect(raw.model).toBe(SNAPSHOT);
    expect(raw).not.toHaveProperty('system_fingerprint');
    spec.assertValid('CreateChatCompletionResponse', raw);
  });
});
