import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeGguf, type GgufTensor, type GgufValue } from './gguf.writer';

/**
 * A tiny llama-architecture GGUF with random weights, for plumbing tests of the node-llama-cpp path: it
 * loads, tokenizes, applies its ChatML chat template, generates (gibberish) and follows grammars. Same
 * bytes for the same options (seeded PRNG), about 0.7 MB and a few milliseconds to build with the
 * defaults, so tests generate it instead of committing a binary.
 *
 * The metadata is what llama.cpp's loader reads for `general.architecture = llama` (`llama-model.cpp`,
 * `llama-vocab.cpp`): the `llama.*` hyperparameters and an SPM (`tokenizer.ggml.model = llama`) vocabulary
 * of special tokens, 256 `<0xNN>` byte-fallback tokens (so any UTF-8 text tokenizes), single ASCII
 * characters and a few `▁`-prefixed words with all their prefixes (SPM merges pairs bottom-up).
 */
export interface TinyLlamaOptions {
  seed?: number;
  embedding?: number;
  layers?: number;
  heads?: number;
  feedForward?: number;
  contextLength?: number;
  /** Standard deviation of the Gaussian weights (norm weights are 1). */
  weightScale?: number;
}

/** ChatML, as Qwen and SmolLM ship it; node-llama-cpp recognises it and picks its ChatML wrapper. */
export const TINY_LLAMA_CHAT_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const WORDS = [
  'the',
  'weather',
  'today',
  'tomorrow',
  'hello',
  'world',
  'sunny',
  'rain',
  'city',
  'name',
  'true',
  'false',
  'null',
  'yes',
  'no',
  'answer',
  'call',
  'function',
  'tool',
  'you',
  'are',
  'a',
  'helpful',
  'assistant',
  'what',
  'is',
  'in',
  'paris',
  'berlin',
  'london',
  'celsius',
  'unit',
  'please',
  'thanks',
  'time',
  'it',
];

/** Token types of llama.cpp (`llama_token_type`): normal, unknown, control, byte. */
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

function tinyVocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens: string[] = [];
  const types: number[] = [];
  const seen = new Set<string>();
  const add = (token: string, type: number): void => {
    if (seen.has(token)) return;
    seen.add(token);
    tokens.push(token);
    types.push(type);
  };
  add('<unk>', UNKNOWN);
  add('<s>', CONTROL);
  add('</s>', CONTROL);
  add('<|im_start|>', CONTROL);
  add('<|im_end|>', CONTROL);
  for (let byte = 0; byte < 256; byte++) add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, BYTE);
  add('▁', NORMAL);
  for (let code = 0x21; code < 0x7f; code++) add(String.fromCharCode(code), NORMAL);
  for (const word of WORDS) {
    const spelled = `▁${word}`;
    for (let end = 2; end <= spelled.length; end++) add(spelled.slice(0, end), NORMAL);
    for (let end = 2; end <= word.length; end++) add(word.slice(0, end), NORMAL);
  }
  // SPM merges the adjacent pair whose union scores highest: prefer longer pieces.
  const scores = tokens.map((token, id) => (types[id] === NORMAL ? token.length - id / 10_000 : 0));
  return { tokens, scores, types };
}

/** mulberry32, then Box–Muller: deterministic Gaussian noise. */
function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Builds the model's bytes. */
export function tinyLlamaGguf(options: TinyLlamaOptions = {}): Buffer {
  const embd = options.embedding ?? 64;
  const layers = options.layers ?? 2;
  const heads = options.heads ?? 4;
  const ff = options.feedForward ?? 128;
  const scale = options.weightScale ?? 0.5;
  const random = gaussian(options.seed ?? 14);
  const vocab = tinyVocabulary();
  const nVocab = vocab.tokens.length;
  const eos = vocab.tokens.indexOf('<|im_end|>');

  const metadata = new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'voxgate-tiny-random' }],
    ['llama.context_length', { type: 'u32', value: options.contextLength ?? 2048 }],
    ['llama.embedding_length', { type: 'u32', value: embd }],
    ['llama.block_count', { type: 'u32', value: layers }],
    ['llama.feed_forward_length', { type: 'u32', value: ff }],
    ['llama.attention.head_count', { type: 'u32', value: heads }],
    ['llama.attention.head_count_kv', { type: 'u32', value: heads }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.rope.dimension_count', { type: 'u32', value: embd / heads }],
    ['llama.rope.freq_base', { type: 'f32', value: 10_000 }],
    ['llama.vocab_size', { type: 'u32', value: nVocab }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: eos }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'string', value: TINY_LLAMA_CHAT_TEMPLATE }],
  ]);

  const matrix = (name: string, cols: number, rows: number): GgufTensor => {
    const data = new Float32Array(cols * rows);
    for (let i = 0; i < data.length; i++) data[i] = random() * scale;
    return { name, dims: [cols, rows], data };
  };
  const norm = (name: string): GgufTensor => ({ name, dims: [embd], data: new Float32Array(embd).fill(1) });

  const tensors: GgufTensor[] = [matrix('token_embd.weight', embd, nVocab)];
  for (let layer = 0; layer < layers; layer++) {
    const blk = `blk.${layer}`;
    tensors.push(
      norm(`${blk}.attn_norm.weight`),
      matrix(`${blk}.attn_q.weight`, embd, embd),
      matrix(`${blk}.attn_k.weight`, embd, embd),
      matrix(`${blk}.attn_v.weight`, embd, embd),
      matrix(`${blk}.attn_output.weight`, embd, embd),
      norm(`${blk}.ffn_norm.weight`),
      matrix(`${blk}.ffn_gate.weight`, embd, ff),
      matrix(`${blk}.ffn_up.weight`, embd, ff),
      matrix(`${blk}.ffn_down.weight`, ff, embd),
    );
  }
  tensors.push(norm('output_norm.weight'), matrix('output.weight', embd, nVocab));
  return encodeGguf(metadata, tensors);
}

/** Writes the model to `path` (creating its folder) and returns the path. */
export function writeTinyLlamaGguf(path: string, options: TinyLlamaOptions = {}): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, tinyLlamaGguf(options));
  return path;
}
