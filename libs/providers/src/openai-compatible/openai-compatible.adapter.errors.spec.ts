import { GatewayError } from '@voxgate/openai-wire';
import {
  callContext,
  chatRequest,
  completionBody,
  harness,
  jsonResponse,
  openAiError,
  rejectionOf,
} from './__fixtures__/adapter-harness';

const serverError = () =>
  jsonResponse(
    openAiError('The server had an error while processing your request. Sorry about that!', 'server_error', null, null),
    500,
  );

async function gatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await rejectionOf(promise);
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

describe('OpenAICompatibleAdapter: retries before the first byte', () => {
  it('retries a 500 and returns the next success', async () => {
    const { adapter, fake, sleeps } = harness([serverError(), jsonResponse(completionBody())]);
    const result = await adapter.chatCompletion(chatRequest(), callContext());
    expect(result.body.id).toBe('chatcmpl-1');
    expect(fake.calls).toHaveLength(2);
    expect(sleeps).toEqual([100]);
    expect(fake.calls[1]!.body).toEqual(fake.calls[0]!.body);
  });

  it('retries a 429, waiting what retry-after-ms asks', async () => {
    const limited = jsonResponse(openAiError('Rate limit reached', 'requests', null, 'rate_limit_exceeded'), 429, {
      'retry-after-ms': '1500',
    });
    const { adapter, fake, sleeps } = harness([limited, jsonResponse(completionBody())]);
    await adapter.chatCompletion(chatRequest(), callContext());
    expect(fake.calls).toHaveLength(2);
    expect(sleeps).toEqual([1500]);
  });

  it('retries a connection error', async () => {
    const { adapter, fake, sleeps } = harness([new TypeError('fetch failed'), jsonResponse(completionBody())]);
    await adapter.chatCompletion(chatRequest(), callContext());
    expect(fake.calls).toHaveLength(2);
    expect(sleeps).toEqual([100]);
  });

  it('backs off exponentially over maxRetries attempts, then relays the last failure as 502', async () => {
    const { adapter, fake, sleeps } = harness([serverError(), serverError(), serverError()]);
    const error = await gatewayError(adapter.chatCompletion(chatRequest(), callContext()));
    expect(fake.calls).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
    expect(error.toOpenAIError()).toEqual({
      message:
        "The provider 'openai' failed: HTTP 500: The server had an error while processing your request. Sorry about that!",
      type: 'upstream_error',
      param: null,
      code: 'upstream_error',
    });
    expect(error.status).toBe(502);
  });

  it('fails with 502 after repeated connection errors', async () => {
    const { adapter, fake } = harness([
      new TypeError('fetch failed'),
      new TypeError('fetch failed'),
      new TypeError('fetch failed'),
    ]);
    const error = await gatewayError(adapter.chatCompletion(chatRequest(), callContext()));
    expect(fake.calls).toHaveLength(3);
    expect(error).toMatchObject({
      status: 502,
      message: "The provider 'openai' failed: the connection to the provider failed.",
    });
  });

  it('does not retry when x-should-retry is false', async () => {
    const noRetry = jsonResponse(openAiError('Overloaded', 'server_error', null, null), 503, {
      'x-should-retry': 'false',
    });
    const { adapter, fake, sleeps } = harness([noRetry, jsonResponse(completionBody())]);
    await gatewayError(adapter.chatCompletion(chatRequest(), callContext()));
    expect(fake.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('keeps a 429 as 429 with its retry-after once retries are used up', async () => {
    const limited = () =>
      jsonResponse(openAiError('Rate limit reached for requests', 'requests', null, 'rate_limit_exceeded'), 429, {
        'retry-after': '1',
      });
    const { adapter } = harness([limited(), limited(), limited()]);
    const error = await gatewayError(adapter.chatCompletion(chatRequest(), callContext()));
    expect(error).toMatchObject({ status: 429, type: 'requests', code: 'rate_limit_exceeded' });
    expect(error.headers).toEqual({ 'retry-after': '1' });
    expect(error.message).toBe("The provider 'openai' is rate limiting requests: Rate limit reached for requests");
  });
});

describe('OpenAICompatibleAdapter: upstream errors that reach the client', () => {
  it('relays a 400 without retrying, keeping the upstream message, param and code', async () => {
    const upstream = openAiError(
      "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
      'invalid_request_error',
      'response_format',
      'unsupported_parameter',
    );
    const { adapter, fake, sleeps } = harness([jsonResponse(upstream, 400), jsonResponse(completionBody())]);
    const error = await gatewayError(adapter.chatCompletion(chatRequest(), callContext()));
    expect(fake.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(error.status).toBe(400);
    expect(error.toJSON()).toEqual(upstream);
  });

  it.each([401, 403])('turns an upstream %i into a 502 that carries nothing from the upstream body', async (status) => {
    const leakedKey = 'sk-proj-UPSTREAMSECRET0123456789abcd';
    const body = openAiError(
      `Incorrect API key provided: ${leakedKey}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_request_error',
      'api_key_param',
      'invalid_api_key',
    );
    const { adapter, fake } = harness([jsonResponse(body, status)]);
    const error = await gatewayError(adapter.chatCompletion(chatRequest(), callContext()));

    expect(fake.calls).toHaveLength(1);
    expect(error.status).toBe(502);
    const wire = JSON.stringify(error.toJSON());
    for (const fragment of [leakedKey, 'UPSTREAMSECRET', 'Incorrect API key', 'api_key_param', 'invalid_api_key']) {
      expect(wire).not.toContain(fragment);
    }
    expect(error.toOpenAIError()).toEqual({
      message: `The provider 'openai' failed: it rejected the gateway's credentials (HTTP ${status}). An operator must fix the provider key.`,
      type: 'upstream_error',
      param: null,
      code: 'upstream_error',
    });
  });

  it('answers 503 provider_not_configured without calling the provider when the apiKey is empty', async () => {
    const { adapter, fake } = harness([jsonResponse(completionBody())], { settings: { apiKey: '' } });
    const error = await gatewayError(adapter.chatCompletion(chatRequest(), callContext()));
    expect(fake.calls).toHaveLength(0);
    expect(error.toOpenAIError()).toEqual({
      message: "The provider 'openai' is not usable: it has no API key configured.",
      type: 'server_error',
      param: null,
      code: 'provider_not_configured',
    });
    expect(error.status).toBe(503);
    await expect(adapter.streamChatCompletion(chatRequest({ stream: true }), callContext())).rejects.toMatchObject({
      status: 503,
    });
  });

  it('stops at once, with the caller’s reason, when the caller aborts', async () => {
    const caller = new AbortController();
    const reason = new Error('client disconnected');
    const hangs = (signal: AbortSignal) =>
      new Promise<Response>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason as Error));
        caller.abort(reason);
      });
    const { adapter, fake, sleeps } = harness([hangs, jsonResponse(completionBody())]);
    const error = await rejectionOf(adapter.chatCompletion(chatRequest(), callContext({ signal: caller.signal })));
    expect(error).toBe(reason);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.signal.aborted).toBe(true);
    expect(sleeps).toEqual([]);
  });
});
