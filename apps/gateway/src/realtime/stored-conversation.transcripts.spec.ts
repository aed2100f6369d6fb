import { encodeWav } from '@voxgate/audio';
import type { ChatMessage } from '@voxgate/openai-wire';
import { type HistoryTurn, InputTranscriptStore, type LoadSessionHistory } from '@voxgate/sessions';
import { loadStoredConversation } from './stored-conversation';

/** A user turn of `samples` as a realtime turn stores it: one 24 kHz WAV `input_audio` part. */
const userTurn = (samples: Int16Array): ChatMessage => ({
  role: 'user',
  content: [
    {
      type: 'input_audio',
      input_audio: { data: Buffer.from(encodeWav({ samples, sampleRate: 24_000 })).toString('base64'), format: 'wav' },
    },
  ],
});

/** The session store's history, in memory: the given messages as one turn each. */
const historyOf = (messages: ChatMessage[]) =>
  ({
    execute: () =>
      Promise.resolve(messages.map((message, seq): HistoryTurn => ({ seq, full: [message], compact: [message] }))),
  }) as unknown as LoadSessionHistory;

/** Transcripts in memory, by `InputTranscriptStore.audioKey`. */
const transcriptsOf = (known: Record<string, string>) =>
  ({
    get: (_tenant: string, _session: string, keys: readonly string[]) =>
      Promise.resolve(keys.map((key) => known[key] ?? null)),
  }) as unknown as InputTranscriptStore;

describe('loadStoredConversation with input transcriptions', () => {
  const first = Int16Array.from({ length: 2400 }, (_, i) => (i * 37) % 2000);
  const second = Int16Array.from({ length: 2400 }, (_, i) => (i * 53) % 2000);
  const history = historyOf([userTurn(first), { role: 'assistant', content: 'Sure.' }, userTurn(second)]);

  it('sets each stored transcript on the user audio it belongs to, by the audio content', async () => {
    const transcripts = transcriptsOf({ [InputTranscriptStore.audioKey(first, 24_000)]: 'the first words' });
    const items = await loadStoredConversation(history, 'ten_1', 'call-1', transcripts);
    const contents = items.map(({ item }) => (item.type === 'message' ? item.content : null));
    expect(contents).toEqual([
      [{ type: 'input_audio', transcript: 'the first words' }],
      [{ type: 'output_text', text: 'Sure.' }],
      [{ type: 'input_audio', transcript: null }],
    ]);
    // The audio itself comes back too: the transcript is for beyond the history's audio budget.
    expect(items[0]?.audio?.get(0)?.samples).toEqual(first);
  });

  it('without a transcript store, user audio has no transcript (as before)', async () => {
    const items = await loadStoredConversation(history, 'ten_1', 'call-1');
    expect(items[0]?.item).toMatchObject({ content: [{ type: 'input_audio', transcript: null }] });
  });
});
