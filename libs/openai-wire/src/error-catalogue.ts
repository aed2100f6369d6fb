import { GatewayError } from './gateway-error';

/**
 * Which upstream timeout ran out: opening the connection, waiting for the response to start, silence
 * between two parts of the body (stream chunks), or the whole call.
 */
export type UpstreamTimeoutPhase = 'connect' | 'first_byte' | 'idle' | 'total';

const TIMEOUT_WORDING: Record<UpstreamTimeoutPhase, string> = {
  connect: 'could not be connected to within',
  first_byte: 'did not answer within',
  idle: 'sent nothing more for',
  total: 'did not finish within',
};

/**
 * Every error Voxgate writes, by stable code. Statuses and `type`s follow OpenAI's so the official SDKs
 * raise the matching exception class and retry only what is worth retrying (408, 409, 429, 5xx).
 */
export const Errors = {
  // 400 ─ the request itself is wrong; never retried.
  invalidRequest: (message: string, param: string | null = null, code: string | null = 'invalid_value') =>
    new GatewayError(400, 'invalid_request_error', code, message, param),
  invalidJson: (detail: string) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'invalid_json',
      `We could not parse the JSON body of your request: ${detail}. Send a valid JSON object with Content-Type: application/json.`,
    ),
  unsupportedMediaType: (contentType: string) =>
    new GatewayError(
      415,
      'invalid_request_error',
      'unsupported_media_type',
      `Unsupported Content-Type '${contentType}'. Send the request body as application/json.`,
    ),
  bodyTooLarge: (limitBytes: number) =>
    new GatewayError(
      413,
      'invalid_request_error',
      'request_too_large',
      `The request body is larger than the limit of ${limitBytes} bytes.`,
    ),

  invalidMultipart: (detail: string) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'invalid_multipart',
      `The multipart/form-data body is malformed: ${detail}.`,
    ),
  invalidUrl: () =>
    new GatewayError(
      400,
      'invalid_request_error',
      'invalid_url',
      'The request URL is not valid: its path has a malformed percent-encoding.',
    ),
  malformedHttp: () =>
    new GatewayError(400, 'invalid_request_error', 'malformed_request', 'The HTTP request could not be parsed.'),
  requestTimeout: () =>
    new GatewayError(
      408,
      'invalid_request_error',
      'request_timeout',
      'The request was not received completely in time.',
    ),
  uriTooLong: (maxSegmentChars: number) =>
    new GatewayError(
      414,
      'invalid_request_error',
      'uri_too_long',
      `A path segment of the request URL is longer than ${maxSegmentChars} characters.`,
    ),
  headersTooLarge: () =>
    new GatewayError(
      431,
      'invalid_request_error',
      'headers_too_large',
      'The request headers are larger than the server accepts.',
    ),
  fieldTooLarge: (field: string, limitBytes: number) =>
    new GatewayError(
      413,
      'invalid_request_error',
      'request_too_large',
      `The form field '${field}' is larger than the limit of ${limitBytes} bytes.`,
      field,
    ),

  fileTooLarge: (limitBytes: number) =>
    new GatewayError(
      413,
      'invalid_request_error',
      'file_too_large',
      `File is too large: the limit for batch input files is ${limitBytes} bytes.`,
      'file',
    ),

  // 401 / 403 ─ who is calling.
  missingApiKey: () =>
    new GatewayError(
      401,
      'invalid_request_error',
      'invalid_api_key',
      "You didn't provide an API key. Provide your Voxgate key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    ),
  invalidApiKey: () =>
    new GatewayError(
      401,
      'invalid_request_error',
      'invalid_api_key',
      'Incorrect API key provided. The key is unknown or has been revoked; ask your Voxgate operator for a valid key.',
    ),
  invalidAdminKey: () =>
    new GatewayError(401, 'invalid_request_error', 'invalid_api_key', 'Incorrect admin key provided.'),
  adminDisabled: () =>
    new GatewayError(
      403,
      'invalid_request_error',
      'admin_api_disabled',
      'The admin API is disabled: set VOXGATE_ADMIN_KEY on the gateway to enable it.',
    ),

  /** The model exists but serves another route (a TTS model on chat completions, or the reverse). */
  wrongModelEndpoint: (model: string, endpoint: string, serves: readonly string[]) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'model_not_supported',
      `The model '${model}' cannot be used with ${endpoint}; it serves ${serves.join(', ') || 'no route'}.`,
      'model',
    ),
  /** The provider behind a model has no speech or transcription call (e.g. a chat-only provider type). */
  audioRouteUnsupported: (provider: string, endpoint: string) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'model_not_supported',
      `The provider '${provider}' of this model does not serve ${endpoint}.`,
      'model',
    ),

  // 404
  modelNotFound: (model: string) =>
    new GatewayError(
      404,
      'invalid_request_error',
      'model_not_found',
      `The model \`${model}\` does not exist or you do not have access to it.`,
      'model',
    ),
  invalidClientSecret: () =>
    new GatewayError(
      401,
      'invalid_request_error',
      'invalid_api_key',
      'Incorrect client secret provided. It is unknown, has expired or has been revoked; ask the app that issued it for a new one.',
    ),
  /** A client secret (`ek_…`) used beyond what it grants: another route, another model. */
  clientSecretNotAllowed: (detail: string) =>
    new GatewayError(
      403,
      'invalid_request_error',
      'insufficient_permissions',
      `A client secret reaches only the realtime socket and chat completions, with the model it was issued for: ${detail}`,
    ),
  /** A browser page whose origin the tenant has not allowed (CORS, WebSocket `Origin`). */
  originNotAllowed: (origin: string) =>
    new GatewayError(
      403,
      'invalid_request_error',
      'origin_not_allowed',
      `Requests from the origin '${origin.slice(0, 200)}' are not allowed for this key's tenant: the operator lists allowed origins in the tenant's cors_origins.`,
    ),
  notFound: (what: string, id: string) =>
    new GatewayError(
      404,
      'invalid_request_error',
      `${what}_not_found`,
      `No ${what.replace(/_/g, ' ')} found with id '${id}'.`,
    ),
  routeNotFound: (method: string, url: string) =>
    new GatewayError(404, 'invalid_request_error', 'unknown_url', `Unrecognized request URL (${method} ${url}).`),
  methodNotAllowed: (method: string, url: string) =>
    new GatewayError(405, 'invalid_request_error', 'method_not_allowed', `Method ${method} is not allowed on ${url}.`),

  // 409 ─ the object is in a state that forbids the call; `x-should-retry: false` stops SDK retries.
  batchNotCancellable: (id: string, status: string) =>
    new GatewayError(
      409,
      'invalid_request_error',
      'batch_not_cancellable',
      `Batch '${id}' cannot be cancelled: its status is '${status}'.`,
      null,
      { 'x-should-retry': 'false' },
    ),

  // 5xx ─ our side or the provider's; SDKs retry these.
  upstreamError: (provider: string, detail: string) =>
    new GatewayError(502, 'upstream_error', 'upstream_error', `The provider '${provider}' failed: ${detail}`),
  /** `phase` says which of the provider's timeouts ran out (`providers.<id>.timeouts`). */
  upstreamTimeout: (provider: string, seconds: number, phase: UpstreamTimeoutPhase = 'first_byte') =>
    new GatewayError(
      504,
      'upstream_error',
      'upstream_timeout',
      `The provider '${provider}' ${TIMEOUT_WORDING[phase]} ${seconds} s.`,
    ),
  providerNotConfigured: (provider: string, detail: string) =>
    new GatewayError(
      503,
      'server_error',
      'provider_not_configured',
      `The provider '${provider}' is not usable: ${detail}`,
    ),
  /** Every route of the model was refused by its provider's open circuit breaker. */
  providerUnavailable: (provider: string) =>
    new GatewayError(
      503,
      'server_error',
      'provider_unavailable',
      `The provider '${provider}' is failing and is not called for a while; please retry later.`,
    ),
  storeUnavailable: () =>
    new GatewayError(
      503,
      'server_error',
      'store_unavailable',
      'The gateway cannot reach its data store right now. Please retry shortly.',
    ),
  internal: () =>
    new GatewayError(
      500,
      'server_error',
      null,
      'The server had an error while processing your request. Sorry about that!',
    ),
  /** Written when the process stops: refused requests, and streams still running at the shutdown deadline. */
  serverShuttingDown: () =>
    new GatewayError(
      503,
      'server_error',
      'server_shutting_down',
      'This server is shutting down. Please retry; another replica will answer.',
    ),
  /** A stream that made no progress for `server.sseMaxSilenceMs`: ended in-band rather than kept alive. */
  streamSilent: (seconds: number) =>
    new GatewayError(
      504,
      'server_error',
      'stream_timeout',
      `The stream made no progress for ${seconds} s and was ended.`,
    ),

  // Tool registry (admin API). Messages never carry header values: they may be secrets.
  toolNameTaken: (name: string) =>
    new GatewayError(
      409,
      'invalid_request_error',
      'tool_name_taken',
      `A tool named '${name}' is already registered. Update it with PUT, or remove it first.`,
      'name',
    ),
  invalidToolSchema: (detail: string) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'invalid_tool_schema',
      `Invalid tool schema: ${detail}.`,
      'parameters',
    ),
  toolUrlNotAllowed: (param: string, reason: string) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'tool_url_not_allowed',
      `The tool URL is not allowed: ${reason}. Private, loopback and link-local destinations must be allow-listed in tools.ssrfAllowList.`,
      param,
    ),
  toolServerUnreachable: (host: string, detail: string) =>
    new GatewayError(
      400,
      'invalid_request_error',
      'tool_server_unreachable',
      `The MCP server at '${host}' could not be reached or did not list its tools: ${detail}.`,
      'implementation.url',
    ),
} as const;
