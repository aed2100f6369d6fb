import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alphanumeric(length: number): string {
  return Array.from(randomBytes(length), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}

/** `chatcmpl-` plus 29 characters, like OpenAI's completion ids. */
export const completionId = (): string => `chatcmpl-${alphanumeric(29)}`;
/** `audio_` plus 32 hex digits, like `message.audio.id`. */
export const audioId = (): string => `audio_${randomBytes(16).toString('hex')}`;
/** `call_` plus 24 characters, like tool call ids. */
export const toolCallId = (): string => `call_${alphanumeric(24)}`;
/** `fp_` plus 10 hex digits. */
export const systemFingerprint = (): string => `fp_${randomBytes(5).toString('hex')}`;
/** `req_` plus 32 hex digits, the `x-request-id` header. */
export const requestId = (): string => `req_${randomBytes(16).toString('hex')}`;
/** Random padding for the `obfuscation` chunk field. */
export const obfuscation = (): string => alphanumeric(1 + ((randomBytes(1)[0] ?? 0) % 12));
