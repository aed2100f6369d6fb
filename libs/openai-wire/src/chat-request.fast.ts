import { OutputAudioFormatSchema } from './audio';
import { type ChatCompletionRequest, ChatCompletionRequestSchema } from './chat-completions.request';
import { parseInbound } from './zod-error';

/**
 * Parses a `POST /v1/chat/completions` body (the route, realtime turns, batch lines): what
 * `parseInbound(ChatCompletionRequestSchema, body)` returns or throws, faster for the bodies nearly every
 * client sends (`fastChatRequest`).
 */
export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const fast = fastChatRequest(body as Readonly<Record<string, unknown>>);
    if (fast !== null) return fast;
  }
  return parseInbound(ChatCompletionRequestSchema, body);
}

/** A value the fast path does not take (the schema then decides). */
const NO: unique symbol = Symbol('no');
type Checked<T> = T | typeof NO;

/**
 * `ChatCompletionRequestSchema`'s answer for the common bodies, without zod (about 7 µs of CPU per
 * request with it, run on every request). It takes a body whose keys are among `model`, `messages`,
 * `modalities`, `speed`, `audio`, `temperature`, `top_p`, `max_tokens`, `max_completion_tokens`,
 * `stream`, `stream_options` and `user`, none `undefined`, whose messages are `{ role, content, name? }`
 * with a `developer`, `system`, `user` or `assistant` role and string content, and whose `audio` has a
 * voice name; every value checked as the schema checks it. For such a body it returns what the schema
 * returns: the same keys in the schema's order, new objects and arrays (never the body's own).
 *
 * Anything else, valid or not (another key, a content array, a tool message, a value out of range), is
 * `null`: the caller runs the schema, which accepts it or explains what is wrong. So the fast path can
 * never accept a body the schema refuses, nor word an error differently (`chat-request.fast.spec.ts`
 * compares the two on generated bodies).
 */
export function fastChatRequest(body: Readonly<Record<string, unknown>>): ChatCompletionRequest | null {
  for (const key in body) {
    if (!FAST_KEYS.has(key) || body[key] === undefined) return null;
  }
  const request: Record<string, unknown> = {};
  for (const key of FAST_ORDER) {
    const value = body[key];
    if (value === undefined) continue;
    const checked = CHECKS[key]!(value);
    if (checked === NO) return null;
    request[key] = checked;
  }
  // `model` and `messages` are required: their checks refuse `undefined`, but an absent key is skipped.
  if (request.model === undefined || request.messages === undefined) return null;
  return request as ChatCompletionRequest;
}

const string = (value: unknown): Checked<string> => (typeof value === 'string' ? value : NO);

const nullableBoolean = (value: unknown): Checked<boolean | null> =>
  value === null || typeof value === 'boolean' ? value : NO;

/** `z.number().min(min).max(max)`, optionally `.nullish()`. */
const range =
  (min: number, max: number, nullable: boolean) =>
  (value: unknown): Checked<number | null> => {
    if (value === null) return nullable ? null : NO;
    return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : NO;
  };

/** `z.int().min(min).nullish()`. */
const nullableIntFrom =
  (min: number) =>
  (value: unknown): Checked<number | null> =>
    value === null || (Number.isSafeInteger(value) && (value as number) >= min) ? (value as number | null) : NO;

const MESSAGE_ROLES: ReadonlySet<unknown> = new Set(['developer', 'system', 'user', 'assistant']);

/** Messages `{ role, content, name? }` with string content, as the schema returns them (that key order). */
function messagesOf(value: unknown): Checked<unknown[]> {
  if (!Array.isArray(value) || value.length === 0) return NO;
  const messages = new Array<unknown>(value.length);
  for (let index = 0; index < value.length; index++) {
    const message: unknown = value[index];
    if (message === null || typeof message !== 'object' || Array.isArray(message)) return NO;
    const fields = message as Readonly<Record<string, unknown>>;
    for (const key in fields) {
      if ((key !== 'role' && key !== 'content' && key !== 'name') || fields[key] === undefined) return NO;
    }
    const { role, content, name } = fields;
    if (!MESSAGE_ROLES.has(role) || typeof content !== 'string') return NO;
    if (name === undefined) messages[index] = { role, content };
    else if (typeof name === 'string') messages[index] = { role, content, name };
    else return NO;
  }
  return messages;
}

function modalitiesOf(value: unknown): Checked<string[] | null> {
  if (value === null) return null;
  if (!Array.isArray(value)) return NO;
  for (const modality of value) if (modality !== 'text' && modality !== 'audio') return NO;
  return [...(value as string[])];
}

const OUTPUT_FORMATS: ReadonlySet<unknown> = new Set(OutputAudioFormatSchema.options);
const speedOf = range(0.25, 4, false);

/** `{ voice, format, speed? }` with a voice name (a custom voice object goes to the schema). */
function audioOf(value: unknown): Checked<Record<string, unknown> | null> {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return NO;
  const fields = value as Readonly<Record<string, unknown>>;
  for (const key in fields) {
    if ((key !== 'voice' && key !== 'format' && key !== 'speed') || fields[key] === undefined) return NO;
  }
  const { voice, format, speed } = fields;
  if (typeof voice !== 'string' || voice.length === 0 || !OUTPUT_FORMATS.has(format)) return NO;
  if (speed === undefined) return { voice, format };
  return speedOf(speed) === NO ? NO : { voice, format, speed };
}

function streamOptionsOf(value: unknown): Checked<Record<string, boolean> | null> {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return NO;
  const fields = value as Readonly<Record<string, unknown>>;
  for (const key in fields) {
    if (key !== 'include_usage' && key !== 'include_obfuscation') return NO;
    if (typeof fields[key] !== 'boolean') return NO;
  }
  const options: Record<string, boolean> = {};
  if (fields.include_usage !== undefined) options.include_usage = fields.include_usage as boolean;
  if (fields.include_obfuscation !== undefined) options.include_obfuscation = fields.include_obfuscation as boolean;
  return options;
}

/** The keys the fast path takes, each checked as the schema checks it. */
const CHECKS: Readonly<Record<string, (value: unknown) => unknown>> = {
  model: (value) => (typeof value === 'string' && value.length >= 1 ? value : NO),
  messages: messagesOf,
  modalities: modalitiesOf,
  speed: speedOf,
  audio: audioOf,
  temperature: range(0, 2, true),
  top_p: range(0, 1, true),
  max_tokens: nullableIntFrom(1),
  max_completion_tokens: nullableIntFrom(1),
  stream: nullableBoolean,
  stream_options: streamOptionsOf,
  user: string,
};
const FAST_KEYS: ReadonlySet<string> = new Set(Object.keys(CHECKS));
/** The schema's key order (the order of its output), restricted to the fast keys. */
const FAST_ORDER: readonly string[] = Object.keys(ChatCompletionRequestSchema.shape).filter((key) =>
  FAST_KEYS.has(key),
);
