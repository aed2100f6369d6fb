import type { TokenBreakdown } from './token-breakdown';

const PER_MILLION = 1_000_000n;

/**
 * Prices of one model in integer micro-USD per 1M tokens (so $2.50/1M = 2_500_000): exact in config,
 * exact in arithmetic. A missing cached price means cached input is billed at the text input price.
 */
export interface ModelPricing {
  readonly textInput: number;
  readonly textOutput: number;
  readonly audioInput: number;
  readonly audioOutput: number;
  readonly cachedInput: number;
  /** Micro-USD per minute of input audio, for models billed by duration (`whisper-1`); absent: 0. */
  readonly audioInputPerMinute?: number;
  /** Micro-USD per 1M input characters, for models billed by characters (`tts-1`); absent: 0. */
  readonly inputCharacters?: number;
}

/** What the audio routes bill besides tokens. */
export interface NonTokenUsage {
  /** Characters of text synthesized (`/v1/audio/speech` `input`). */
  readonly inputCharacters: number;
  /** Milliseconds of audio sent to be transcribed or translated. */
  readonly audioInMs: number;
}

/**
 * Cost of the non-token dimensions in integer micro-USD, rounded half up once: characters at
 * `inputCharacters` per 1M, input audio at `audioInputPerMinute` per minute (pro rata to the millisecond).
 */
export function nonTokenCostMicros(usage: NonTokenUsage, pricing: ModelPricing): number {
  const perMinute = BigInt(pricing.audioInputPerMinute ?? 0);
  const perMillionChars = BigInt(pricing.inputCharacters ?? 0);
  // Common denominator 60 000 000 000 = 60 000 ms per minute × 1 000 000 characters per million.
  const denominator = 60_000n * PER_MILLION;
  const numerator =
    BigInt(Math.round(usage.audioInMs)) * perMinute * PER_MILLION +
    BigInt(usage.inputCharacters) * perMillionChars * 60_000n;
  return Number((numerator + denominator / 2n) / denominator);
}

export const FREE: ModelPricing = { textInput: 0, textOutput: 0, audioInput: 0, audioOutput: 0, cachedInput: 0 };

/**
 * Cost of a request in integer micro-USD. Sums `tokens × price` over the components in BigInt (products
 * exceed 2^53 for large batches) and rounds once, half up, at the end.
 */
export function costMicros(tokens: TokenBreakdown, pricing: ModelPricing): number {
  const uncachedText = Math.max(0, tokens.inputText - tokens.inputCached);
  const total =
    BigInt(uncachedText) * BigInt(pricing.textInput) +
    BigInt(tokens.inputCached) * BigInt(pricing.cachedInput) +
    BigInt(tokens.inputAudio) * BigInt(pricing.audioInput) +
    BigInt(tokens.outputText) * BigInt(pricing.textOutput) +
    BigInt(tokens.outputAudio) * BigInt(pricing.audioOutput);
  return Number((total + PER_MILLION / 2n) / PER_MILLION);
}

/**
 * `"2.50"` or `2.5` USD per 1M tokens → `2_500_000` micro-USD per 1M, without passing through binary
 * floating point arithmetic. At most 6 decimals; more is an error rather than a silent rounding.
 */
export function parseUsdPerMillion(value: string | number): number {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!match) throw new Error(`'${text}' is not a price in USD with at most 6 decimals`);
  return Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0'));
}
