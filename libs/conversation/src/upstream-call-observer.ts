import type { ChatCompletionChunk, Usage } from '@voxgate/openai-wire';

/** Which upstream call starts. Never carries message content or credentials. */
export interface UpstreamCallInfo {
  /** Provider id from the config (`openai`, `azure`, …). */
  readonly provider: string;
  /** The model name sent upstream. */
  readonly model: string;
  readonly stream: boolean;
}

/** How an upstream call ended. */
export interface UpstreamCallOutcome {
  /** `cancelled`: the stream's consumer stopped early (client gone, tool loop ended it). */
  readonly outcome: 'ok' | 'error' | 'cancelled';
  /** The thrown error when `outcome` is `error` (an observer must not record its message). */
  readonly error?: unknown;
  readonly upstreamRequestId?: string | null;
  /** The provider's usage for this call (for a stream: its usage chunk), when it sent one. */
  readonly usage?: Usage | null;
}

/**
 * Optional hooks around every provider call of the pipeline (tracing; see libs/telemetry's
 * `UpstreamCallTracer`). `upstreamCall` runs as the call starts; the function it returns is called once
 * when the call ended: for a JSON completion when the answer arrived, for a stream when its chunks were
 * consumed to the end, failed or were abandoned. Neither may throw. Without an observer the streams are
 * not wrapped at all.
 */
export interface UpstreamCallObserver {
  upstreamCall(call: UpstreamCallInfo): (outcome: UpstreamCallOutcome) => void;
}

/** `chunks`, reporting to `finish` when they ran out, failed or the consumer stopped. */
export async function* observedChunks(
  chunks: AsyncIterable<ChatCompletionChunk>,
  upstreamRequestId: string | null,
  finish: (outcome: UpstreamCallOutcome) => void,
): AsyncIterable<ChatCompletionChunk> {
  let usage: Usage | null = null;
  let outcome: UpstreamCallOutcome['outcome'] = 'cancelled';
  let error: unknown;
  try {
    for await (const chunk of chunks) {
      if (chunk.usage) usage = chunk.usage;
      yield chunk;
    }
    outcome = 'ok';
  } catch (thrown) {
    outcome = 'error';
    error = thrown;
    throw thrown;
  } finally {
    finish({ outcome, upstreamRequestId, usage, ...(outcome === 'error' ? { error } : {}) });
  }
}
