import { randomFillSync } from 'node:crypto';

/** Bytes drawn from the CSPRNG per refill: 256 request ids' worth. */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let used = POOL_BYTES;

/**
 * `bytes` (≤ 4096) random bytes from the CSPRNG as hex, exactly as unguessable as
 * `randomBytes(bytes).toString('hex')`: every byte of the pool is handed out once, and the pool is
 * refilled by one `randomFillSync` when it runs out, instead of one call (and one buffer) per id, which
 * was a measurable share of the gateway's CPU per request. Each process has its own pool (cluster
 * workers are separate processes), so ids stay unique across processes and replicas by their 128 bits.
 */
export function randomHex(bytes: number): string {
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const hex = pool.toString('hex', used, used + bytes);
  used += bytes;
  return hex;
}
