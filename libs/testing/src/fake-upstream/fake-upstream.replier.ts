import {
  type Answer,
  type CompletionContext,
  checkAudioParameters,
  newCompletionContext,
  planAnswer,
} from './fake-upstream.answer';
import { buildChunkSequence } from './fake-upstream.chunks';
import { type Exchange, sleep } from './fake-upstream.exchange';
import type { ChatRequestView } from './fake-upstream.request';
import { buildCompletion } from './fake-upstream.responses';
import type { CompletionReply, ScriptedReply, ToolCallsReply } from './fake-upstream.script';
import type { OpenAiErrorBody } from './fake-upstream.wire';

/**
 * Answers one chat completion request that passed the auth and spec checks: with `reply`, or with the
 * default behaviour (a gpt-4o-audio-preview-like answer) when no reply was scripted.
 */
export async function answerChat(
  exchange: Exchange,
  request: ChatRequestView,
  reply: ScriptedReply | undefined,
  chunkDelayMs: number,
): Promise<void> {
  const label = reply?.kind ?? 'default';
  exchange.record.answeredBy = exchange.record.answeredBy === 'delay' ? `delay/${label}` : label;
  if (reply?.kind === 'json') return exchange.sendJson(reply.status ?? 200, reply.body, reply.headers);
  if (reply?.kind === 'stream') {
    const ending = reply.done === false ? { kind: 'none' as const } : { kind: 'done' as const };
    return exchange.sendEventStream(reply.chunks, ending, reply.delayMs ?? chunkDelayMs);
  }
  if (reply?.kind === 'delay') {
    await sleep(reply.ms, exchange.signal);
    return exchange.signal.aborted ? undefined : answerChat(exchange, request, reply.then, chunkDelayMs);
  }
  if (reply?.kind === 'reset' && (reply.afterChunks ?? 0) === 0) return exchange.reset();
  const echoed = reply?.kind === 'echo' ? echoError(exchange) : undefined;
  if (reply?.kind === 'echo' && !(request.stream && reply.afterChunks !== undefined)) {
    return exchange.sendJson(reply.status, { error: echoed });
  }

  const scripted = reply?.kind === 'completion' || reply?.kind === 'toolCalls' ? reply : undefined;
  const generated = generate(exchange, request, scripted);
  if (generated === undefined) return undefined;
  const chunks = (): ReturnType<typeof buildChunkSequence> => buildChunkSequence(generated.context, generated.answer);
  if (reply?.kind === 'reset') {
    return exchange.sendEventStream(chunks().slice(0, reply.afterChunks), { kind: 'reset' }, chunkDelayMs);
  }
  if (reply?.kind === 'stall') {
    return exchange.sendEventStream(chunks().slice(0, reply.afterChunks), { kind: 'stall' }, chunkDelayMs);
  }
  if (reply?.kind === 'streamError' || (reply?.kind === 'echo' && echoed)) {
    const ending = { kind: 'error' as const, error: reply.kind === 'echo' ? echoed! : reply.error };
    return exchange.sendEventStream(chunks().slice(0, reply.afterChunks), ending, chunkDelayMs);
  }
  if (request.stream) return exchange.sendEventStream(chunks(), { kind: 'done' }, chunkDelayMs);
  return exchange.sendJson(200, buildCompletion(generated.context, generated.answer));
}

/** An error envelope's body quoting every header the request carried, credentials first. */
export function echoError(exchange: Exchange): OpenAiErrorBody {
  const headers = exchange.record.headers;
  const credential = String(headers.authorization ?? headers['api-key'] ?? '');
  return {
    message: `Request rejected. You sent: ${JSON.stringify(headers)}`,
    type: 'invalid_request_error',
    param: credential,
    code: `bad_key:${credential}`,
  };
}

/** Plans a generated answer, unless the audio parameters get the 400 a real audio model would give. */
function generate(
  exchange: Exchange,
  request: ChatRequestView,
  reply: CompletionReply | ToolCallsReply | undefined,
): { context: CompletionContext; answer: Answer } | undefined {
  const refusal = checkAudioParameters(request);
  if (refusal === undefined) return { context: newCompletionContext(request), answer: planAnswer(request, reply) };
  exchange.record.answeredBy = refusal.reason;
  exchange.sendJson(refusal.status, refusal.body);
  return undefined;
}
