import type {
  ChatCompletionChunk,
  ChatCompletionResponse,
  ChunkChoice,
  ChunkDelta,
  DeltaAudio,
  Usage,
} from '@voxgate/openai-wire';

/**
 * The provider's chat answers, read by hand instead of by `ChatCompletionResponseSchema` and
 * `ChatCompletionChunkSchema`: the same contract, at a fraction of zod's cost per body and per stream
 * event (the hot path reads one of these per request, or one per chunk).
 *
 * Each reader returns exactly what the schema's `safeParse` returns as `data` (up to keys whose value is
 * `undefined`), or null where the schema fails: unknown keys are dropped (no `internal_*` leaks), a
 * `null` where the spec says "absent" reads as absent, defaults are filled in. The schemas stay the
 * written contract and the OpenAPI document's source; `upstream-chat-bodies.spec.ts` holds the readers
 * to them on recorded and mutated bodies. A change to one of those schemas must be made here too.
 */
export function readChatCompletion(json: unknown): ChatCompletionResponse | null {
  try {
    const body = object(json);
    if (body.object !== 'chat.completion') return null;
    const out: ChatCompletionResponse = {
      id: string(body.id),
      object: 'chat.completion',
      created: int(body.created),
      model: string(body.model),
      choices: array(body.choices).map(responseChoice),
    };
    if (body.usage != null) out.usage = usage(body.usage);
    if (body.service_tier !== undefined) out.service_tier = nullableString(body.service_tier);
    if (body.system_fingerprint != null) out.system_fingerprint = string(body.system_fingerprint);
    if (body.metadata != null) out.metadata = stringRecord(body.metadata);
    return out;
  } catch (error) {
    if (error === MISMATCH) return null;
    throw error;
  }
}

/** One `data:` event of a stream; see `readChatCompletion`. */
export function readChatCompletionChunk(json: unknown): ChatCompletionChunk | null {
  try {
    const body = object(json);
    if (body.object !== 'chat.completion.chunk') return null;
    const out: ChatCompletionChunk = {
      id: string(body.id),
      object: 'chat.completion.chunk',
      created: int(body.created),
      model: string(body.model),
      choices: array(body.choices).map(chunkChoice),
    };
    if (body.usage !== undefined) out.usage = body.usage === null ? null : usage(body.usage);
    if (body.obfuscation != null) out.obfuscation = string(body.obfuscation);
    if (body.service_tier !== undefined) out.service_tier = nullableString(body.service_tier);
    if (body.system_fingerprint != null) out.system_fingerprint = string(body.system_fingerprint);
    return out;
  } catch (error) {
    if (error === MISMATCH) return null;
    throw error;
  }
}

type ResponseChoice = ChatCompletionResponse['choices'][number];
type ResponseMessage = ResponseChoice['message'];
type ResponseToolCall = NonNullable<ResponseMessage['tool_calls']>[number];
type ToolCallDelta = NonNullable<ChunkDelta['tool_calls']>[number];
type NameAndArguments = NonNullable<ChunkDelta['function_call']>;
type Json = Record<string, unknown>;

/** Thrown (one instance, no stack captured per failure) by the field readers; caught at the top. */
const MISMATCH = new Error('upstream body does not match');

function mismatch(): never {
  throw MISMATCH;
}

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : mismatch();
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : mismatch();
}

function string(value: unknown): string {
  return typeof value === 'string' ? value : mismatch();
}

function nullableString(value: unknown): string | null {
  return value === null ? null : string(value);
}

/** `z.int()`: a safe integer. */
function int(value: unknown): number {
  return Number.isSafeInteger(value) ? (value as number) : mismatch();
}

function count(value: unknown): number {
  const n = int(value);
  return n >= 0 ? n : mismatch();
}

function stringRecord(value: unknown): Record<string, string> {
  // `Object.fromEntries` defines keys as own properties: a `__proto__` key stays a key.
  return Object.fromEntries(Object.entries(object(value)).map(([key, item]) => [key, string(item)]));
}

function responseChoice(value: unknown): ResponseChoice {
  const choice = object(value);
  return {
    index: int(choice.index),
    message: responseMessage(choice.message),
    finish_reason: string(choice.finish_reason),
    logprobs: choice.logprobs === undefined ? null : choice.logprobs,
  };
}

function responseMessage(value: unknown): ResponseMessage {
  const message = object(value);
  if (message.role !== undefined && message.role !== 'assistant') mismatch();
  const out: ResponseMessage = {
    role: 'assistant',
    content: message.content === undefined ? null : nullableString(message.content),
    refusal: message.refusal === undefined ? null : nullableString(message.refusal),
  };
  if (message.tool_calls != null) out.tool_calls = array(message.tool_calls).map(responseToolCall);
  if (message.annotations != null) {
    // A loose object in the schema: every key is kept.
    out.annotations = array(message.annotations).map((item) => {
      const annotation = object(item);
      return { ...annotation, type: string(annotation.type) };
    });
  }
  if (message.function_call != null) out.function_call = nameAndArguments(message.function_call);
  if (message.audio !== undefined) {
    if (message.audio === null) out.audio = null;
    else {
      const audio = object(message.audio);
      out.audio = {
        id: string(audio.id),
        expires_at: int(audio.expires_at),
        data: string(audio.data),
        transcript: string(audio.transcript),
      };
    }
  }
  return out;
}

