/** HTTP-side pieces of a chat completion: response headers, request headers read, the stored message form. */
import type { AssembledMessage, CompletionRoute, ServerToolRun } from '@voxgate/conversation';
import type { ChatCompletionResponse } from '@voxgate/openai-wire';
import type { FastifyRequest } from 'fastify';

/** The stored form of a non-streamed answer's message (transcript kept beside the audio reference). */
export function assembledFrom(message: ChatCompletionResponse['choices'][number]['message']): AssembledMessage {
  return {
    role: 'assistant',
    content: message.content,
    refusal: message.refusal,
    ...(message.audio ? { audio: { id: message.audio.id }, transcript: message.audio.transcript } : {}),
    ...(message.tool_calls?.length
      ? { tool_calls: message.tool_calls.flatMap((call) => (call.type === 'function' ? [call] : [])) }
      : {}),
    ...(message.function_call ? { function_call: message.function_call } : {}),
  };
}

/**
 * `x-voxgate-tool-runs`: which server tools ran, as JSON `[{"name","status","replayed"}]` (status `ok`,
 * `error`, `pending`, `confirmation_required`, …), so a client app can show or audit them; and
 * `x-voxgate-confirmation-required`: the token(s) of calls that wait for the user's confirmation
 * (comma-separated), to send back in `X-Voxgate-Confirmation` once the user agreed.
 */
export function toolHeaders(runs: readonly ServerToolRun[]): Record<string, string> {
  if (runs.length === 0) return {};
  const tokens = runs.flatMap((run) => (run.confirmation ? [run.confirmation.token] : []));
  return {
    'x-voxgate-tool-runs': JSON.stringify(
      runs.map((run) => ({ name: run.name, status: run.status, replayed: run.replayed })),
    ),
    ...(tokens.length > 0 ? { 'x-voxgate-confirmation-required': tokens.join(',') } : {}),
  };
}

export function headerOf(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** A client's `Idempotency-Key`, if well-formed: its retries replay recorded side effects. */
export function idempotencyKeyOf(request: FastifyRequest): string | null {
  const key = headerOf(request, 'idempotency-key');
  return key && /^[A-Za-z0-9._:-]{1,128}$/.test(key) ? `idem:${key}` : null;
}

export function routeHeaders(route: CompletionRoute): Record<string, string> {
  const headers: Record<string, string> = { 'x-voxgate-model': route.model, 'x-voxgate-provider': route.provider };
  if (route.upstreamRequestId) headers['x-voxgate-upstream-request-id'] = route.upstreamRequestId;
  return headers;
}
