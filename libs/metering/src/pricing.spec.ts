import { costMicros, FREE, type ModelPricing, nonTokenCostMicros, parseUsdPerMillion } from './pricing';
import { NO_TOKENS, type TokenBreakdown } from './token-breakdown';

const tokens = (overrides: Partial<TokenBreakdown>): TokenBreakdown => ({ ...NO_TOKENS, ...overrides });
const prices = (overrides: Partial<ModelPricing>): ModelPricing => ({ ...FREE, ...overrides });

// gpt-4o-audio-preview style prices, in micro-USD per 1M tokens.
const AUDIO_MODEL = prices({
  textInput: 2_500_000,
  textOutput: 10_000_000,
  audioInput: 40_000_000,
  audioOutput: 80_000_000,
  cachedInput: 1_250_000,
});

describe('costMicros', () => {
  it('prices each component at its own rate', () => {
    expect(costMicros(tokens({ inputText: 1_000 }), AUDIO_MODEL)).toBe(2_500);
    expect(costMicros(tokens({ outputText: 1_000 }), AUDIO_MODEL)).toBe(10_000);
    expect(costMicros(tokens({ inputAudio: 1_000 }), AUDIO_MODEL)).toBe(40_000);
    expect(costMicros(tokens({ outputAudio: 1_000 }), AUDIO_MODEL)).toBe(80_000);
    expect(
      costMicros(tokens({ inputText: 1_000, inputAudio: 2_000, outputText: 300, outputAudio: 4_000 }), AUDIO_MODEL),
    ).toBe(2_500 + 80_000 + 3_000 + 320_000);
  });

  it('prices cached tokens (part of the text input) at the cached rate, the rest at the text rate', () => {
    // 600 uncached × $2.50/1M + 400 cached × $1.25/1M
    expect(costMicros(tokens({ inputText: 1_000, inputCached: 400 }), AUDIO_MODEL)).toBe(1_500 + 500);
    expect(costMicros(tokens({ inputText: 1_000, inputCached: 1_000 }), AUDIO_MODEL)).toBe(1_250);
    // Free cache hits.
    expect(costMicros(tokens({ inputText: 1_000, inputCached: 1_000 }), prices({ textInput: 2_500_000 }))).toBe(0);
  });

  it('rounds half up, once, on the total rather than per component', () => {
    const oneMicroPerMillion = prices({ textInput: 1, textOutput: 1 });
    expect(costMicros(tokens({ inputText: 499_999 }), oneMicroPerMillion)).toBe(0);
    expect(costMicros(tokens({ inputText: 500_000 }), oneMicroPerMillion)).toBe(1);
    expect(costMicros(tokens({ inputText: 1_500_000 }), oneMicroPerMillion)).toBe(2);
    expect(costMicros(tokens({ inputText: 2_499_999 }), oneMicroPerMillion)).toBe(2);
    // 0.4 + 0.4: each component alone rounds to 0, the sum to 1.
    expect(costMicros(tokens({ inputText: 400_000, outputText: 400_000 }), oneMicroPerMillion)).toBe(1);
    expect(costMicros(tokens({ inputText: 1 }), prices({ textInput: 500_000 }))).toBe(1);
    expect(costMicros(tokens({ inputText: 1 }), prices({ textInput: 499_999 }))).toBe(0);
  });

  it('is exact where tokens × price exceeds 2^53', () => {
    // 3e12 + 1 tokens at $2.50/1M = 7_500_000_000_002.5 µ$ → 7_500_000_000_003 (binary floats land on …002).
    expect(costMicros(tokens({ inputText: 3_000_000_000_001 }), AUDIO_MODEL)).toBe(7_500_000_000_003);
    // 2^53 − 1 tokens at 3 µ$/1M = 27_021_597_764.222973 µ$.
    expect(costMicros(tokens({ outputText: Number.MAX_SAFE_INTEGER }), prices({ textOutput: 3 }))).toBe(27_021_597_764);
    // The sum of several huge components, still rounded once: 2^40 × ($80 + $40)/1M.
    const huge = 2 ** 40;
    expect(costMicros(tokens({ outputAudio: huge, inputAudio: huge }), AUDIO_MODEL)).toBe(huge * 120);
  });

  it('costs nothing with free pricing or no tokens', () => {
    expect(costMicros(tokens({ inputText: 10 ** 9, outputAudio: 10 ** 9 }), FREE)).toBe(0);
    expect(costMicros(NO_TOKENS, AUDIO_MODEL)).toBe(0);
  });
});

describe('parseUsdPerMillion', () => {
  it.each([
    ['2.50', 2_500_000],
    ['2.5', 2_500_000],
    [2.5, 2_500_000],
    ['0', 0],
    ['10', 10_000_000],
    ['0.000001', 1],
    [0.000001, 1],
    [0.1, 100_000],
    [' 3.75 ', 3_750_000],
    ['80', 80_000_000],
    ['0.15', 150_000],
    ['1234.567891', 1_234_567_891],
  ] as const)('%p → %p micro-USD per 1M', (input, micros) => {
    expect(parseUsdPerMillion(input)).toBe(micros);
  });

  it.each([
    ['1.1234567'],
    ['-1'],
    ['abc'],
    [''],
    ['1.'],
    ['.5'],
    ['1e3'],
    ['1,5'],
    ['$2.50'],
    [-1],
    [Number.NaN],
    [1e-7],
    [0.1 + 0.2],
  ] as const)('rejects %p', (input) => {
    expect(() => parseUsdPerMillion(input)).toThrow('is not a price in USD with at most 6 decimals');
  });
});

describe('nonTokenCostMicros', () => {
  const whisper = { ...FREE, audioInputPerMinute: 6_000 }; // $0.006 per minute
  const tts1 = { ...FREE, inputCharacters: 15_000_000 }; // $15 per 1M characters

  it('bills input audio per minute, pro rata', () => {
    expect(nonTokenCostMicros({ inputCharacters: 0, audioInMs: 60_000 }, whisper)).toBe(6_000);
    expect(nonTokenCostMicros({ inputCharacters: 0, audioInMs: 11_000 }, whisper)).toBe(1_100);
  });

  it('bills characters per million', () => {
    expect(nonTokenCostMicros({ inputCharacters: 1_000, audioInMs: 0 }, tts1)).toBe(15_000);
    expect(nonTokenCostMicros({ inputCharacters: 3, audioInMs: 0 }, tts1)).toBe(45);
  });

  it('is 0 for models without those prices', () => {
    expect(nonTokenCostMicros({ inputCharacters: 5_000, audioInMs: 90_000 }, FREE)).toBe(0);
  });
});
