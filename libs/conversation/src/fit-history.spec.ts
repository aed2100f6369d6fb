import type { ChatMessage } from '@voxgate/openai-wire';
import { fitHistory, type HistoryTurnLike, tokensOf } from './fit-history';

const PLACEHOLDER = '[voice!]'; // 8 characters: 2 tokens

/**
 * A voice turn: 10 s of user audio (4 + 100 tokens) and an assistant audio reference whose 15-character
 * transcript stands for 1 s of output audio (4 + 20 tokens) → 128 in full. Compact: 4 + 2 and 4 + 4 → 14.
 */
function voiceTurn(label: string): HistoryTurnLike {
  const transcript = `answer ${label}`.padEnd(15, '.');
  return {
    full: [
      {
        role: 'user',
        content: [
          { type: 'input_audio', input_audio: { data: Buffer.alloc(480_000).toString('base64'), format: 'pcm16' } },
        ],
      },
      { role: 'assistant', content: null, audio: { id: `audio_${label}` } },
    ],
    compact: [
      { role: 'user', content: [{ type: 'text', text: PLACEHOLDER }] },
      { role: 'assistant', content: transcript },
    ],
  };
}
const FULL = 128;
const COMPACT = 14;

/** A text turn with a server tool call: the same in both renderings. */
function toolTurn(label: string, size: number): HistoryTurnLike {
  const messages: ChatMessage[] = [
    { role: 'user', content: `question ${label} ${'x'.repeat(size)}` },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: `call_${label}`, type: 'function', function: { name: 'lookup', arguments: `{"q":"${label}"}` } },
      ],
    },
    { role: 'tool', tool_call_id: `call_${label}`, content: `result ${label}` },
    { role: 'assistant', content: `answer ${label}` },
  ];
  return { full: messages, compact: messages };
}

describe('fitHistory', () => {
  const turns = ['a', 'b', 'c'].map(voiceTurn);
  const full = (index: number) => [...turns[index]!.full];
  const compact = (index: number) => [...turns[index]!.compact];

  it('costs the fixtures as documented above', () => {
    expect(tokensOf(turns[0]!.compact)).toBe(COMPACT);
    expect(fitHistory([turns[0]!], FULL)).toEqual(full(0));
    expect(fitHistory([turns[0]!], FULL - 1)).toEqual(compact(0));
  });

  it('returns every turn in full, in order, when the history fits', () => {
    expect(fitHistory(turns, 1_000_000)).toEqual([...full(0), ...full(1), ...full(2)]);
    expect(fitHistory(turns, 3 * FULL)).toEqual([...full(0), ...full(1), ...full(2)]);
  });

  it('returns nothing for no history', () => {
    expect(fitHistory([], 0)).toEqual([]);
  });

  it('over budget, compacts the oldest turn first', () => {
    expect(fitHistory(turns, 3 * FULL - 1)).toEqual([...compact(0), ...full(1), ...full(2)]);
    expect(fitHistory(turns, COMPACT + 2 * FULL)).toEqual([...compact(0), ...full(1), ...full(2)]);
  });

  it('compacts the next oldest turns while still over budget', () => {
    expect(fitHistory(turns, COMPACT + 2 * FULL - 1)).toEqual([...compact(0), ...compact(1), ...full(2)]);
    expect(fitHistory(turns, 3 * COMPACT)).toEqual([...compact(0), ...compact(1), ...compact(2)]);
  });

  it('drops the oldest whole turns once every turn is compact and still too large', () => {
    expect(fitHistory(turns, 3 * COMPACT - 1)).toEqual([...compact(1), ...compact(2)]);
    expect(fitHistory(turns, COMPACT)).toEqual(compact(2));
    expect(fitHistory(turns, COMPACT - 1)).toEqual([]);
    expect(fitHistory(turns, -50)).toEqual([]);
  });

  it('costs an assistant audio reference by the length of its transcript', () => {
    // 150 characters of transcript ≈ 10 s of output audio = 200 tokens, though the reference is a short id.
    const long: HistoryTurnLike = {
      full: [{ role: 'assistant', content: null, audio: { id: 'audio_x' } }],
      compact: [{ role: 'assistant', content: 'y'.repeat(150) }],
    };
    expect(fitHistory([long], 204)).toEqual(long.full);
    expect(fitHistory([long], 203)).toEqual(long.compact);
  });

  it('never splits a turn: every budget keeps whole, newest turns with tool calls paired to their results', () => {
    const toolTurns = ['a', 'b', 'c', 'd'].map((label, index) => toolTurn(label, 10 * index));
    const total = tokensOf(toolTurns.flatMap((turn) => turn.full));
    for (let budget = 0; budget <= total; budget++) {
      const kept = fitHistory(toolTurns, budget);
      const suffix = toolTurns.slice(toolTurns.length - kept.length / 4);
      expect(kept.length % 4).toBe(0);
      expect(kept).toEqual(suffix.flatMap((turn) => turn.full));
      expect(tokensOf(kept)).toBeLessThanOrEqual(budget);
      // The next older turn would not have fitted: nothing is dropped needlessly.
      const withOneMore = toolTurns.slice(Math.max(0, toolTurns.length - suffix.length - 1));
      if (withOneMore.length > suffix.length)
        expect(tokensOf(withOneMore.flatMap((turn) => turn.full))).toBeGreaterThan(budget);
    }
  });
});
