import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'sk-vg-';

/**
 * A new key secret: `sk-vg-` and 256 random bits in base64url. With that much entropy a plain SHA-256 is
 * the right storage hash (no brute force is possible, and lookup stays one Redis GET).
 */
export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function redact(secret: string): string {
  return `${PREFIX}...${secret.slice(-4)}`;
}
