import { ConfirmationTokens } from './confirmation-token';

const subject = { tenantId: 'ten_a', operation: 'payment.charge', argumentsHash: 'h1' };

describe('ConfirmationTokens', () => {
  let now = 1_000_000;
  const tokens = new ConfirmationTokens('secret-a', 60_000, () => now);

  it('verifies a token it minted for the same subject, giving its nonce', () => {
    const { token, expiresAt } = tokens.mint(subject);
    expect(token).toMatch(/^vgc1\.[\w-]+\.[\w-]+$/);
    expect(expiresAt).toBe(new Date(now + 60_000).toISOString());
    const check = tokens.verify(token, subject);
    expect(check).toEqual({ valid: true, nonce: expect.stringMatching(/^[\w-]{16}$/) });
  });

  it('refuses a token bound to other arguments, another tenant or another operation', () => {
    const { token } = tokens.mint(subject);
    expect(tokens.verify(token, { ...subject, argumentsHash: 'h2' })).toEqual({
      valid: false,
      reason: 'other_arguments',
    });
    expect(tokens.verify(token, { ...subject, tenantId: 'ten_b' })).toEqual({ valid: false, reason: 'other_tenant' });
    expect(tokens.verify(token, { ...subject, operation: 'payment.refund' })).toEqual({
      valid: false,
      reason: 'other_operation',
    });
  });

  it('refuses an expired token', () => {
    const { token } = tokens.mint(subject);
    now += 60_001;
    expect(tokens.verify(token, subject)).toEqual({ valid: false, reason: 'expired' });
  });

  it('refuses a tampered payload, a foreign signature and garbage', () => {
    const { token } = tokens.mint(subject);
    const [version, payload, signature] = token.split('.') as [string, string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...decoded, e: Number(decoded.e) + 3_600_000 })).toString('base64url');
    expect(tokens.verify(`${version}.${forged}.${signature}`, subject)).toEqual({
      valid: false,
      reason: 'bad_signature',
    });
    const other = new ConfirmationTokens('secret-b', 60_000, () => now);
    expect(other.verify(token, subject)).toEqual({ valid: false, reason: 'bad_signature' });
    expect(tokens.verify('not-a-token', subject)).toEqual({ valid: false, reason: 'malformed' });
    expect(tokens.verify(`${version}.${payload}.`, subject)).toEqual({ valid: false, reason: 'bad_signature' });
  });

  it('uses a random per-process secret when none is configured', () => {
    const a = new ConfirmationTokens('', 60_000);
    const b = new ConfirmationTokens('', 60_000);
    const { token } = a.mint(subject);
    expect(a.verify(token, subject).valid).toBe(true);
    expect(b.verify(token, subject)).toEqual({ valid: false, reason: 'bad_signature' });
  });
});
