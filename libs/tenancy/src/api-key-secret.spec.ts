import { createHash } from 'node:crypto';
import { generateSecret, hashSecret, redact } from './api-key-secret';

describe('api key secrets', () => {
  it('stores the SHA-256 of the UTF-8 bytes, in hex (the hash keys stored before stay valid)', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const secret = generateSecret();
    expect(hashSecret(secret)).toBe(createHash('sha256').update(secret, 'utf8').digest('hex'));
    expect(hashSecret('sk-vg-ünïcødé')).toBe(createHash('sha256').update('sk-vg-ünïcødé', 'utf8').digest('hex'));
  });

  it('generates sk-vg- keys of 256 random bits and redacts them to their last four characters', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^sk-vg-[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(secret);
    expect(redact(secret)).toBe(`sk-vg-...${secret.slice(-4)}`);
  });
});
