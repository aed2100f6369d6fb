import { GatewayError } from '@voxgate/openai-wire';
import { UpstreamStreamError } from '../upstream-stream-error';
import { callContext, collect, harness, jsonResponse, rejectionOf, sseBody } from './__fixtures__/adapter-harness';

const speechCall = {
  model: 'gpt-4o-mini-tts',
  input: 'Hello there.',
  voice: 'alloy',
  format: 'wav' as const,
  withUsage: false,
};

const transcriptionCall = {
  task: 'transcribe' as const,
  model: 'whisper-1',
  audio: { bytes: new Uint8Array([82, 73, 70, 70, 1, 2, 3]), format: 'wav' },
  responseFormat: 'verbose_json' as const,
  timestampGranularities: ['word', 'segment'] as const,
  stream: false,
};

const binary = (bytes: number[], contentType = 'audio/wav') =>
  new Response(new Uint8Array(bytes), {
    status: 200,
    headers: { 'content-type': contentType, 'x-request-id': 'req_up' },
  });

const event = (json: unknown) => `data: ${JSON.stringify(json)}\n\n`;

describe('OpenAICompatibleSpeech.synthesize', () => {
  it('POSTs JSON to /audio/speech with the provider key and passes the binary body through', async () => {
    const { adapter, fake } = harness([binary([1, 2, 3, 4])]);
    const audio = await adapter.speech.synthesize({ ...speechCall, speed: 1.5 }, callContext({ requestId: 'req_9' }));
    expect(Buffer.concat(await collect(audio.chunks))).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(audio.usage()).toBeNull();
    expect(audio.upstreamRequestId).toBe('req_up');
    const call = fake.calls[0]!;
    expect(call.url).toBe('https://api.openai.com/v1/audio/speech');
    expect(call.body).toEqual({
      model: 'gpt-4o-mini-tts',
      input: 'Hello there.',
      voice: 'alloy',
      response_format: 'wav',
      speed: 1.5,
    });
    expect(call.headers.get('authorization')).toBe('Bearer sk-gateway-test-key');
    expect(call.headers.get('x-request-id')).toBe('req_9');
  });

  it('with usage, asks for sse and turns speech.audio.delta events back into the bytes, keeping the usage', async () => {
    const usage = { input_tokens: 4, output_tokens: 40, total_tokens: 44 };
    const { adapter, fake } = harness([
      sseBody([
        event({ type: 'speech.audio.delta', audio: Buffer.from([1, 2]).toString('base64') }),
        event({ type: 'speech.audio.delta', audio: Buffer.from([3]).toString('base64') }),
        event({ type: 'speech.audio.done', usage }),
      ]).response,
    ]);
    const audio = await adapter.speech.synthesize({ ...speechCall, withUsage: true }, callContext());
    expect(Buffer.concat(await collect(audio.chunks))).toEqual(Buffer.from([1, 2, 3]));
    expect(audio.usage()).toEqual(usage);
    expect((fake.calls[0]!.body as { stream_format: string }).stream_format).toBe('sse');
    expect(fake.calls[0]!.headers.get('accept')).toBe('text/event-stream');
  });

  it('fails mid-stream with the provider’s in-band error, its credentials taken out', async () => {
    const { adapter } = harness([
      sseBody([
        event({ type: 'speech.audio.delta', audio: 'AQI=' }),
        event({ error: { message: 'bad key sk-gateway-test-key', type: 'server_error', param: null, code: null } }),
      ]).response,
    ]);
    const audio = await adapter.speech.synthesize({ ...speechCall, withUsage: true }, callContext());
    const error = await rejectionOf(collect(audio.chunks));
    expect(error).toBeInstanceOf(UpstreamStreamError);
    expect((error as UpstreamStreamError).error.message).not.toContain('sk-gateway-test-key');
  });

  it('fails when the speech stream ends before speech.audio.done', async () => {
    const { adapter } = harness([sseBody([event({ type: 'speech.audio.delta', audio: 'AQI=' })]).response]);
    const audio = await adapter.speech.synthesize({ ...speechCall, withUsage: true }, callContext());
    expect(await rejectionOf(collect(audio.chunks))).toBeInstanceOf(UpstreamStreamError);
  });

  it('retries a 500 on the next weighted key, then relays a 400 as the client’s', async () => {
    const serverError = () =>
      jsonResponse({ error: { message: 'boom', type: 'server_error', param: null, code: null } }, 500);
    const { adapter, fake } = harness(
      [
        serverError(),
        binary([9]),
        jsonResponse(
          { error: { message: 'Unknown voice.', type: 'invalid_request_error', param: 'voice', code: null } },
          400,
        ),
      ],
      {
        settings: {
          keys: [
            { apiKey: 'key-a', weight: 1 },
            { apiKey: 'key-b', weight: 1 },
          ],
        },
      },
    );
    await collect((await adapter.speech.synthesize(speechCall, callContext())).chunks);
    expect(fake.calls.map((call) => call.headers.get('authorization'))).toEqual(['Bearer key-a', 'Bearer key-b']);
    const refused = await rejectionOf(adapter.speech.synthesize(speechCall, callContext()));
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).status).toBe(400);
    expect((refused as GatewayError).param).toBe('voice');
  });

  it('builds Azure deployment audio URLs from chatCompletionsPath', async () => {
    const { adapter, fake } = harness([binary([1])], {
      settings: {
        baseUrl: 'https://res.openai.azure.com/openai',
        chatCompletionsPath: '/deployments/{model}/chat/completions',
        query: { 'api-version': '2025-03-01-preview' },
      },
    });
    await collect((await adapter.speech.synthesize({ ...speechCall, model: 'tts prod' }, callContext())).chunks);
    expect(fake.calls[0]!.url).toBe(
      'https://res.openai.azure.com/openai/deployments/tts%20prod/audio/speech?api-version=2025-03-01-preview',
    );
  });
});

