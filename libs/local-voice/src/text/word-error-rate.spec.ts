import { normalizeWords, wordErrorRate, wordErrors } from './word-error-rate';

describe('word error rate', () => {
  it('normalises case and punctuation, keeping apostrophes inside words', () => {
    expect(normalizeWords("And so, my fellow Americans: it's 'quoted' -- fifty-five.")).toEqual([
      'and',
      'so',
      'my',
      'fellow',
      'americans',
      "it's",
      'quoted',
      'fifty',
      'five',
    ]);
  });

  it('counts substitutions, deletions and insertions', () => {
    expect(wordErrors(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(0);
    expect(wordErrors(['a', 'b', 'c'], ['a', 'x', 'c'])).toBe(1);
    expect(wordErrors(['a', 'b', 'c'], ['a', 'c'])).toBe(1);
    expect(wordErrors(['a', 'b', 'c'], ['a', 'b', 'c', 'd', 'e'])).toBe(2);
    expect(wordErrors([], ['x'])).toBe(1);
  });

  it('is total edits over total reference words across pairs', () => {
    const wer = wordErrorRate([
      { reference: 'one two three four', hypothesis: 'one two three four' },
      { reference: 'five six', hypothesis: 'five seven eight' },
    ]);
    expect(wer).toBeCloseTo(2 / 6, 10);
    expect(wordErrorRate([])).toBe(0);
  });
});
