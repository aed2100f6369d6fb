import type { ChatCompletionChunk } from './chat-completions.chunk';

/** The keys a stream's chunks start with, in the order providers and the gateway write them. */
const HEAD_KEYS = ['id', 'object', 'created', 'model', 'choices'] as const;
/** The optional keys after them, in any order. */
const TAIL_KEYS: ReadonlySet<string> = new Set(['usage', 'obfuscation', 'service_tier', 'system_fingerprint']);
const OBJECT = 'chat.completion.chunk';

/**
 * The JSON text of one stream's chunks, character for character what `JSON.stringify(chunk)` gives, written
 * faster for the chunks that make up nearly every stream: a text, role or finish delta, and the usage chunk.
 * A stream writes one chunk per token, so this runs more often than anything else in the gateway. One
 * encoder per stream: it keeps the text of the chunk's head (`id`, `object`, `created`, `model`), which is
 * the same for every chunk of a stream.
 *
 * The fast path takes a chunk whose keys are `id, object, created, model, choices`, in that order (the
 * order the upstream reader builds them in), then any of `usage, obfuscation, service_tier,
 * system_fingerprint`, whose choices have `index, delta,
 * finish_reason` and optionally `logprobs`, in that order, and whose deltas hold only `role`, `content`
 * and `refusal` (strings or null, in any order). Anything else (a tool call, audio, an unknown or
 * reordered key, a value of another type) is handed to `JSON.stringify` whole, so the text is always the
 * same as its. Meant for plain data objects (parsed JSON, literals, spreads), as chunks are: an inherited
 * `toJSON` is not looked for.
 */
export class ChunkJson {
  private id: string | null = null;
  private created = 0;
  private model = '';
  /** `{"id":…,"object":…,"created":…,"model":…,"choices":` for the last head seen. */
  private head = '';

  encode(chunk: ChatCompletionChunk): string {
    return this.fast(chunk) ?? JSON.stringify(chunk);
  }

  private fast(chunk: ChatCompletionChunk): string | null {
    let position = 0;
    let tail = '';
    for (const key in chunk) {
      if (position < HEAD_KEYS.length) {
        if (key !== HEAD_KEYS[position]) return null;
        position++;
        continue;
      }
      // The optional keys after `choices`, written in the order they come (an object holds each once).
      if (!TAIL_KEYS.has(key)) return null;
      const value = (chunk as Record<string, unknown>)[key];
      if (value === undefined) continue;
      let text: string | undefined;
      if (value === null) text = 'null';
      else if (typeof value === 'string' && key !== 'usage') text = JSON.stringify(value);
      else if (key === 'usage' && typeof value === 'object') text = JSON.stringify(value);
      if (text === undefined) return null;
      tail += `,"${key}":${text}`;
    }
    if (position < HEAD_KEYS.length) return null;
    const { id, created, model } = chunk;
    if (id !== this.id || created !== this.created || model !== this.model) {
      if (typeof id !== 'string' || typeof model !== 'string' || chunk.object !== OBJECT) return null;
      if (!Number.isSafeInteger(created)) return null;
      this.head = `{"id":${JSON.stringify(id)},"object":"${OBJECT}","created":${created},"model":${JSON.stringify(model)},"choices":`;
      this.id = id;
      this.created = created;
      this.model = model;
    } else if (chunk.object !== OBJECT) {
      return null;
    }
    const choices = choicesJson(chunk.choices);
    return choices === null ? null : `${this.head}${choices}${tail}}`;
  }
}

function choicesJson(choices: unknown): string | null {
  if (!Array.isArray(choices)) return null;
  let out = '[';
  for (let index = 0; index < choices.length; index++) {
    const choice = choiceJson(choices[index]);
    if (choice === null) return null;
    out += index === 0 ? choice : `,${choice}`;
  }
  return `${out}]`;
}

function choiceJson(choice: unknown): string | null {
  if (typeof choice !== 'object' || choice === null) return null;
  const { index, delta, finish_reason: finish, logprobs } = choice as Record<string, unknown>;
  let position = 0;
  for (const key in choice) {
    if (key !== (position === 0 ? 'index' : position === 1 ? 'delta' : position === 2 ? 'finish_reason' : 'logprobs')) {
      return null;
    }
    position++;
  }
  if (position < 3 || !Number.isSafeInteger(index)) return null;
  const deltaText = deltaJson(delta);
  if (deltaText === null) return null;
  let finishText: string;
  if (finish === null) finishText = 'null';
  else if (typeof finish === 'string') finishText = JSON.stringify(finish);
  else return null;
  const head = `{"index":${index as number},"delta":${deltaText},"finish_reason":${finishText}`;
  if (position === 3 || logprobs === undefined) return `${head}}`;
  const logprobsText = JSON.stringify(logprobs) as string | undefined;
  return logprobsText === undefined ? null : `${head},"logprobs":${logprobsText}}`;
}

function deltaJson(delta: unknown): string | null {
  if (typeof delta !== 'object' || delta === null || Array.isArray(delta)) return null;
  let out = '';
  for (const key in delta) {
    if (key !== 'content' && key !== 'role' && key !== 'refusal') return null;
    const value = (delta as Record<string, unknown>)[key];
    if (value === undefined) continue;
    let text: string;
    if (value === null) text = 'null';
    else if (typeof value === 'string') text = JSON.stringify(value);
    else return null;
    out += out === '' ? `{"${key}":${text}` : `,"${key}":${text}`;
  }
  return out === '' ? '{}' : `${out}}`;
}
