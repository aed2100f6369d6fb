import type { JsonObject, JsonValue, ToolContext, ToolEffect, ToolModule, ToolOutcome } from '../tool-module';
import { failure, ok, ToolNotExecutedError } from '../tool-module';
import type { HttpImplementation } from '../registry/tool-definition';
import { type FetchLike, readCappedText, ResponseTooLargeError } from './guarded-fetch';
import { findSsrfRefusal } from './ssrf-guard';
import { errorChain } from '../error-chain';
import { redactOutcome } from '../redact-outcome';

export interface HttpToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonObject;
  readonly effect: ToolEffect;
  readonly timeoutMs: number;
  readonly implementation: HttpImplementation;
}

export interface HttpToolDependencies {
  /** The SSRF-guarded fetch (`createGuardedFetch`). */
  readonly fetch: FetchLike;
  readonly maxResponseBytes: number;
}

/** Statuses that say the request was not processed, so an identical call may be retried. */
const NOT_PROCESSED = new Set([429, 503]);
const ERROR_BODY_CHARS = 500;

/**
 * A tool served by a remote HTTP endpoint. The arguments go as a JSON body (`POST`, `PUT`, `PATCH`,
 * `DELETE`) or as query parameters (`GET`; nested values JSON-encoded), with the registered headers and
 * `Idempotency-Key`, `X-Voxgate-Tenant-Id`, `X-Voxgate-Request-Id`. A 2xx JSON body is the result (any
 * other 2xx body is returned as text); a non-2xx status, an oversize body or a network failure is a tool
 * error. Header values never appear in an outcome or an error message.
 */
export function createHttpTool(spec: HttpToolSpec, dependencies: HttpToolDependencies): ToolModule {
  return {
    name: spec.name,
    description: spec.description,
    parameters: spec.parameters,
    effect: spec.effect,
    timeoutMs: spec.timeoutMs,
    execute: async (input, ctx) =>
      redactOutcome(await callEndpoint(spec.implementation, input, ctx, dependencies), spec.implementation.headers),
  };
}

async function callEndpoint(
  implementation: HttpImplementation,
  input: JsonObject,
  ctx: ToolContext,
  dependencies: HttpToolDependencies,
): Promise<ToolOutcome> {
  const url = new URL(implementation.url);
  const withBody = implementation.method !== 'GET';
  if (!withBody) {
    for (const [key, value] of Object.entries(input))
      url.searchParams.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const headers: Record<string, string> = {
    ...implementation.headers,
    accept: 'application/json',
    'idempotency-key': ctx.idempotencyKey,
    'x-voxgate-tenant-id': ctx.tenantId,
    'x-voxgate-request-id': ctx.requestId,
  };
  if (withBody) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await dependencies.fetch(url, {
      method: implementation.method,
      headers,
      ...(withBody ? { body: JSON.stringify(input) } : {}),
      signal: ctx.signal,
    });
  } catch (error) {
    const refusal = findSsrfRefusal(error);
    if (refusal)
      throw new ToolNotExecutedError(`The tool endpoint is not allowed: ${refusal.reason}.`, 'url_not_allowed');
    if (isConnectionRefused(error))
      throw new ToolNotExecutedError('The tool endpoint refused the connection.', 'endpoint_unreachable');
    throw error;
  }

  let text: string;
  try {
    text = await readCappedText(response, dependencies.maxResponseBytes);
  } catch (error) {
    if (error instanceof ResponseTooLargeError)
      return failure('response_too_large', `The tool's response is larger than ${error.limitBytes} bytes.`);
    throw error;
  }
  if (response.status < 200 || response.status > 299) {
    const details: JsonValue = { status: response.status, body: text.slice(0, ERROR_BODY_CHARS) };
    const outcome = failure('http_error', `The tool endpoint answered HTTP ${response.status}.`, details);
    return NOT_PROCESSED.has(response.status) ? ({ ...outcome, retryable: true } as ToolOutcome) : outcome;
  }
  if (text === '') return ok(null);
  try {
    return ok(JSON.parse(text) as JsonValue);
  } catch {
    return ok(text);
  }
}

function isConnectionRefused(error: unknown): boolean {
  return errorChain(error).some((entry) => (entry as { code?: unknown }).code === 'ECONNREFUSED');
}
