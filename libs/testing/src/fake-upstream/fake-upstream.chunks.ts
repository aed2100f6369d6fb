import { type Answer, type CompletionContext, usageFor } from './fake-upstream.answer';
import { obfuscation } from './fake-upstream.ids';
import { AUDIO_TTL_SECONDS } from './fake-upstream.responses';
import type { ChatCompletionChunk } from './fake-upstream.wire';

/** Bytes of pcm16 per audio data chunk: 100 ms of 24 kHz mono s16le, always whole samples. */
export const AUDIO_CHUNK_BYTES = 4_800;

/** Characters of tool-call arguments per delta, roughly a few tokens like the real model. */
const ARGUMENT_FRAGMENT_CHARS = 12;

type Choice = Record<string, unknown>;

/**
 * The `chat.completion.chunk` sequence of a streamed answer, without the `[DONE]` sentinel:
 * - audio (openai-contract.md §3.2): role chunk, transcript chunks, audio data chunks, then an
 *   `expires_at`-only delta with no `finish_reason` key at all, as gpt-4o-audio-preview sends it;
 *   a script that sets `finishReason` adds an explicit `{ delta: {}, finish_reason }` chunk after it;
 * - text (§3.3): role chunk with `content: ""`, content deltas, a `finish_reason` chunk;
 * - tool calls (§3.3): per call a head delta (id, type, name, `arguments: ""`) then argument fragments,
 *   then `finish_reason: "tool_calls"`.
 * With `stream_options.include_usage` every chunk carries `usage: null` and a final chunk with
 * `choices: []` carries the usage. Chunks carry `obfuscation` unless the request turned it off.
 */
export function buildChunkSequence(context: CompletionContext, answer: Answer): ChatCompletionChunk[] {
  let choices: Choice[];
  if (answer.toolCalls.length > 0)
    choices = [...leadChoices(context, answer), ...toolCallChoices(answer, answer.say === undefined)];
  else if (answer.pcm !== undefined) choices = audioChoices(context, answer, answer.pcm);
  else choices = textChoices(answer);
  const chunks = choices.map((choice) => envelope(context, [choice], null));
  if (context.request.includeUsage) chunks.push(envelope(context, [], usageFor(context.request, answer)));
  return chunks;
}

function envelope(context: CompletionContext, choices: Choice[], usage: unknown): ChatCompletionChunk {
  const chunk: ChatCompletionChunk = {
    id: context.id,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.request.model,
    service_tier: 'default',
    system_fingerprint: context.systemFingerprint,
    choices,
  };
  if (context.request.includeUsage) chunk['usage'] = usage;
  if (context.request.includeObfuscation) chunk['obfuscation'] = obfuscation();
  return chunk;
}

function audioChoices(context: CompletionContext, answer: Answer, pcm: Buffer): Choice[] {
  const id = context.audioId;
  const choices: Choice[] = [{ index: 0, delta: { role: 'assistant', refusal: null }, finish_reason: null }];
  wordFragments(answer.text).forEach((transcript, position) => {
    const delta = position === 0 ? { content: null, audio: { id, transcript } } : { audio: { transcript } };
    choices.push({ index: 0, delta, finish_reason: null });
  });
  for (let offset = 0; offset < pcm.length; offset += AUDIO_CHUNK_BYTES) {
    const data = pcm.subarray(offset, offset + AUDIO_CHUNK_BYTES).toString('base64');
    const delta =
      offset === 0 ? { role: 'assistant', content: null, refusal: null, audio: { id, data } } : { audio: { data } };
    choices.push({ index: 0, delta, finish_reason: null });
  }
  choices.push({ index: 0, delta: { audio: { expires_at: context.created + AUDIO_TTL_SECONDS } } });
  if (answer.scriptedFinish) choices.push({ index: 0, delta: {}, finish_reason: answer.finishReason });
  return choices;
}

function textChoices(answer: Answer): Choice[] {
  const choices: Choice[] = [
    { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
  ];
  for (const content of wordFragments(answer.text)) {
    if (content !== '') choices.push({ index: 0, delta: { content }, logprobs: null, finish_reason: null });
  }
  choices.push({ index: 0, delta: {}, logprobs: null, finish_reason: answer.finishReason });
  return choices;
}

/** What a `toolCalls` reply says before its calls: text deltas, or audio deltas up to `expires_at`. */
function leadChoices(context: CompletionContext, answer: Answer): Choice[] {
  if (answer.say === undefined) return [];
  if (answer.pcm !== undefined) return audioChoices(context, { ...answer, scriptedFinish: false }, answer.pcm);
  return textChoices(answer).slice(0, -1);
}

function toolCallChoices(answer: Answer, first: boolean): Choice[] {
  const choices: Choice[] = [];
  answer.toolCalls.forEach((call, index) => {
    const head = { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } };
    const delta =
      index === 0 && first ? { role: 'assistant', content: null, tool_calls: [head] } : { tool_calls: [head] };
    choices.push({ index: 0, delta, logprobs: null, finish_reason: null });
    const args = call.function.arguments;
    for (let offset = 0; offset < args.length; offset += ARGUMENT_FRAGMENT_CHARS) {
      const fragment = { index, function: { arguments: args.slice(offset, offset + ARGUMENT_FRAGMENT_CHARS) } };
      choices.push({ index: 0, delta: { tool_calls: [fragment] }, logprobs: null, finish_reason: null });
    }
  });
  choices.push({ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' });
  return choices;
}

/** `"has never been"` → `["has", " never", " been"]`; concatenating the fragments gives the text back. */
export function wordFragments(text: string): string[] {
  const fragments = text.match(/\s*\S+|\s+$/g);
  return fragments === null ? [text] : fragments;
}
