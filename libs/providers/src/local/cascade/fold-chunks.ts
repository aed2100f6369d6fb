import type { ChatCompletionChunk, ChatCompletionResponse, Usage } from '@voxgate/openai-wire';

type ToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } };

/**
 * The `chat.completion` a cascade stream amounts to (choice 0), for non-streamed requests: content,
 * refusal and transcript fragments concatenate, audio data joins into one pcm16 buffer, tool calls merge
 * by index, the last `finish_reason` and `usage` win.
 */
export async function foldChunks(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionResponse> {
  let head: ChatCompletionChunk | null = null;
  let content: string | null = null;
  let refusal: string | null = null;
  let transcript = '';
  let audioId: string | null = null;
  let expiresAt = 0;
  const audio: Buffer[] = [];
  const tools = new Map<number, ToolCall>();
  let finishReason = 'stop';
  let usage: Usage | null = null;
  for await (const chunk of chunks) {
    head ??= chunk;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices.find((candidate) => candidate.index === 0);
    if (!choice) continue;
    if (choice.finish_reason) finishReason = choice.finish_reason;
    const delta = choice.delta;
    if (typeof delta.content === 'string') content = (content ?? '') + delta.content;
    if (typeof delta.refusal === 'string') refusal = (refusal ?? '') + delta.refusal;
    if (delta.audio) {
      audioId = delta.audio.id ?? audioId;
      expiresAt = delta.audio.expires_at ?? expiresAt;
      transcript += delta.audio.transcript ?? '';
      if (delta.audio.data) audio.push(Buffer.from(delta.audio.data, 'base64'));
    }
    for (const call of delta.tool_calls ?? []) {
      const known = tools.get(call.index) ?? { id: '', type: 'function', function: { name: '', arguments: '' } };
      if (call.id) known.id = call.id;
      if (call.function?.name) known.function.name += call.function.name;
      if (call.function?.arguments) known.function.arguments += call.function.arguments;
      tools.set(call.index, known);
    }
  }
  const toolCalls = [...tools.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  return {
    id: head?.id ?? 'chatcmpl-local',
    object: 'chat.completion',
    created: head?.created ?? Math.floor(Date.now() / 1000),
    model: head?.model ?? '',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(audioId !== null
            ? {
                audio: {
                  id: audioId,
                  expires_at: expiresAt,
                  data: Buffer.concat(audio).toString('base64'),
                  transcript,
                },
              }
            : {}),
        },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    ...(usage ? { usage } : {}),
  };
}
