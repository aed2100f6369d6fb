import { seededRandom } from '@voxgate/testing';
import { Base64Chunker } from './base64-chunker';

/** Random pieces of random bytes, sizes 0..max in whole frames (an encoder yields anything, nothing included). */
function randomPieces(next: () => number, count: number, max: number, frameBytes = 1): Buffer[] {
  return Array.from({ length: count }, () => {
    const frames = Math.floor((next() * (max + 1)) / frameBytes);
    return Buffer.from(Array.from({ length: frames * frameBytes }, () => Math.floor(next() * 256)));
  });
}

/** What a stream sends: one string per piece (empty ones are skipped, as the converter does), then `end`. */
function deltas(pieces: readonly Buffer[], tail?: Buffer, frameBytes = 1): string[] {
  const chunker = new Base64Chunker(frameBytes);
  const sent = pieces.map((piece) => chunker.push(piece)).filter((data) => data !== '');
  const last = chunker.end(tail);
  return last === '' ? sent : [...sent, last];
}

describe('Base64Chunker', () => {
  it.each([
    [1, 1],
    [2, 1],
    [3, 1],
    [4, 1],
    [5, 2],
    [6, 2],
    [7, 2],
    [8, 2],
  ])(
    'random pieces (seed %i, %i-byte frames): joined strings decode to the joined bytes, only the last delta is padded',
    (seed, frameBytes) => {
      const next = seededRandom(seed);
      for (let run = 0; run < 50; run++) {
        const pieces = randomPieces(next, 1 + Math.floor(next() * 20), seed % 2 === 0 ? 7 : 700, frameBytes);
        const tail = next() < 0.5 ? randomPieces(next, 1, 5, frameBytes)[0] : undefined;
        const bytes = Buffer.concat([...pieces, ...(tail ? [tail] : [])]);
        const sent = deltas(pieces, tail, frameBytes);

        // The SDK helpers' way (join strings, decode once) and the players' way (decode each, join bytes).
        expect(Buffer.from(sent.join(''), 'base64').equals(bytes)).toBe(true);
        expect(Buffer.concat(sent.map((data) => Buffer.from(data, 'base64'))).equals(bytes)).toBe(true);
        for (const data of sent.slice(0, -1)) {
          expect(data.length % 4).toBe(0);
          expect(data).not.toContain('=');
          expect(data).not.toBe('');
          expect(Buffer.from(data, 'base64').length % frameBytes).toBe(0);
        }
        // Whole frames in, whole frames in every delta, the last one included.
        expect(Buffer.from(sent.at(-1) ?? '', 'base64').length % frameBytes).toBe(0);
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

  it('never splits a pcm16 sample: with 2-byte frames, deltas carry multiples of 6 bytes', () => {
    const chunker = new Base64Chunker(2);
    expect(chunker.push(Buffer.alloc(4))).toBe('');
    expect(Buffer.from(chunker.push(Buffer.alloc(10)), 'base64').length).toBe(12);
    expect(Buffer.from(chunker.end(), 'base64').length).toBe(2);
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
