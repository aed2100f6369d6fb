import { hash, randomBytes } from 'node:crypto';

const PREFIX = 'sk-vg-';

/**
 * A new key secret: `sk-vg-` and 256 random bits in base64url. With that much entropy a plain SHA-256 is
 * the right storage hash (no brute force is possible, and lookup stays one Redis GET).
 */
export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** SHA-256 of the secret's UTF-8 bytes, in hex. One-shot `hash`: no `Hash` object per request. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function redact(secret: string): string {
  return `${PREFIX}...${secret.slice(-4)}`;
}
