import type { IncomingHttpHeaders } from 'node:http';
import { UNDECLARED_KEY } from '../openapi/openapi-undeclared-keys';
import type { OpenApiValidator } from '../openapi/openapi-validator';
import {
  type ErrorReply,
  invalidApiKey,
  invalidJson,
  openAiError,
  specViolation,
  unrecognizedArgument,
} from './fake-upstream.errors';

const REQUEST_SCHEMA = 'CreateChatCompletionRequest';

/** `Authorization: Bearer <key>` (OpenAI) or `api-key: <key>` (Azure) must carry `apiKey`. */
export function checkApiKey(headers: IncomingHttpHeaders, apiKey: string): ErrorReply | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
  const azure = headers['api-key'];
  const presented = bearer ?? (typeof azure === 'string' ? azure : undefined);
  if (presented === apiKey) return undefined;
  if (presented !== undefined) return invalidApiKey(presented);
  const message =
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer " +
    'auth (i.e. Authorization: Bearer YOUR_KEY).';
  return { status: 401, body: openAiError(message), reason: 'auth' };
}

/** A parsed request body, and what is wrong with it by the spec (each line a violation to record). */
export interface BodyCheck {
  body: unknown;
  violations: string[];
  error: ErrorReply | undefined;
}

/**
 * Parses the JSON body and checks it against `CreateChatCompletionRequest`, plus the rule the spec's
 * JSON Schema does not express: OpenAI rejects keys the spec does not declare.
 */
export function checkChatRequestBody(
  rawBody: string,
  headers: IncomingHttpHeaders,
  validator: OpenApiValidator | undefined,
): BodyCheck {
  return checkJsonBody(rawBody, headers, validator, REQUEST_SCHEMA);
}

/** The same checks for any JSON request schema of the spec (e.g. `CreateSpeechRequest`). */
export function checkJsonBody(
  rawBody: string,
  headers: IncomingHttpHeaders,
  validator: OpenApiValidator | undefined,
  schema: string,
): BodyCheck {
  const violations: string[] = [];
  if (!(headers['content-type'] ?? '').includes('application/json')) {
    violations.push(`content-type is '${headers['content-type'] ?? ''}', expected application/json`);
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    violations.push('body is not valid JSON');
    return { body: undefined, violations, error: invalidJson() };
  }
  if (validator === undefined) return { body, violations, error: undefined };

  const result = validator.validate(schema, body, { rejectUndeclaredKeys: true });
  violations.push(...result.errors.map((error) => `${schema}: ${error}`));
  const topLevelUnknown = result.errors
    .map((error) => new RegExp(`^/([^/]+) ${UNDECLARED_KEY}$`).exec(error)?.[1])
    .find((name) => name !== undefined);

  let error: ErrorReply | undefined;
  if (topLevelUnknown !== undefined) error = unrecognizedArgument(topLevelUnknown);
  else if (violations.length > 0) error = specViolation(violations, openAiParam(result.errors[0]));
  return { body, violations, error };
}

/** `/messages/0/content must be string` → `messages[0].content`, the way OpenAI names a `param`. */
function openAiParam(error: string | undefined): string | null {
  const pointer = error?.split(' ')[0];
  if (pointer === undefined || pointer === '/') return null;
  return pointer
    .slice(1)
    .split('/')
    .map((segment, index) => (/^\d+$/.test(segment) ? `[${segment}]` : `${index === 0 ? '' : '.'}${segment}`))
    .join('');
}
