import { Errors } from './error-catalogue';
import { GatewayError } from './gateway-error';

/** One instance per catalogue entry; typed as a full record so a new entry cannot be left untested. */
const everyError: Record<keyof typeof Errors, GatewayError> = {
  invalidRequest: Errors.invalidRequest('Bad thing.'),
  invalidJson: Errors.invalidJson('Unexpected token } in JSON at position 12'),
  unsupportedMediaType: Errors.unsupportedMediaType('text/plain'),
  bodyTooLarge: Errors.bodyTooLarge(26_214_400),
  fileTooLarge: Errors.fileTooLarge(104_857_600),
  invalidMultipart: Errors.invalidMultipart('Unexpected end of form'),
  invalidUrl: Errors.invalidUrl(),
  malformedHttp: Errors.malformedHttp(),
  requestTimeout: Errors.requestTimeout(),
  uriTooLong: Errors.uriTooLong(512),
  headersTooLarge: Errors.headersTooLarge(),
  fieldTooLarge: Errors.fieldTooLarge('request', 26_214_400),
  batchNotCancellable: Errors.batchNotCancellable('batch_123', 'completed'),
  missingApiKey: Errors.missingApiKey(),
  invalidApiKey: Errors.invalidApiKey(),
  invalidClientSecret: Errors.invalidClientSecret(),
  clientSecretNotAllowed: Errors.clientSecretNotAllowed('it is bound to the model gpt-realtime.'),
  originNotAllowed: Errors.originNotAllowed('https://evil.example'),
  invalidAdminKey: Errors.invalidAdminKey(),
  adminDisabled: Errors.adminDisabled(),
  modelNotFound: Errors.modelNotFound('gpt-5-audio'),
  wrongModelEndpoint: Errors.wrongModelEndpoint('tts-1', 'POST /v1/chat/completions', ['POST /v1/audio/speech']),
  audioRouteUnsupported: Errors.audioRouteUnsupported('local', 'POST /v1/audio/speech'),
  notFound: Errors.notFound('batch', 'batch_123'),
  routeNotFound: Errors.routeNotFound('GET', '/v1/nothing'),
  methodNotAllowed: Errors.methodNotAllowed('DELETE', '/v1/chat/completions'),
  upstreamError: Errors.upstreamError('openai', 'HTTP 500'),
  upstreamTimeout: Errors.upstreamTimeout('openai', 600),
  providerNotConfigured: Errors.providerNotConfigured('openai', 'it has no API key configured.'),
  providerUnavailable: Errors.providerUnavailable('openai'),
  storeUnavailable: Errors.storeUnavailable(),
  internal: Errors.internal(),
  serverShuttingDown: Errors.serverShuttingDown(),
  streamSilent: Errors.streamSilent(120),
  toolNameTaken: Errors.toolNameTaken('lookup_order'),
  invalidToolSchema: Errors.invalidToolSchema('parameters must be a schema of type "object"'),
  toolUrlNotAllowed: Errors.toolUrlNotAllowed('implementation.url', "'127.0.0.1' is a loopback address"),
  toolServerUnreachable: Errors.toolServerUnreachable('tools.example.com', 'connection refused'),
};

const EXPECTED_STATUS: Record<keyof typeof Errors, number> = {
  invalidRequest: 400,
  invalidJson: 400,
  unsupportedMediaType: 415,
  bodyTooLarge: 413,
  fileTooLarge: 413,
  invalidMultipart: 400,
  invalidUrl: 400,
  malformedHttp: 400,
  requestTimeout: 408,
  uriTooLong: 414,
  headersTooLarge: 431,
  fieldTooLarge: 413,
  batchNotCancellable: 409,
  missingApiKey: 401,
  invalidApiKey: 401,
  invalidClientSecret: 401,
  clientSecretNotAllowed: 403,
  originNotAllowed: 403,
  invalidAdminKey: 401,
  adminDisabled: 403,
  wrongModelEndpoint: 400,
  audioRouteUnsupported: 400,
  modelNotFound: 404,
  notFound: 404,
  routeNotFound: 404,
  methodNotAllowed: 405,
  upstreamError: 502,
  upstreamTimeout: 504,
  providerNotConfigured: 503,
  providerUnavailable: 503,
  storeUnavailable: 503,
  internal: 500,
  serverShuttingDown: 503,
  streamSilent: 504,
  toolNameTaken: 409,
  invalidToolSchema: 400,
  toolUrlNotAllowed: 400,
  toolServerUnreachable: 400,
};

const entries = Object.entries(everyError) as [keyof typeof Errors, GatewayError][];

describe('Errors catalogue', () => {
  it.each(entries)('%s serializes to the four-key OpenAI envelope', (_name, error) => {
    const wire = JSON.parse(JSON.stringify(error)) as { error: Record<string, unknown> };
    expect(Object.keys(wire)).toEqual(['error']);
    expect(Object.keys(wire.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(typeof wire.error['message']).toBe('string');
    expect(wire.error['message']).not.toBe('');
    expect(typeof wire.error['type']).toBe('string');
    expect(wire.error['param'] === null || typeof wire.error['param'] === 'string').toBe(true);
    expect(wire.error['code'] === null || typeof wire.error['code'] === 'string').toBe(true);
  });

  it.each(entries)('%s has its documented HTTP status', (name, error) => {
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.status).toBe(EXPECTED_STATUS[name]);
  });

  it('keeps param and code as explicit nulls, never dropping the keys', () => {
    expect(Errors.internal().toJSON()).toEqual({
      error: {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
  });

  it('builds model_not_found exactly as OpenAI does, with param model', () => {
    expect(Errors.modelNotFound('gpt-5-audio').toJSON()).toEqual({
      error: {
        message: 'The model `gpt-5-audio` does not exist or you do not have access to it.',
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
  });

  it('defaults invalidRequest to invalid_value with no param, and takes both when given', () => {
    expect(Errors.invalidRequest('Nope.').toOpenAIError()).toEqual({
      message: 'Nope.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_value',
    });
    expect(Errors.invalidRequest('Nope.', 'audio', 'missing_required_parameter').toOpenAIError()).toMatchObject({
      param: 'audio',
      code: 'missing_required_parameter',
    });
  });

  it('uses stable codes for the upstream failures', () => {
    expect(everyError.upstreamError.toOpenAIError()).toEqual({
      message: "The provider 'openai' failed: HTTP 500",
      type: 'upstream_error',
      param: null,
      code: 'upstream_error',
    });
    expect(everyError.upstreamTimeout.code).toBe('upstream_timeout');
    expect(everyError.upstreamTimeout.message).toBe("The provider 'openai' did not answer within 600 s.");
    expect(everyError.providerNotConfigured.code).toBe('provider_not_configured');
    expect(everyError.notFound.toOpenAIError()).toMatchObject({
      code: 'batch_not_found',
      message: "No batch found with id 'batch_123'.",
    });
  });

  it('carries no extra headers by default', () => {
    expect(Errors.internal().headers).toEqual({});
    expect(Errors.internal().name).toBe('GatewayError');
  });
});
