import { GatewayError } from '@voxgate/openai-wire';
import {
  callContext,
  chatRequest,
  completionBody,
  fixtureJson,
  harness,
  jsonResponse,
  rejectionOf,
  sseBody,
} from './__fixtures__/adapter-harness';

describe('OpenAICompatibleAdapter: the upstream request', () => {
  it('POSTs the request as JSON to baseUrl + /chat/completions with Bearer auth and x-request-id', async () => {
    const { adapter, fake } = harness([jsonResponse(completionBody())], {
      settings: { headers: { 'OpenAI-Organization': 'org-voxgate' } },
    });
    const request = chatRequest({ temperature: 0.8 });
    await adapter.chatCompletion(request, callContext({ requestId: 'req_7f3a' }));

    expect(fake.calls).toHaveLength(1);
    const call = fake.calls[0]!;
    expect(call.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(call.method).toBe('POST');
    expect(call.body).toEqual(request);
    expect(Object.fromEntries(call.headers)).toEqual({
      'user-agent': 'voxgate',
      authorization: 'Bearer sk-gateway-test-key',
      'content-type': 'application/json',
      accept: 'application/json',
      'x-request-id': 'req_7f3a',
      'openai-organization': 'org-voxgate',
    });
  });

  it('builds Azure deployment URLs with api-version and sends the key in api-key', async () => {
    const { adapter, fake } = harness([jsonResponse(completionBody())], {
      settings: {
        baseUrl: 'https://my-resource.openai.azure.com/openai',
        chatCompletionsPath: '/deployments/{model}/chat/completions',
        query: { 'api-version': '2025-01-01-preview' },
        authHeader: 'api-key',
        apiKey: 'azure-key-123',
      },
    });
    await adapter.chatCompletion(chatRequest({ model: 'audio prod/eu' }), callContext());

    const call = fake.calls[0]!;
    expect(call.url).toBe(
      'https://my-resource.openai.azure.com/openai/deployments/audio%20prod%2Feu/chat/completions?api-version=2025-01-01-preview',
    );
    expect(call.headers.get('api-key')).toBe('azure-key-123');
    expect(call.headers.has('authorization')).toBe(false);
  });

  it('adds query parameters to a plain OpenAI-style path too', async () => {
    const { adapter, fake } = harness([jsonResponse(completionBody())], {
      settings: { baseUrl: 'http://localhost:4000/v1', query: { tenant: 'a b', 'api-version': 'x' } },
    });
    await adapter.chatCompletion(chatRequest(), callContext());
    expect(fake.calls[0]!.url).toBe('http://localhost:4000/v1/chat/completions?tenant=a+b&api-version=x');
  });

  it('asks for text/event-stream on streaming calls', async () => {
    const { adapter, fake } = harness([sseBody(['data: [DONE]\n\n']).response]);
    await adapter.streamChatCompletion(chatRequest({ stream: true }), callContext({ requestId: 'req_s1' }));
    expect(fake.calls[0]!.headers.get('accept')).toBe('text/event-stream');
    expect(fake.calls[0]!.headers.get('x-request-id')).toBe('req_s1');
  });
});

describe('OpenAICompatibleAdapter: JSON answers', () => {
  it('parses the recorded audio response, stripping internal_* leaks and keeping usage details', async () => {
    const upstream = jsonResponse(fixtureJson('chat-completion.audio.json'), 200, {
      'x-request-id': 'req_upstream_42',
    });
    const { adapter } = harness([upstream]);
    const result = await adapter.chatCompletion(chatRequest(), callContext());

    expect(result.upstreamRequestId).toBe('req_upstream_42');
    expect(result.body.id).toBe('chatcmpl-AJaIpDBFpLleTUwQJefzs1JJE5p5g');
    expect(result.body.choices[0]?.message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      audio: {
        id: 'audio_6711f92b13a081908e8f3b61bf18b3f3',
        data: 'UklGRsZrAABXQVZFZm10IBAAAAABAAEAwF0AAIC7AAACABAAZGF0YaJrAAAAAAAA',
        expires_at: 1729234747,
        transcript: "Digits intertwine,  \nIn dance of noughts and unity,  \nCode's whispers breathe life.",
      },
    });
    expect(result.body.usage?.completion_tokens_details).toEqual({
      reasoning_tokens: 0,
      text_tokens: 33,
      audio_tokens: 148,
    });
    expect(JSON.stringify(result.body)).not.toMatch(/internal/);
  });

  it('returns a null upstreamRequestId when the provider sends none', async () => {
    const { adapter } = harness([jsonResponse(completionBody())]);
    expect((await adapter.chatCompletion(chatRequest(), callContext())).upstreamRequestId).toBeNull();
  });

  it('answers 502 when a 200 body is not a chat completion', async () => {
    const { adapter } = harness([new Response('<html>gateway page</html>', { status: 200 })]);
    const error = await rejectionOf(adapter.chatCompletion(chatRequest(), callContext()));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      status: 502,
      code: 'upstream_error',
      message: "The provider 'openai' failed: it returned a body that is not a chat completion.",
    });
  });

  it('exposes its id and capabilities', () => {
    const { adapter } = harness([]);
    expect(adapter.id).toBe('openai');
    expect(adapter.capabilities).toEqual({ inputAudioFormats: ['wav', 'mp3'], streamingAudioFormats: ['pcm16'] });
  });
});
