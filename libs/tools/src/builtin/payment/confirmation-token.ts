import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a confirmation token is bound to: it confirms this operation, for this tenant, with these arguments. */
export interface ConfirmationSubject {
  readonly tenantId: string;
  /** `payment.charge`. */
  readonly operation: string;
  /** `canonicalHash` of the operation's arguments. */
  readonly argumentsHash: string;
}

export type TokenCheck =
  | { readonly valid: true; readonly nonce: string }
  | {
      readonly valid: false;
      readonly reason:
        'malformed' | 'bad_signature' | 'expired' | 'other_tenant' | 'other_operation' | 'other_arguments';
    };

interface TokenPayload {
  /** Tenant id. */
  readonly t: string;
  /** Operation. */
  readonly o: string;
  /** Arguments hash. */
  readonly a: string;
  /** Expiry, unix ms. */
  readonly e: number;
  /** Random nonce: a confirmed charge uses it as its idempotency key, so one token pays once. */
  readonly n: string;
}

const VERSION = 'vgc1';

/**
 * Signed, expiring confirmation tokens: `vgc1.<base64url JSON payload>.<base64url HMAC-SHA256>`, the HMAC
 * over `vgc1.<payload>` with the server secret. Stateless: any replica with the same secret verifies
 * them, nothing is stored until a confirmed charge runs.
 */
export class ConfirmationTokens {
  private readonly secret: Buffer;

  constructor(
    secret: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    // An empty secret means "none configured": a random one, valid for this process only (see README).
    this.secret = secret === '' ? randomBytes(32) : Buffer.from(secret, 'utf8');
  }

  mint(subject: ConfirmationSubject): { token: string; expiresAt: string } {
    const payload: TokenPayload = {
      t: subject.tenantId,
      o: subject.operation,
      a: subject.argumentsHash,
      e: this.now() + this.ttlMs,
      n: randomBytes(12).toString('base64url'),
    };
    const body = `${VERSION}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return { token: `${body}.${this.sign(body)}`, expiresAt: new Date(payload.e).toISOString() };
  }

  verify(token: string, subject: ConfirmationSubject): TokenCheck {
    const parts = token.trim().split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) return { valid: false, reason: 'malformed' };
    const body = `${parts[0]}.${parts[1]}`;
    const expected = Buffer.from(this.sign(body), 'base64url');
    const given = Buffer.from(parts[2] ?? '', 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { valid: false, reason: 'bad_signature' };
    let payload: TokenPayload;
    try {
      payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as TokenPayload;
    } catch {
      return { valid: false, reason: 'malformed' };
    }
    if (typeof payload.e !== 'number' || typeof payload.n !== 'string') return { valid: false, reason: 'malformed' };
    if (payload.e <= this.now()) return { valid: false, reason: 'expired' };
    if (payload.t !== subject.tenantId) return { valid: false, reason: 'other_tenant' };
    if (payload.o !== subject.operation) return { valid: false, reason: 'other_operation' };
    if (payload.a !== subject.argumentsHash) return { valid: false, reason: 'other_arguments' };
    return { valid: true, nonce: payload.n };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
