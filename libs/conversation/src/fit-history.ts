import type { ChatMessage } from '@voxgate/openai-wire';
import { AUDIO_TOKENS_PER_SECOND_IN, AUDIO_TOKENS_PER_SECOND_OUT, base64Bytes, textTokensOf } from './request-estimate';
import { audioDurationMs } from './audio-duration';

/** A stored turn in two renderings: with audio, and with audio replaced by transcripts or placeholders. */
export interface HistoryTurnLike {
  readonly full: readonly ChatMessage[];
  readonly compact: readonly ChatMessage[];
}

/** Spoken transcripts run about 15 characters a second; an assistant audio reference costs its duration. */
const TRANSCRIPT_CHARS_PER_SECOND = 15;

/**
 * Fits session history into the model's context: `budget` = context tokens − the new request − the output
 * reserve. Over budget, the oldest turns lose their audio first (compact rendering), oldest first; if that
 * is not enough, whole turns are dropped, oldest first, so tool calls stay paired with their results.
 * Returns the messages to prepend, oldest first.
 */
export function fitHistory(turns: readonly HistoryTurnLike[], budget: number): ChatMessage[] {
  const chosen = turns.map((turn) => ({ turn, compact: false, dropped: false }));
  const cost = () =>
    chosen.reduce((sum, entry) => sum + (entry.dropped ? 0 : turnTokens(entry.turn, entry.compact)), 0);
  let total = cost();
  for (const entry of chosen) {
    if (total <= budget) break;
    entry.compact = true;
    total = cost();
  }
  for (const entry of chosen) {
    if (total <= budget) break;
    entry.dropped = true;
    total = cost();
  }
  return chosen.flatMap((entry) => (entry.dropped ? [] : [...(entry.compact ? entry.turn.compact : entry.turn.full)]));
}

function turnTokens(turn: HistoryTurnLike, compact: boolean): number {
  if (compact) return tokensOf(turn.compact);
  // An assistant audio reference costs the audio it stands for; its length shows in the compact transcript.
  return turn.full.reduce((sum, message, index) => {
    if (message.role !== 'assistant' || !message.audio) return sum + tokensOf([message]);
    const transcript = turn.compact[index];
    const chars =
      transcript && 'content' in transcript && typeof transcript.content === 'string' ? transcript.content.length : 0;
    return sum + 4 + Math.ceil((chars / TRANSCRIPT_CHARS_PER_SECOND) * AUDIO_TOKENS_PER_SECOND_OUT);
  }, 0);
}

/** Estimated prompt tokens of messages: text at ~4 chars a token, audio at OpenAI's per-second rates. */
export function tokensOf(messages: readonly ChatMessage[]): number {
  let tokens = 0;
  for (const message of messages) {
    tokens += 4;
    const content = 'content' in message ? message.content : null;
    if (typeof content === 'string') tokens += textTokensOf(content.length);
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (part.type === 'text') tokens += textTokensOf(part.text.length);
        else if (part.type === 'refusal') tokens += textTokensOf(part.refusal.length);
        else if (part.type === 'input_audio') {
          const { data, format } = part.input_audio;
          const ms = audioDurationMs(format, base64Bytes(data), Buffer.from(data.slice(0, 64), 'base64')) ?? 0;
          tokens += Math.ceil((ms / 1000) * AUDIO_TOKENS_PER_SECOND_IN);
        }
      }
    }
    if (message.role === 'assistant' && message.tool_calls)
      tokens += textTokensOf(JSON.stringify(message.tool_calls).length);
  }
  return tokens;
}
