import type { BatchLine, BatchLineContext } from '@voxgate/batch';
import { SecretRedactor } from '@voxgate/config';
import { ChatCompletionRequestSchema, Errors, GatewayError } from '@voxgate/openai-wire';
import { type ApiKeyRepository, AuthenticateKeyId, type KeyScope } from '@voxgate/tenancy';
import type { CompletionDoor, CompletionInput, CompletionPipeline } from '../chat/completion-pipeline';
import { ZodBody } from '../http/zod-body.pipe';
import type { JsonLogger } from '../infra/json-logger';
import { PipelineLineExecutor } from './pipeline-line-executor';

const UPSTREAM_SECRET = 'sk-upstream-0123456789abcdef';
const route = { model: 'gpt-x', provider: 'openai', upstreamModel: 'gpt-x', upstreamRequestId: 'up_1' };
const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
const completion = { id: 'chatcmpl-1', object: 'chat.completion', usage };
const body = { model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] };
const context: BatchLineContext = {
  tenantId: 'ten_1',
  keyId: 'key_1',
  batchId: 'batch_1',
  idempotencyKey: 'batch:batch_1:0123abcd',
};

function line(overrides: Partial<BatchLine> = {}): BatchLine {
  return { lineNumber: 1, customId: 'c-1', url: '/v1/chat/completions', body, sessionId: null, ...overrides };
}

/** An executor over a fake pipeline (`answer` decides what it does) and a key repository holding `key_1`. */
function setUp(
  answer: (input: CompletionInput, door: CompletionDoor) => Promise<unknown> = (_input, door) => {
    door.admitted({ 'x-ratelimit-limit-requests': '10' });
    door.json({});
    door.log(route, { usage, end: 'completed', durationMs: 12.345 });
    return Promise.resolve(completion);
  },
  options: { scope?: KeyScope; revoked?: boolean; bodyLimitBytes?: number } = {},
) {
  const keys = {
    get: jest.fn((keyId: string) =>
      Promise.resolve(
        options.revoked ? null : { id: keyId, tenantId: 'ten_1', scope: options.scope ?? 'client', name: 'k' },
      ),
    ),
  };
  const pipeline = { execute: jest.fn(answer) };
  const logger = { event: jest.fn() };
  const metrics = { redisError: jest.fn() };
  const executor = new PipelineLineExecutor({
    pipeline: pipeline as unknown as CompletionPipeline,
    authenticateKeyId: new AuthenticateKeyId(keys as unknown as ApiKeyRepository),
    logger: logger as unknown as JsonLogger,
    redactor: new SecretRedactor([UPSTREAM_SECRET]),
    metrics,
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
  });
  return { executor, pipeline, logger, metrics, keys };
}

/** What the HTTP route's body pipe throws for `value`, as the envelope the error filter writes. */
function httpValidationError(value: unknown): { status: number; body: unknown } {
  try {
    new ZodBody(ChatCompletionRequestSchema).transform(value);
  } catch (error) {
    if (error instanceof GatewayError) return { status: error.status, body: error.toJSON() };
  }
  throw new Error('the body was valid');
}

