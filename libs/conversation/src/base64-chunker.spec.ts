import { Base64Chunker } from './base64-chunker';

/** A tiny seeded PRNG, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Random pieces of random bytes, sizes 0..max (an encoder yields anything, nothing included). */
function randomPieces(next: () => number, count: number, max: number): Buffer[] {
  return Array.from({ length: count }, () =>
    Buffer.from(Array.from({ length: Math.floor(next() * (max + 1)) }, () => Math.floor(next() * 256))),
  );
}

/** What a stream sends: one string per piece (empty ones are skipped, as the converter does), then `end`. */
function deltas(pieces: readonly Buffer[], tail?: Buffer): string[] {
  const chunker = new Base64Chunker();
  const sent = pieces.map((piece) => chunker.push(piece)).filter((data) => data !== '');
  const last = chunker.end(tail);
  return last === '' ? sent : [...sent, last];
}

describe('Base64Chunker', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'random pieces (seed %i): joined strings decode to the joined bytes, and only the last delta may be padded',
    (seed) => {
      const next = random(seed);
      for (let run = 0; run < 50; run++) {
        const pieces = randomPieces(next, 1 + Math.floor(next() * 20), seed % 2 === 0 ? 7 : 700);
        const tail = next() < 0.5 ? randomPieces(next, 1, 5)[0] : undefined;
        const bytes = Buffer.concat([...pieces, ...(tail ? [tail] : [])]);
        const sent = deltas(pieces, tail);

        // The SDK helpers' way (join strings, decode once) and the players' way (decode each, join bytes).
        expect(Buffer.from(sent.join(''), 'base64').equals(bytes)).toBe(true);
        expect(Buffer.concat(sent.map((data) => Buffer.from(data, 'base64'))).equals(bytes)).toBe(true);
        for (const data of sent.slice(0, -1)) {
          expect(data.length % 4).toBe(0);
          expect(data).not.toContain('=');
          expect(data).not.toBe('');
        }
      }
    },
  );

  it('carries the 1–2 bytes past a multiple of 3 into the next delta', () => {
    const chunker = new Base64Chunker();
    expect(chunker.push(Buffer.from([1, 2, 3, 4]))).toBe(Buffer.from([1, 2, 3]).toString('base64'));
    expect(chunker.push(Buffer.from([5]))).toBe('');
    expect(chunker.push(Buffer.from([6, 7]))).toBe(Buffer.from([4, 5, 6]).toString('base64'));
    expect(chunker.end()).toBe(Buffer.from([7]).toString('base64'));
  });

  it('ends with nothing to send when the bytes came in multiples of 3', () => {
    const chunker = new Base64Chunker();
    expect(chunker.push(Buffer.alloc(4_800, 9))).toBe(Buffer.alloc(4_800, 9).toString('base64'));
    expect(chunker.end()).toBe('');
    expect(chunker.end(Buffer.alloc(0))).toBe('');
  });

  it('does not keep a view into the caller’s buffer (the encoder may reuse it)', () => {
    const chunker = new Base64Chunker();
    const reused = Buffer.from([1, 2, 3, 4, 5]);
    chunker.push(reused);
    reused.fill(0);
    expect(chunker.end()).toBe(Buffer.from([4, 5]).toString('base64'));
  });
});