function nameAndArguments(value: unknown): { name: string; arguments: string } {
  const call = object(value);
  return { name: string(call.name), arguments: string(call.arguments) };
}

/** The schema's union: a `function` tool call, else a `custom` one. */
function responseToolCall(value: unknown): ResponseToolCall {
  const call = object(value);
  const id = string(call.id);
  if (call.type === 'function' && isObject(call.function)) {
    const fn = call.function;
    if (typeof fn.name === 'string' && typeof fn.arguments === 'string') {
      return { id, type: 'function', function: { name: fn.name, arguments: fn.arguments } };
    }
  }
  if (call.type !== 'custom') mismatch();
  const custom = object(call.custom);
  return { id, type: 'custom', custom: { name: string(custom.name), input: string(custom.input) } };
}

function chunkChoice(value: unknown): ChunkChoice {
  const choice = object(value);
  const out: ChunkChoice = {
    index: count(choice.index),
    delta: choice.delta === undefined ? {} : chunkDelta(choice.delta),
    finish_reason: choice.finish_reason === undefined ? null : nullableString(choice.finish_reason),
  };
  if (choice.logprobs !== undefined) out.logprobs = choice.logprobs;
  return out;
}

const ROLES: ReadonlySet<unknown> = new Set(['developer', 'system', 'user', 'assistant', 'tool']);

function chunkDelta(value: unknown): ChunkDelta {
  const delta = object(value);
  const out: ChunkDelta = {};
  if (delta.role != null)
    out.role = ROLES.has(delta.role) ? (delta.role as NonNullable<ChunkDelta['role']>) : mismatch();
  if (delta.content !== undefined) out.content = nullableString(delta.content);
  if (delta.refusal !== undefined) out.refusal = nullableString(delta.refusal);
  if (delta.tool_calls != null) out.tool_calls = array(delta.tool_calls).map(toolCallDelta);
  if (delta.function_call != null) out.function_call = partialNameAndArguments(delta.function_call);
  if (delta.audio != null) out.audio = deltaAudio(delta.audio);
  return out;
}

function toolCallDelta(value: unknown): ToolCallDelta {
  const call = object(value);
  const out: ToolCallDelta = { index: count(call.index) };
  if (call.id != null) out.id = string(call.id);
  if (call.type != null) out.type = call.type === 'function' ? 'function' : mismatch();
  if (call.function != null) out.function = partialNameAndArguments(call.function);
  return out;
}

function partialNameAndArguments(value: unknown): NameAndArguments {
  const call = object(value);
  const out: NameAndArguments = {};
  if (call.name != null) out.name = string(call.name);
  if (call.arguments != null) out.arguments = string(call.arguments);
  return out;
}

function deltaAudio(value: unknown): DeltaAudio {
  const audio = object(value);
  const out: DeltaAudio = {};
  if (audio.id != null) out.id = string(audio.id);
  if (audio.data != null) out.data = string(audio.data);
  if (audio.expires_at != null) out.expires_at = int(audio.expires_at);
  if (audio.transcript != null) out.transcript = string(audio.transcript);
  return out;
}

const PROMPT_DETAILS = ['audio_tokens', 'cached_tokens', 'text_tokens', 'image_tokens', 'cache_write_tokens'] as const;
const COMPLETION_DETAILS = [
  'accepted_prediction_tokens',
  'audio_tokens',
  'reasoning_tokens',
  'text_tokens',
  'rejected_prediction_tokens',
] as const;

function usage(value: unknown): Usage {
  const usage = object(value);
  const out: Usage = {
    prompt_tokens: count(usage.prompt_tokens),
    completion_tokens: count(usage.completion_tokens),
    total_tokens: count(usage.total_tokens),
  };
  if (usage.prompt_tokens_details != null)
    out.prompt_tokens_details = counts(usage.prompt_tokens_details, PROMPT_DETAILS);
  if (usage.completion_tokens_details != null) {
    out.completion_tokens_details = counts(usage.completion_tokens_details, COMPLETION_DETAILS);
  }
  return out;
}

/** The named token counts of a details object, each absent when missing or null. */
function counts<K extends string>(value: unknown, names: readonly K[]): Partial<Record<K, number>> {
  const details = object(value);
  const out: Partial<Record<K, number>> = {};
  for (const name of names) {
    const item = details[name];
    if (item != null) out[name] = count(item);
  }
  return out;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
