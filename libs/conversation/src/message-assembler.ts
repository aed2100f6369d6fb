import type { ChunkDelta } from '@voxgate/openai-wire';

/** The assistant message a stream amounted to (choice 0), as a session stores it. */
export interface AssembledMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  /** The audio id the client saw (Voxgate's when ids are rewritten). */
  audio?: { id: string };
  /** Internal: the transcript beside the audio reference. */
  transcript?: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  function_call?: { name: string; arguments: string };
}

/**
 * Folds streamed deltas into the final message the way the SDKs' accumulators do: text and transcript
 * fragments concatenate, tool calls merge by index, ids are set. Optionally keeps the audio bytes; and
 * the text (`content`, `refusal`) only when asked, since it grows with the stream: without it a stream's
 * memory does not depend on its length.
 */
export class MessageAssembler {
  private content: string | null = null;
  private refusal: string | null = null;
  private transcript: string | null = null;
  private audioId: string | null = null;
  private readonly audioChunks: Buffer[] = [];
  private readonly tools = new Map<number, { id: string; name: string; arguments: string }>();
  private functionCall: { name: string; arguments: string } | null = null;

  constructor(
    private readonly keepAudio: boolean,
    /** False: `content` and `refusal` stay null (nobody stores them). */
    private readonly keepText = true,
  ) {}

  add(delta: ChunkDelta): void {
    if (this.keepText && typeof delta.content === 'string') this.content = (this.content ?? '') + delta.content;
    if (this.keepText && typeof delta.refusal === 'string') this.refusal = (this.refusal ?? '') + delta.refusal;
    if (delta.audio) {
      if (delta.audio.id) this.audioId = delta.audio.id;
      if (delta.audio.transcript) this.transcript = (this.transcript ?? '') + delta.audio.transcript;
      if (delta.audio.data && this.keepAudio) this.audioChunks.push(Buffer.from(delta.audio.data, 'base64'));
    }
    for (const call of delta.tool_calls ?? []) {
      const current = this.tools.get(call.index) ?? { id: '', name: '', arguments: '' };
      this.tools.set(call.index, {
        id: call.id ?? current.id,
        name: current.name + (call.function?.name ?? ''),
        arguments: current.arguments + (call.function?.arguments ?? ''),
      });
    }
    if (delta.function_call) {
      this.functionCall = {
        name: (this.functionCall?.name ?? '') + (delta.function_call.name ?? ''),
        arguments: (this.functionCall?.arguments ?? '') + (delta.function_call.arguments ?? ''),
      };
    }
  }

  message(): AssembledMessage {
    const tools = [...this.tools.entries()].sort(([a], [b]) => a - b);
    return {
      role: 'assistant',
      content: this.content,
      refusal: this.refusal,
      ...(this.audioId ? { audio: { id: this.audioId }, transcript: this.transcript ?? '' } : {}),
      ...(tools.length
        ? {
            tool_calls: tools.map(([, call]) => ({
              id: call.id,
              type: 'function' as const,
              function: { name: call.name, arguments: call.arguments },
            })),
          }
        : {}),
      ...(this.functionCall ? { function_call: this.functionCall } : {}),
    };
  }

  /** The audio bytes streamed for choice 0 (empty unless constructed with `keepAudio`). */
  audio(): Buffer {
    return Buffer.concat(this.audioChunks);
  }
}
