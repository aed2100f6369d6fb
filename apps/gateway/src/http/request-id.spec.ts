import { randomHex } from './random-hex';
import { clientRequestIdOf, requestIdFor } from './request-id';

describe('requestIdFor', () => {
  it('gives req_ and 32 hex characters, never the same twice, across many refills of the pool', () => {
    const ids = Array.from({ length: 2000 }, () => requestIdFor());
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws fresh random bytes for every id (no two ids share a half)', () => {
    const halves = Array.from({ length: 2000 }, () => randomHex(8));
    expect(new Set(halves).size).toBe(halves.length);
    // Bytes from the CSPRNG: each hex digit about equally frequent (16 000 digits, 1 000 expected each).
    const counts = new Map<string, number>();
    for (const digit of halves.join('')) counts.set(digit, (counts.get(digit) ?? 0) + 1);
    expect(counts.size).toBe(16);
    for (const count of counts.values()) expect(count).toBeGreaterThan(800);
  });
});

describe('clientRequestIdOf', () => {
  it('takes a well-formed X-Client-Request-Id, else x-request-id, else nothing', () => {
    expect(clientRequestIdOf({ 'x-client-request-id': 'abc', 'x-request-id': 'def' })).toBe('abc');
    expect(clientRequestIdOf({ 'x-client-request-id': 'bad id', 'x-request-id': 'def' })).toBe('def');
    expect(clientRequestIdOf({})).toBeUndefined();
  });
});
