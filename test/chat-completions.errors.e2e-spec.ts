import OpenAI from 'openai';
import { spec, useRelayEnv } from './support/e2e-env';
import { chunksOf, rawStream } from './support/raw-stream';
import { SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

describe('POST /v1/chat/completions, bad input and upstream faults', () => {
  const env = useRelayEnv();

  async function post(body: string | Record<string, unknown>, headers: Record<string, string> = {}) {
    const { gateway, key } = env();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await response.json()) as ErrorBody;
    spec.assertValid('ErrorResponse', json);
    return { status: response.status, error: json.error, headers: response.headers };
  }

  const text = (extra: Record<string, unknown> = {}) => ({
    model: SNAPSHOT,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });

  it.each([
    ['invalid JSON', '{"model":', 400, null, 'invalid_json'],
    ['a JSON array', '[1,2]', 400, null, 'invalid_json'],
    ['missing messages', { model: SNAPSHOT }, 400, 'messages', 'missing_required_parameter'],
    ['empty messages', { model: SNAPSHOT, messages: [] }, 400, 'messages', 'invalid_value'],
    ['an unknown parameter', text({ temprature: 1 }), 400, 'temprature', 'unknown_parameter'],
    ['temperature out of range', text({ temperature: 5 }), 400, 'temperature', 'invalid_value'],
    ['temperature as a string', text({ temperature: 'hot' }), 400, 'temperature', 'invalid_type'],
    [
      'an unknown role',
      { model: SNAPSHOT, messages: [{ role: 'robot', content: 'x' }] },
      400,
      'messages[0].role',
      'invalid_value',
    ],
    [
      'an unsupported input audio format',
      {
        model: SNAPSHOT,
        messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'aiff' } }] }],
      },
      400,
      'messages[0].content[0].input_audio.format',
      'invalid_value',
    ],
    [
      'audio modality without audio',
      text({ modalities: ['text', 'audio'] }),
      400,
      'audio',
      'missing_required_parameter',
    ],
    [
      'stream_options without stream',
      text({ stream_options: { include_usage: true } }),
      400,
      'stream_options',
      'invalid_value',
    ],
  ])('rejects %s with a 400 naming the parameter', async (_name, body, status, param, code) => {
    const { upstream } = env();
    const before = upstream.requests.length;
    const result = await post(body);
    expect(result.status).toBe(status);
    expect(result.error.type).toBe('invalid_request_error');
    expect(result.error.param).toBe(param);
    expect(result.error.code).toBe(code);
    expect(result.headers.get('x-request-id')).toMatch(/^req_/);
    expect(upstream.requests.length).toBe(before);
  });

  it('answers 404 model_not_found for an unknown model and 415 for a non-JSON body', async () => {
    const { client } = env();
    const error = await client.chat.completions
      .create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    const plain = await post('hello', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
  });

  it('raises BadRequestError in the SDK with the param', async () => {
    const { client } = env();
    const error = await client.chat.completions
      .create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'x' }], top_p: 3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('top_p');
  });

  it('retries an upstream 500 once, then succeeds', async () => {
    const { client, upstream } = env();
    upstream.enqueue({
      kind: 'json',
      status: 500,
      body: { error: { message: 'boom', type: 'server_error', param: null, code: null } },
    });
    const before = upstream.requests.length;
    const completion = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.model).toBe(SNAPSHOT);
    expect(upstream.requests.length - before).toBe(2);
  });

  it('turns repeated upstream 5xx into a 502 after the retry budget', async () => {
    const { upstream } = env();
    const failure = {
      kind: 'json' as const,
      status: 503,
      body: { error: { message: 'overloaded', type: 'server_error', param: null, code: null } },
    };
    upstream.enqueue(failure, failure);
    const result = await post(text());
    expect(result.status).toBe(502);
    expect(result.error.code).toBe('upstream_error');
    expect(result.error.message).toContain('overloaded');
  });

  it("relays an upstream 400 with the provider's message and param", async () => {
    const { upstream } = env();
    upstream.enqueue({
      kind: 'json',
      status: 400,
      body: {
        error: {
          message: 'The audio file could not be decoded or its format is not supported.',
          type: 'invalid_request_error',
          param: 'messages',
          code: 'invalid_value',
        },
      },
    });
    const result = await post(text());
    expect(result.status).toBe(400);
    expect(result.error).toEqual({
      message: 'The audio file could not be decoded or its format is not supported.',
      type: 'invalid_request_error',
      param: 'messages',
      code: 'invalid_value',
    });
  });

  it('never shows the client an upstream 401 or anything of the upstream key', async () => {
    const { upstream, gateway } = env();
    upstream.enqueue({
      kind: 'json',
      status: 401,
      body: {
        error: {
          message: `Incorrect API key provided: ${UPSTREAM_KEY}.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    });
    const result = await post(text());
    expect(result.status).toBe(502);
    expect(JSON.stringify(result.error)).not.toContain(UPSTREAM_KEY.slice(-8));
    expect(gateway.output).not.toContain(UPSTREAM_KEY.slice(-8));
  });

  it('ends a stream with an in-band error event, without [DONE], when the upstream fails mid-stream', async () => {
    const { gateway, key, upstream, client } = env();
    const upstreamError = {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    };
    upstream.enqueue({ kind: 'streamError', afterChunks: 3, error: upstreamError });
    const { status, data } = await rawStream(gateway.url, key, {
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(status).toBe(200);
    expect(data).not.toContain('[DONE]');
    expect(JSON.parse(data.at(-1)!)).toEqual({ error: upstreamError });
    spec.assertValid('ErrorResponse', JSON.parse(data.at(-1)!));
    for (const chunk of chunksOf(data.slice(0, -1))) spec.assertValidStreamChunk(chunk);

    upstream.enqueue({ kind: 'streamError', afterChunks: 2, error: upstreamError });
    const stream = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const consume = async () => {
      for await (const _chunk of stream) void _chunk;
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it('reports a connection reset mid-stream as an error event', async () => {
    const { gateway, key, upstream } = env();
    upstream.enqueue({ kind: 'reset', afterChunks: 2 });
    const { data } = await rawStream(gateway.url, key, { model: SNAPSHOT, messages: [{ role: 'user', content: 'x' }] });
    const last = JSON.parse(data.at(-1)!) as ErrorBody;
    expect(last.error.type).toBe('upstream_error');
    expect(data).not.toContain('[DONE]');
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    const { gateway, key, upstream } = env();
    upstream.chunkDelayMs = 100;
    try {
      const controller = new AbortController();
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: SNAPSHOT,
          modalities: ['text', 'audio'],
          audio: { voice: 'alloy', format: 'pcm16' },
          messages: [{ role: 'user', content: 'x' }],
          stream: true,
        }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      const aborted = await upstream.waitForAbort(-1, 3_000);
      expect(aborted.aborted).toBe(true);
    } finally {
      upstream.chunkDelayMs = 0;
    }
  });
});
