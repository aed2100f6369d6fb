import type { OpenAiErrorBody } from './fake-upstream.wire';

/** An HTTP error answer in OpenAI's envelope (`ErrorResponse`). */
export interface ErrorReply {
  status: number;
  body: { error: OpenAiErrorBody };
  /** Which check produced it, recorded as `RecordedRequest.answeredBy`. */
  reason: string;
}

/** `{ error: { message, type, param, code } }`, the body of every OpenAI error. */
export function openAiError(
  message: string,
  type = 'invalid_request_error',
  param: string | null = null,
  code: string | null = null,
): { error: OpenAiErrorBody } {
  return { error: { message, type, param, code } };
}

/** 401 with the body OpenAI sends for a wrong key (openai-contract.md §4.3), key redacted the same way. */
export function invalidApiKey(presented: string): ErrorReply {
  const redacted = presented.length > 8 ? `${presented.slice(0, 3)}…${presented.slice(-4)}` : presented;
  const message =
    `Incorrect API key provided: ${redacted}. ` +
    'You can find your API key at https://platform.openai.com/account/api-keys.';
  return { status: 401, body: openAiError(message, 'invalid_request_error', null, 'invalid_api_key'), reason: 'auth' };
}

export function invalidJson(): ErrorReply {
  const message =
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
    'library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)';
  return { status: 400, body: openAiError(message), reason: 'json' };
}

/** 400 naming the spec violations; `param` is the first offending field as OpenAI writes it (`messages[0].role`). */
export function specViolation(violations: readonly string[], param: string | null): ErrorReply {
  const message = `Invalid request (fake upstream OpenAPI check): ${violations.join('; ')}`;
  return { status: 400, body: openAiError(message, 'invalid_request_error', param, 'invalid_value'), reason: 'spec' };
}

export function unrecognizedArgument(name: string): ErrorReply {
  return { status: 400, body: openAiError(`Unrecognized request argument supplied: ${name}`), reason: 'spec' };
}

/** The exact error OpenAI gives for a non-pcm16 audio format with `stream: true` (openai-contract.md §1.1). */
export function unsupportedStreamAudioFormat(format: string): ErrorReply {
  const message = `Unsupported value: 'audio.format' does not support '${format}' when stream=true. Supported values are: 'pcm16'.`;
  return {
    status: 400,
    body: openAiError(message, 'invalid_request_error', 'audio.format', 'unsupported_value'),
    reason: 'audio',
  };
}

/** The fake only synthesizes `wav` and `pcm16`; other formats are refused rather than faked. */
export function unsupportedAudioFormat(format: string): ErrorReply {
  const message = `Unsupported value: 'audio.format' does not support '${format}' in the fake upstream. Supported values are: 'wav', 'pcm16'.`;
  return {
    status: 400,
    body: openAiError(message, 'invalid_request_error', 'audio.format', 'unsupported_value'),
    reason: 'audio',
  };
}

export function missingAudioParameter(): ErrorReply {
  const message = "Missing required parameter: 'audio'.";
  return {
    status: 400,
    body: openAiError(message, 'invalid_request_error', 'audio', 'missing_required_parameter'),
    reason: 'audio',
  };
}

/** What OpenAI answers for an unknown route. */
export function invalidUrl(method: string, path: string): ErrorReply {
  return { status: 404, body: openAiError(`Invalid URL (${method} ${path})`), reason: 'route' };
}
