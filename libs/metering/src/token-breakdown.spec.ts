import { type Usage, UsageSchema } from '@voxgate/openai-wire';
import { costMicros } from './pricing';
import { breakdownOf, NO_TOKENS, totalTokens } from './token-breakdown';

const usage = (value: unknown): Usage => UsageSchema.parse(value);

describe('breakdownOf', () => {
  it('counts everything as text when the provider sends no details', () => {
    expect(breakdownOf(usage({ prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 }))).toEqual({
      inputText: 100,
      inputAudio: 0,
      inputCached: 0,
      outputText: 50,
      outputAudio: 0,
    });
    expect(
      breakdownOf(
        usage({
          prompt_tokens: 100,
          completion_tokens: 50,
          total_tokens: 150,
          prompt_tokens_details: null,
          completion_tokens_details: null,
        }),
      ),
    ).toEqual({ inputText: 100, inputAudio: 0, inputCached: 0, outputText: 50, outputAudio: 0 });
  });

  it('splits audio out of prompt and completion, and keeps cached tokens within the text input', () => {
    const breakdown = breakdownOf(
      usage({
        prompt_tokens: 120,
        completion_tokens: 300,
        total_tokens: 420,
        prompt_tokens_details: { audio_tokens: 80, cached_tokens: 20, text_tokens: 40 },
        completion_tokens_details: { audio_tokens: 250, text_tokens: 50, reasoning_tokens: 0 },
      }),
    );
    expect(breakdown).toEqual({ inputText: 40, inputAudio: 80, inputCached: 20, outputText: 50, outputAudio: 250 });
    expect(totalTokens(breakdown)).toBe(420);
  });

  it('treats null detail counts as 0 and clamps cached tokens to the prompt', () => {
    expect(
      breakdownOf(
        usage({
          prompt_tokens: 10,
          completion_tokens: 5,
          total_tokens: 15,
          prompt_tokens_details: { audio_tokens: null, cached_tokens: 50 },
          completion_tokens_details: { audio_tokens: null },
        }),
      ),
    ).toEqual({ inputText: 10, inputAudio: 0, inputCached: 10, outputText: 5, outputAudio: 0 });
  });

  it('never attributes more cached tokens to text than the text input has (cached audio in the prompt)', () => {
    // An audio prompt served partly from cache: 60 text + 40 audio, of which 80 cached.
    const prompt = usage({
      prompt_tokens: 100,
      completion_tokens: 0,
      total_tokens: 100,
      prompt_tokens_details: { audio_tokens: 40, cached_tokens: 80, text_tokens: 60 },
    });
    const breakdown = breakdownOf(prompt);
    const perToken = {
      textInput: 1_000_000,
      textOutput: 1_000_000,
      audioInput: 1_000_000,
      audioOutput: 1_000_000,
      cachedInput: 1_000_000,
    };
    expect({
      // `inputCached` is documented as part of `inputText`.
      cachedWithinText: breakdown.inputCached <= breakdown.inputText,
      // At 1 µ$ per token for every component, the bill counts each of the 100 prompt tokens once.
      costMicros: costMicros(breakdown, perToken),
    }).toEqual({ cachedWithinText: true, costMicros: 100 });
  });
});

describe('totalTokens', () => {
  it('sums the four billable parts (cached is inside input text)', () => {
    expect(totalTokens(NO_TOKENS)).toBe(0);
    expect(totalTokens({ inputText: 1, inputAudio: 2, inputCached: 1, outputText: 4, outputAudio: 8 })).toBe(15);
  });
});