describe('OpenAICompatibleSpeech.transcribe', () => {
  it('POSTs the audio as multipart, arrays as repeated name[] parts, and returns the JSON transcript', async () => {
    const { adapter, fake } = harness([
      jsonResponse({ text: 'hello', language: 'english', duration: 1, usage: { type: 'duration', seconds: 1 } }),
    ]);
    const outcome = await adapter.speech.transcribe(
      { ...transcriptionCall, language: 'en', temperature: 0.2 },
      callContext(),
    );
    expect(outcome).toMatchObject({
      kind: 'json',
      body: { text: 'hello', language: 'english', usage: { type: 'duration', seconds: 1 } },
    });
    const call = fake.calls[0]!;
    expect(call.url).toBe('https://api.openai.com/v1/audio/transcriptions');
    expect(call.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(call.rawBody as Uint8Array, {
      headers: { 'content-type': call.headers.get('content-type')! },
    }).formData();
    expect(form.getAll('timestamp_granularities[]')).toEqual(['word', 'segment']);
    expect([form.get('model'), form.get('language'), form.get('temperature'), form.get('response_format')]).toEqual([
      'whisper-1',
      'en',
      '0.2',
      'verbose_json',
    ]);
    const file = form.get('file') as File;
    expect(file.name).toBe('audio.wav');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from(transcriptionCall.audio.bytes));
  });

  it('returns text formats as text and translations go to /audio/translations', async () => {
    const { adapter, fake } = harness([
      new Response('1\n00:00:00,000 --> 00:00:01,000\nhello\n', {
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      }),
    ]);
    const outcome = await adapter.speech.transcribe(
      {
        ...transcriptionCall,
        task: 'translate',
        responseFormat: 'srt',
        audio: { bytes: new Uint8Array([1]), format: 'opus' },
      },
      callContext(),
    );
    expect(outcome).toMatchObject({ kind: 'text', text: '1\n00:00:00,000 --> 00:00:01,000\nhello\n' });
    expect(fake.calls[0]!.url).toBe('https://api.openai.com/v1/audio/translations');
  });

  it('streams transcript.text.* events', async () => {
    const { adapter } = harness([
      sseBody([
        event({ type: 'transcript.text.delta', delta: 'hel' }),
        event({ type: 'transcript.text.delta', delta: 'lo' }),
        event({
          type: 'transcript.text.done',
          text: 'hello',
          usage: { type: 'tokens', input_tokens: 1, output_tokens: 2, total_tokens: 3 },
        }),
      ]).response,
    ]);
    const outcome = await adapter.speech.transcribe(
      { ...transcriptionCall, responseFormat: 'json', stream: true },
      callContext(),
    );
    if (outcome.kind !== 'events') throw new Error('expected events');
    expect((await collect(outcome.events)).map((item) => item.type)).toEqual([
      'transcript.text.delta',
      'transcript.text.delta',
      'transcript.text.done',
    ]);
  });

  it('refuses a provider body that is not a transcript with a 502', async () => {
    const { adapter } = harness([jsonResponse({ nope: true })]);
    const error = await rejectionOf(adapter.speech.transcribe(transcriptionCall, callContext()));
    expect((error as GatewayError).status).toBe(502);
  });
});
