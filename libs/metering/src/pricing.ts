import type { TokenBreakdown } from './token-breakdown';

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
}

export const FREE: ModelPricing = { textInput: 0, textOutput: 0, audioInput: 0, audioOutput: 0, cachedInput: 0 };

const PER_MILLION = 1_000_000n;

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
