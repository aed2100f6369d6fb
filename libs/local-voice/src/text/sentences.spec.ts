import { splitSentences } from './sentences';

describe('splitSentences', () => {
  it('splits after sentence punctuation and line breaks, keeping the punctuation', () => {
    expect(splitSentences('Hello there! How are you? I am fine; Thanks.\nNext line')).toEqual([
      'Hello there!',
      'How are you?',
      'I am fine;',
      'Thanks.',
      'Next line',
    ]);
  });

  it('keeps abbreviations, initials and decimals inside their sentence', () => {
    expect(splitSentences('Mr. Smith met Dr. Jones at 3.5 p.m. today. J. K. Rowling wrote it, e.g. this one.')).toEqual(
      ['Mr. Smith met Dr. Jones at 3.5 p.m. today.', 'J. K. Rowling wrote it, e.g. this one.'],
    );
  });

  it('cuts an over-long sentence at a comma or space, and drops pieces without letters or digits', () => {
    const long = `${'word '.repeat(30)}and then, ${'more '.repeat(30)}end`;
    const pieces = splitSentences(long, 100);
    expect(pieces.every((piece) => piece.length <= 100)).toBe(true);
    expect(pieces.join(' ').replace(/\s+/g, ' ')).toBe(long.replace(/\s+/g, ' '));
    expect(splitSentences(' ... !? ')).toEqual([]);
  });
});
