import type { ChatCompletionChunk } from '@voxgate/openai-wire';
import type { FunctionTool, ToolChoice } from './client-events';
import type { RateLimit } from './turn-report';

/** A chat-completions message as the bridge sends it (the subset of the wire format it produces). */
export type TurnMessage =
  | { role: 'system'; content: string }
  | {
      role: 'user';
      content:
        | string
        | Array<{ type: 'text'; text: string } | { type: 'input_audio'; input_audio: { data: string; format: 'wav' } }>;
    }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
    }
  | { role: 'tool'; content: string; tool_call_id: string };

/** Chat-completions audio formats the bridge asks for, matching the session's output format. */
export type TurnAudioFormat = 'pcm16' | 'g711_ulaw' | 'g711_alaw';

/** One model turn of a realtime session, as a streamed chat completion. */
export interface TurnRequest {
  /** The API key the session authenticated with (by id: the gateway never keeps the secret). */
  readonly keyId: string;
  /** Model id or alias from the catalogue, as admitted at the handshake. */
  readonly model: string;
  /** The conversation so far, instructions first; the committed user turn is the last message. */
  readonly messages: readonly TurnMessage[];
  /** `['text','audio']` for a spoken answer with its transcript, `['text']` for text only. */
  readonly modalities: readonly ['text', 'audio'] | readonly ['text'];
  readonly voice: string;
  readonly audioFormat: TurnAudioFormat;
  /** The gateway's `speed` extension (0.25–4, pitch kept); 1 is left out of the request. */
  readonly speed: number;
  /** `max_completion_tokens`; null leaves it to the model. */
  readonly maxTokens: number | null;
  readonly tools: readonly FunctionTool[];
  readonly toolChoice: ToolChoice;
  /** Aborted on `response.cancel`, barge-in or a closed socket: the upstream call must end. */
  readonly signal: AbortSignal;
  /**
   * The session-store id the conversation is kept under (the client's `session_id` at connect); null:
   * the conversation lives in this socket only and nothing is stored.
   */
  readonly sessionId: string | null;
  /**
   * The messages of the items this turn adds to the stored conversation (those not stored yet, in order,
   * user audio in full): with `sessionId`, the runner stores them and the answer as one session turn.
   */
  readonly newMessages: readonly TurnMessage[];
  /**
   * Called when the runner stored the turn (completed, or cancelled after part of it was delivered), with
   * the stored turn's id (its request id): a later truncation of its answer is recorded against it.
   */
  readonly onStored: (storedTurnId: string) => void;
  /**
   * Told the caller's rate limits once the turn was admitted (the quota reservation's numbers: what is
   * left with this turn's estimate reserved); the session reports them after `response.done` as
   * `rate_limits.updated`. Optional: a runner with no limits never calls it.
   */
  readonly onRateLimits?: (limits: readonly RateLimit[]) => void;
}

/**
 * THE SEAM between the realtime protocol and the completion pipeline. The realtime session only knows
 * this: run one streamed chat completion for a turn and yield its chunks (`chat.completion.chunk`, the
 * usage chunk included when there is one), or throw a `GatewayError` (its status/type/code/message
 * become the `error` event and the failed `response.done`).
 *
 * The gateway implements it over its completion pipeline (`apps/gateway/src/realtime/pipeline-turn-runner.ts`,
 * the same use case `POST /v1/chat/completions` calls; ADR 0013), so admission, quotas, metering, server
 * tools, the session store and tracing apply to every turn exactly as to an HTTP request.
 *
 * Contract: chunks arrive in order; the iterator ends after the last chunk; after `signal` aborts it
 * ends (or throws an `AbortError`) promptly and the upstream call is gone. A chunk may carry the gateway's
 * `voxgate: { tool_runs }` extension (server tools the pipeline ran): the session lists them in
 * `response.done`'s metadata (`turn-report.ts`).
 */
export interface TurnRunner {
  run(request: TurnRequest): AsyncIterable<ChatCompletionChunk>;
}