describe('PipelineLineExecutor', () => {
  it("runs a line through the pipeline as the batch's key, with its session, idempotency key and own request id", async () => {
    const { executor, pipeline, logger } = setUp();
    const first = await executor.execute(line({ sessionId: 'call-42' }), context);
    const second = await executor.execute(line(), context);

    expect(first).toEqual({
      statusCode: 200,
      requestId: expect.stringMatching(/^req_[0-9a-f]{32}$/),
      body: completion,
    });
    expect(second.requestId).not.toBe(first.requestId);
    const [input] = pipeline.execute.mock.calls[0]!;
    expect(input).toMatchObject({
      principal: { tenantId: 'ten_1', keyId: 'key_1', scope: 'client' },
      request: { model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] },
      requestId: first.requestId,
      sessionId: 'call-42',
      idempotencyKey: 'idem:batch:batch_1:0123abcd',
      confirmationToken: null,
      traceHeaders: {},
    });
    expect(input.options).toBeUndefined();
    expect(pipeline.execute.mock.calls[1]![0].sessionId).toBeUndefined();
    expect(logger.event).toHaveBeenCalledWith(
      'info',
      'chat.completion',
      expect.objectContaining({
        requestId: first.requestId,
        door: 'batch',
        batchId: 'batch_1',
        line: 1,
        tenantId: 'ten_1',
        keyId: 'key_1',
        end: 'completed',
        usage,
        durationMs: 12.35,
      }),
    );
  });

  it('answers a revoked key with a 401 line and never reaches the pipeline', async () => {
    const { executor, pipeline, keys, logger } = setUp(undefined, { revoked: true });
    const response = await executor.execute(line(), context);
    expect(keys.get).toHaveBeenCalledWith('key_1');
    expect(response).toMatchObject({
      statusCode: 401,
      requestId: expect.stringMatching(/^req_/),
      body: { error: { code: 'invalid_api_key', type: 'invalid_request_error' } },
    });
    expect(pipeline.execute).not.toHaveBeenCalled();
    expect(logger.event).toHaveBeenCalledWith('info', 'batch.line.failed', {
      requestId: response.requestId,
      door: 'batch',
      batchId: 'batch_1',
      line: 1,
      tenantId: 'ten_1',
      keyId: 'key_1',
      status: 401,
      code: 'invalid_api_key',
    });
  });

  it('answers a key without the client scope with the 403 of the HTTP guard', async () => {
    const { executor, pipeline } = setUp(undefined, { scope: 'billing' });
    expect(await executor.execute(line(), context)).toMatchObject({
      statusCode: 403,
      body: { error: { code: 'insufficient_permissions' } },
    });
    expect(pipeline.execute).not.toHaveBeenCalled();
  });

  it.each([
    ['an unknown field', { ...body, bogus: true }],
    ['no messages', { model: 'gpt-x' }],
    ['a wrongly typed temperature', { ...body, temperature: 'hot' }],
    ['an unknown role', { model: 'gpt-x', messages: [{ role: 'wizard', content: 'hi' }] }],
  ])('answers a malformed line (%s) with the status and body the HTTP route writes', async (_label, malformed) => {
    const { executor, pipeline } = setUp();
    const response = await executor.execute(line({ body: malformed }), context);
    const http = httpValidationError(malformed);
    expect(response.statusCode).toBe(http.status);
    expect(response.body).toEqual(http.body);
    expect(pipeline.execute).not.toHaveBeenCalled();
  });

  it('checks the key before the body, as the HTTP guard runs before the body pipe', async () => {
    const { executor } = setUp(undefined, { revoked: true });
    expect((await executor.execute(line({ body: { ...body, bogus: true } }), context)).statusCode).toBe(401);
  });

  it('refuses a streamed line without running it', async () => {
    const { executor, pipeline } = setUp();
    const response = await executor.execute(line({ body: { ...body, stream: true } }), context);
    expect(response).toMatchObject({
      statusCode: 400,
      body: { error: { param: 'stream', code: 'unsupported_value' } },
    });
    expect(pipeline.execute).not.toHaveBeenCalled();
  });

  it('answers a body over the HTTP body limit with its 413', async () => {
    const { executor, pipeline } = setUp(undefined, { bodyLimitBytes: 64 });
    const large = { ...body, messages: [{ role: 'user', content: 'x'.repeat(100) }] };
    expect(await executor.execute(line({ body: large }), context)).toMatchObject({
      statusCode: 413,
      body: { error: { code: 'request_too_large' } },
    });
    expect(pipeline.execute).not.toHaveBeenCalled();
  });

  it("hands a quota 429's retry-after to the batch's retry logic, and x-should-retry: false", async () => {
    const refusal = (headers: Record<string, string>) =>
      new GatewayError(429, 'requests', 'rate_limit_exceeded', 'Rate limit reached', null, headers);
    const answers = [
      refusal({ 'retry-after': '7' }),
      refusal({ 'retry-after-ms': '250', 'retry-after': '1' }),
      refusal({ 'retry-after': '3', 'x-should-retry': 'false' }),
      refusal({}),
    ];
    const { executor } = setUp(() => Promise.reject(answers.shift() ?? new Error('no more answers')));
    expect(await executor.execute(line(), context)).toMatchObject({
      statusCode: 429,
      body: { error: { code: 'rate_limit_exceeded' } },
      retryAfterMs: 7000,
      shouldRetry: null,
    });
    expect(await executor.execute(line(), context)).toMatchObject({ retryAfterMs: 250 });
    expect(await executor.execute(line(), context)).toMatchObject({ retryAfterMs: 3000, shouldRetry: false });
    expect(await executor.execute(line(), context)).toMatchObject({ retryAfterMs: null, shouldRetry: null });
  });

  it('answers an upstream failure as the HTTP filter does: its status and envelope, secrets redacted, logged', async () => {
    const failure = new GatewayError(
      502,
      'api_error',
      'upstream_error',
      `The provider answered 500 (key ${UPSTREAM_SECRET}).`,
    ).withDiagnostics({ provider: 'openai', upstreamStatus: 500 });
    const { executor, logger } = setUp(() => Promise.reject(failure));
    const response = await executor.execute(line(), context);
    expect(response).toMatchObject({ statusCode: 502, body: { error: { type: 'api_error', code: 'upstream_error' } } });
    expect(JSON.stringify(response.body)).not.toContain(UPSTREAM_SECRET);
    expect(logger.event).toHaveBeenCalledWith(
      'warn',
      'provider.failed',
      expect.objectContaining({ requestId: response.requestId, door: 'batch', provider: 'openai', status: 502 }),
    );
  });

  it('answers an unexpected error with a generic 500 and logs it, never its message', async () => {
    const { executor, logger } = setUp(() => Promise.reject(new TypeError('internal detail')));
    const response = await executor.execute(line(), context);
    expect(response).toMatchObject({ statusCode: 500, body: Errors.internal().toJSON() });
    expect(JSON.stringify(response.body)).not.toContain('internal detail');
    expect(logger.event).toHaveBeenCalledWith(
      'error',
      'unhandled error',
      expect.objectContaining({ requestId: response.requestId, door: 'batch' }),
    );
  });

  it('counts a Redis outage and answers store_unavailable', async () => {
    const outage = new Error('Connection is closed.');
    const { executor, metrics } = setUp(() => Promise.reject(outage));
    const response = await executor.execute(line(), context);
    expect(response).toMatchObject({ statusCode: 503, body: { error: { code: 'store_unavailable' } } });
    expect(metrics.redisError).toHaveBeenCalledTimes(1);
  });
});
