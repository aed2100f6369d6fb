import type { ChatCompletionChunk, ChatCompletionRequest } from '@voxgate/openai-wire';

/**
 * A text-only chat model that the local cascade (`type: local` chat completions: speech to text, then this,
 * then text to speech) puts in the middle. Implementations: an OpenAI-compatible chat endpoint (Ollama,
 * llama.cpp's server, vLLM, another provider of this gateway) and an in-process GGUF model.
 *
 * Contract:
 * - `request` is text only: the cascade has already replaced audio parts with their transcripts and
 *   removed `audio` and `modalities`; `stream` is true. Tools and `tool_choice` are passed as the client
 *   sent them, so the model's tool calls reach the gateway's server tool loop unchanged.
 * - Yields `chat.completion.chunk` objects in OpenAI's shape, in order, ending with a chunk that carries
 *   `usage` (real token counts; an implementation that cannot count reports its best estimate and says so
 *   in its docs).
 * - Fails by throwing a `GatewayError` (from `@voxgate/openai-wire`) with the status a client should see.
 * - After `signal` aborts it ends (or throws an `AbortError`) promptly and frees what it holds.
 */
export interface LocalTextModel {
  stream(request: ChatCompletionRequest, signal: AbortSignal): AsyncIterable<ChatCompletionChunk>;
  /** Releases model weights, sockets or workers; called once at shutdown. */
  close?(): Promise<void>;
}
